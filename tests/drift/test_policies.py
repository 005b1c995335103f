"""Policy documents compare by meaning: the rewrites clouds make are not drift, edits are."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from tether.drift import policies
from tether.drift.s3 import bucket_policy_judge, trust_judge

TLS = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
READ = {
    "Sid": "PlatformReadObjects",
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]},
    "Action": ["s3:GetObject"],
    "Resource": ["arn:aws:s3:::b/videos/*"],
}
DESIRED = {"Version": "2012-10-17", "Statement": [TLS, READ]}


def test_cloud_rewrites_read_as_in_sync() -> None:
    rewritten = {
        "Statement": [
            {
                "Resource": "arn:aws:s3:::b/videos/*",
                "Action": "s3:getobject",
                "Principal": {"AWS": "111122223333"},
                "Effect": "Allow",
                "Sid": "PlatformReadObjects",
            },
            {
                "Condition": {"Bool": {"AWS:SecureTransport": False}},
                "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b"],
                "Action": ["s3:*"],
                "Principal": {"AWS": "*"},
                "Effect": "Deny",
                "Sid": "DenyInsecureTransport",
            },
        ],
        "Version": "2012-10-17",
    }
    assert policies.compare("policy", DESIRED, rewritten, bucket_policy_judge) == []


def test_iam_url_encoded_documents_are_parsed() -> None:
    assert policies.parse(quote(json.dumps(DESIRED))) == DESIRED
    assert policies.parse(json.dumps(DESIRED)) == DESIRED


def test_numbers_in_conditions_compare_as_text() -> None:
    want = {"Statement": [{"Effect": "Deny", "Action": "s3:*", "Condition": {"NumericLessThan": {"s3:TlsVersion": 1.2}}}]}
    got = {"Statement": [{"Effect": "Deny", "Action": "s3:*", "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}}]}
    assert policies.compare("policy", want, got, bucket_policy_judge) == []


def test_dropped_tls_deny_is_critical_and_named() -> None:
    [difference] = policies.compare("policy", DESIRED, {"Statement": [READ]}, bucket_policy_judge)
    assert (difference.path, difference.kind, difference.severity) == (
        "policy.Statement[DenyInsecureTransport]", "missing", "critical"
    )
    assert "TLS-only deny" in difference.meaning
    assert difference.expected == TLS and difference.actual is None


def test_public_read_statement_is_critical_extra() -> None:
    public = {"Sid": "AddPerm", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    [difference] = policies.compare("policy", DESIRED, {"Statement": [TLS, READ, public]}, bucket_policy_judge)
    assert (difference.path, difference.kind, difference.severity) == ("policy.Statement[AddPerm]", "extra", "critical")
    assert difference.meaning == "public grant: anyone can s3:GetObject"


@pytest.mark.parametrize(
    ("edit", "severity"),
    [
        ({"Condition": {"Bool": {"aws:SecureTransport": "true"}}}, "critical"),
        ({"Action": ["s3:GetObject", "s3:PutObject"]}, None),
    ],
)
def test_edited_statement_is_changed(edit: dict, severity: str | None) -> None:  # type: ignore[type-arg]
    statement = dict(TLS if severity else READ, **edit)
    others = [READ] if severity else [TLS]
    [difference] = policies.compare("policy", DESIRED, {"Statement": [statement, *others]}, bucket_policy_judge)
    assert difference.kind == "changed"
    assert difference.severity == (severity or "high")


def test_unnamed_trust_statement_changed_not_missing_plus_extra() -> None:
    want = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                           "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}]}
    got = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                          "Action": "sts:AssumeRole"}]}
    [difference] = policies.compare("role.trust_policy", want, got, trust_judge)
    assert (difference.path, difference.kind, difference.severity) == ("role.trust_policy.Statement[0]", "changed", "critical")
    assert "arn:aws:iam::999999999999:root can sts:AssumeRole" in difference.meaning
