"""Each kind of mistake is reported at its exact file:line:column, with the field and what is expected."""

from __future__ import annotations

import pytest

from tether.errors import InputError, SpecInvalid
from tether.spec import load_spec

from .conftest import BASE

AZURE = """\
  - name: audio
    provider: azure
    region: westeurope
    resource_group: rg-audio
    bucket: {account: acmeaudio, container: calls}
    creator: ann@acme.ai
"""


def problems(write, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    path = write(text)
    with pytest.raises(SpecInvalid) as caught:
        load_spec(path)
    return [str(p).removeprefix(path + ":") for p in caught.value.problems]


CASES = [
    pytest.param(
        BASE.replace("    external_id: acme-1234\n", "    external_id: acme-1234\n    colour: red\n"),
        ["17:5: integrations[0].colour: unknown key 'colour'; did you mean 'cors'?"],
        id="unknown-key",
    ),
    pytest.param(
        BASE.replace("    creator: ann@acme.ai\n", "    creator: ann@acme.ai\n    creator: ben@acme.ai\n"),
        [
            "18:5: integrations[0].creator: duplicate key 'creator' (first at line 17); YAML would keep only the last",
            "20:36: integrations[0].members[0].role: the creator is always an admin of their integration",
        ],
        id="duplicate-key",
    ),
    pytest.param(
        BASE + BASE[BASE.index("  - name: videos") :].replace("acme-videos", "acme-videos-2"),
        [
            "12:11: integrations[0].name: integration name 'videos' is used more than once",
            "22:11: integrations[1].name: integration name 'videos' is used more than once",
        ],
        id="duplicate-integration",
    ),
    pytest.param(
        BASE.replace("{group: labelers, role: user}", "{group: annotators, role: user}"),
        ["21:17: integrations[0].groups[0].group: unknown group 'annotators' (organization.groups: labelers)"],
        id="unknown-group",
    ),
    pytest.param(
        BASE.replace("{email: ben@acme.ai, role: user}", "{email: zoe@acme.ai, role: user}"),
        ["19:17: integrations[0].members[0].email: 'zoe@acme.ai' is not a member of the organization"],
        id="unknown-member",
    ),
    pytest.param(
        BASE.replace("creator: ann@acme.ai", "creator: zoe@acme.ai"),
        ["17:14: integrations[0].creator: creator 'zoe@acme.ai' is not a member of the organization (R1)"],
        id="creator-not-member",
    ),
    pytest.param(
        BASE + AZURE + "    signed_url_expiry: 2d\n",
        [
            "28:5: integrations[1].signed_url_expiry: unknown key for azure integrations: custom signed URL "
            "expiry exists only for aws, gcp and otc; Azure rotates SAS tokens instead (set sas.rotation)"
        ],
        id="expiry-on-azure",
    ),
    pytest.param(
        BASE.replace("members: [ann@acme.ai,", "members: [ann-at-acme.ai,"),
        ["4:13: organization.members[0]: value is not a valid email address: An email address must have an @-sign."],
        id="invalid-email",
    ),
    pytest.param(
        BASE.replace("region: eu-west-2", "region: eu-west-9"),
        ["14:13: integrations[0].region: unknown AWS region 'eu-west-9'; did you mean eu-west-3, eu-west-2, eu-west-1?"],
        id="invalid-region",
    ),
    pytest.param(
        BASE.replace("{name: acme-videos}", "{name: Acme_Videos}"),
        [
            "15:20: integrations[0].bucket.name: invalid S3 bucket name 'Acme_Videos': expected 3-63 lowercase "
            "letters, digits, dots or hyphens, starting and ending with a letter or digit"
        ],
        id="invalid-s3-bucket",
    ),
    pytest.param(
        BASE + AZURE.replace("account: acmeaudio", "account: acme-audio"),
        [
            "26:23: integrations[1].bucket.account: invalid storage account name 'acme-audio': expected 3-24 "
            "lowercase letters and digits"
        ],
        id="invalid-azure-account",
    ),
    pytest.param(
        BASE.replace("    external_id: acme-1234\n", "    external_id: acme-1234\n    signed_url_expiry: 8d\n"),
        ["17:24: integrations[0].signed_url_expiry: signed URLs cannot outlive 7d (the SigV4 and GCS V4 limit)"],
        id="expiry-over-a-week",
    ),
    pytest.param(
        BASE.replace("    external_id: acme-1234\n", "    external_id: acme-1234\n    signed_url_expiry: soon\n"),
        [
            "17:24: integrations[0].signed_url_expiry: expected a duration such as 90m, 12h, 7d or 1d12h, "
            "got 'soon'"
        ],
        id="bad-duration",
    ),
    pytest.param(
        BASE.replace('account_id: "111122223333"', "account_id: 111122223333"),
        ["10:21: platform.aws.account_id: Input should be a valid string (got 111122223333: put it in quotes)"],
        id="unquoted-account-id",
    ),
    pytest.param(
        BASE.replace("provider: aws", "provider: dropbox"),
        ["13:15: integrations[0].provider: provider must be one of aws, gcp, azure, otc, s3-compatible (got 'dropbox')"],
        id="unknown-provider",
    ),
    pytest.param(
        BASE.replace("    external_id: acme-1234\n", ""),
        ["12:5: integrations[0]: external_id is required: the platform assumes the role with it (or set direct_access)"],
        id="missing-external-id",
    ),
    pytest.param(
        BASE.replace("  members: [ann@acme.ai, ben@acme.ai, cat@acme.ai]\n", "  members: [ann@acme.ai, ben@acme.ai]\n"),
        [
            "5:12: organization.admins[0]: org admin 'cat@acme.ai' is not in organization.members",
        ],
        id="admin-not-member",
    ),
    pytest.param(
        "organization: [\n  name: x\n",
        ["3:1: (document): YAML syntax error: while parsing a flow sequence did not find expected ',' or ']'"],
        id="yaml-syntax",
    ),
    pytest.param("", ["1:1: (document): the file is empty"], id="empty"),
    pytest.param(
        "- just\n- a list\n",
        ["1:1: (document): expected a mapping with organization, platform and integrations"],
        id="not-a-mapping",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_each_error_is_located(write, text: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert problems(write, text) == expected


def test_all_errors_of_a_file_at_once(write) -> None:  # type: ignore[no-untyped-def]
    text = (
        BASE.replace("region: eu-west-2", "region: mars-1")
        .replace("{name: acme-videos}", "{name: A}")
        .replace("creator: ann@acme.ai\n", "creator: ann@acme.ai\n    creator: ann@acme.ai\n")
    )
    found = problems(write, text)
    assert [line.split(":")[0] for line in found] == ["14", "15", "18"]


def test_gcs_bucket_rules(write) -> None:  # type: ignore[no-untyped-def]
    text = BASE.replace('  aws: {account_id: "111122223333"}\n', (
        '  aws: {account_id: "111122223333"}\n'
        "  gcp: {service_account: platform-signer@annotate-prod.iam.gserviceaccount.com}\n"
    )) + """\
  - name: images
    provider: gcp
    project: acme-images
    region: europe-west2
    bucket: {name: google-images}
    creator: ann@acme.ai
"""
    assert problems(write, text) == [
        "27:20: integrations[1].bucket.name: invalid GCS bucket name 'google-images': expected not starting with "
        "'goog' nor containing 'google'"
    ]


def test_platform_identity_required(write) -> None:  # type: ignore[no-untyped-def]
    text = BASE.replace('  aws: {account_id: "111122223333"}\n', "")
    assert problems(write, text) == [
        "8:1: platform: platform.aws is required: aws integrations grant the platform access"
    ]


def test_missing_file_is_input_error() -> None:
    with pytest.raises(InputError, match="no such file"):
        load_spec("/nonexistent/integrations.yaml")


def test_binary_file_is_input_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "spec.yaml"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InputError, match="not UTF-8 text"):
        load_spec(str(path))
