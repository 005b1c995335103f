"""Desired state: the one rendering of the spec that `pulumi up`, policies and drift all read.

Plain data in each cloud's own API shape (S3 PutBucketCors, GCS JSON API, ARM), no Pulumi types,
so what the components apply and what drift detection expects can never disagree.
"""

from tether.desired.azure import AzureDesired, render_azure
from tether.desired.gcs import GcsDesired, render_gcs
from tether.desired.render import Desired, render, render_all
from tether.desired.s3 import RoleDesired, S3Desired, render_s3

__all__ = [
    "AzureDesired",
    "Desired",
    "GcsDesired",
    "RoleDesired",
    "S3Desired",
    "render",
    "render_all",
    "render_azure",
    "render_gcs",
    "render_s3",
]
