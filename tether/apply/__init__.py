"""Put a desired state onto S3-family stores, AWS IAM and Azure blob storage through their SDKs.

Not a replacement for `pulumi up`: it configures the local stand-ins (SeaweedFS, moto, Azurite)
for `tether sandbox up` and the drift tests, converging each resource to the desired state so a
later drift scan reads "in sync".
"""

from tether.apply.azure import apply_azure
from tether.apply.s3 import PERMISSIONS_POLICY_NAME, apply_s3
from tether.apply.spec import Applied, apply_spec

__all__ = ["PERMISSIONS_POLICY_NAME", "Applied", "apply_azure", "apply_s3", "apply_spec"]
