"""Prefixes reach IAM resources, s3:prefix conditions and GCS CEL conditions: only literal ones are accepted.

IAM reads ``*`` and ``?`` as wildcards in Resource ARNs and StringLike (IAM JSON policy reference,
"Resource" and string condition operators) and ``${...}`` as a policy variable ("IAM policy
elements: Variables and tags"); a GCS IAM condition is CEL, where ``"`` ends the string literal and
``\\`` escapes (cloud.google.com IAM conditions, "resource.name.startsWith"). A prefix like ``*/``
would widen the grant to the whole bucket, a quoted one could rewrite the condition.
"""

from __future__ import annotations

import random

import pytest

from tether.desired import GcsDesired, S3Desired, render
from tether.errors import SpecInvalid
from tether.spec import parse_spec

SPEC = """\
version: 1
organization: {name: acme, members: [ann@acme.ai]}
platform:
  origins: [https://app.example.com]
  aws: {account_id: "111122223333"}
  gcp: {service_account: platform-signer@annotate-prod.iam.gserviceaccount.com}
integrations:
  - {name: s3, provider: aws, region: eu-west-1, bucket: {name: acme-s3}, external_id: acme-1, creator: ann@acme.ai,
     list_objects: true, prefixes: [PREFIX]}
  - {name: gcs, provider: gcp, project: acme-project, region: europe-west2, bucket: {name: acme-gcs},
     creator: ann@acme.ai, prefixes: [PREFIX]}
"""
INTERPRETED = ["*", "?", '"', "\\", "${"]
SAFE = "abcXYZ019-_.!'()&$@=;:+, {}/"


def spec_for(prefix: str) -> str:
    quoted = "'" + prefix.replace("'", "''") + "'"
    return SPEC.replace("PREFIX", quoted)


def random_prefix(rng: random.Random) -> str:
    body = "".join(rng.choice(SAFE) for _ in range(rng.randint(0, 12))).lstrip("/")
    return (body or "p").replace("${", "$ {") + "/"


def test_seeded_prefixes_with_an_interpreted_token_are_refused() -> None:
    rng = random.Random(12)
    for _ in range(200):
        safe = random_prefix(rng)
        cut = rng.randint(0, len(safe) - 1)
        hostile = safe[:cut] + rng.choice(INTERPRETED) + safe[cut:]
        if hostile.startswith("/"):
            continue
        with pytest.raises(SpecInvalid) as refused:
            parse_spec(spec_for(hostile), "test.yaml")
        assert "IAM or CEL would interpret" in str(refused.value.problems)


def test_seeded_literal_prefixes_render_without_wildcards_or_quotes() -> None:
    rng = random.Random(7)
    for _ in range(200):
        prefix = random_prefix(rng)
        spec = parse_spec(spec_for(prefix), "test.yaml").spec
        s3, gcs = (render(i, spec) for i in spec.integrations)
        assert isinstance(s3, S3Desired) and isinstance(gcs, GcsDesired) and s3.role is not None
        read, listing = s3.role.permissions_policy["Statement"]
        # the only wildcard is the trailing one tether adds
        assert read["Resource"] == [f"arn:aws:s3:::acme-s3/{prefix}*"] and "*" not in prefix and "?" not in prefix
        assert listing["Condition"]["StringLike"]["s3:prefix"] == [f"{prefix}*"]
        expression = gcs.bucket_bindings[0]["condition"]["expression"]
        assert expression == f'resource.name.startsWith("projects/_/buckets/acme-gcs/objects/{prefix}")'
        assert expression.count('"') == 2
