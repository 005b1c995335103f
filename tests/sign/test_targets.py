"""Where URLs point: AWS's own endpoints, the stack's records over the spec, and TETHER_ENDPOINT_* overrides;
and the batch call: one decision, every key checked, the same URLs as one call per key."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from runtime.access import Decision
from runtime.sign import Refused
from runtime.sign.targets import AzureTarget, GcsTarget, S3Target
from tests.sign.support import NOW, SPEC, FakeCredentials, record, runtime


def test_aws_us_east_1_is_virtual_hosted_on_the_global_name() -> None:
    url = runtime().sign("ann@acme.ai", "east", "frames/cam 1/0001.jpg", now=NOW).url
    assert url.startswith(
        "https://acme-east.s3.amazonaws.com/frames/cam%201/0001.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIDEXAMPLE%2F20260302%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260302T093000Z"
        "&X-Amz-Expires=43200&X-Amz-SignedHeaders=host&X-Amz-Signature="
    )


def test_aws_elsewhere_uses_the_regional_endpoint() -> None:
    url = runtime().sign("ann@acme.ai", "videos", "videos/a.mp4", now=NOW).url
    assert url.startswith("https://acme-videos.s3.eu-west-2.amazonaws.com/videos/a.mp4?")


def test_records_give_the_real_bucket_region_and_role() -> None:
    credentials = FakeCredentials()
    records = {
        "videos": record(
            name="videos",
            provider="aws",
            bucket="acme-videos-7f3a21",
            region="eu-west-1",
            role_arn="arn:aws:iam::444455556666:role/tether/tether-videos",
        )
    }
    url = runtime(records=records, credentials=credentials).sign("ann@acme.ai", "videos", "videos/a", now=NOW).url
    assert url.startswith("https://acme-videos-7f3a21.s3.eu-west-1.amazonaws.com/videos/a?")
    [target] = credentials.asked
    assert target == S3Target(
        integration="videos",
        provider="aws",
        bucket="acme-videos-7f3a21",
        region="eu-west-1",
        endpoint=None,
        path_style=False,
        role_arn="arn:aws:iam::444455556666:role/tether/tether-videos",
        external_id="acme-1234",
        session_seconds=12 * 3600,
    )


def test_without_records_the_chain_signs_and_no_role_is_assumed() -> None:
    credentials = FakeCredentials()
    runtime(credentials=credentials).sign("ann@acme.ai", "videos", "videos/a", now=NOW)
    assert credentials.asked[0].role_arn is None


def test_records_give_an_s3_compatible_store_its_endpoint_and_addressing() -> None:
    records = {
        "lab": record(name="lab", provider="s3-compatible", bucket="lab-2024", region="eu-1",
                      endpoint="https://store.example.net:9000", path_style=False),
    }
    url = runtime(records=records).sign("ann@acme.ai", "lab", "a/b.png", now=NOW).url
    assert url.startswith("https://lab-2024.store.example.net:9000/a/b.png?")
    assert "%2Feu-1%2Fs3%2F" in url


def test_otc_is_path_style_on_the_regional_obs_endpoint() -> None:
    url = runtime().sign("ann@acme.ai", "scans", "s.png", now=NOW).url
    assert url.startswith("https://obs.eu-de.otc.t-systems.com/acme-scans/s.png?")


@pytest.mark.parametrize(
    ("variable", "integration", "start"),
    [
        ("TETHER_ENDPOINT_S3_COMPATIBLE", "lab", "https://127.0.0.1:8443/lab/k.png?"),
        ("TETHER_ENDPOINT_OTC", "scans", "https://127.0.0.1:8443/acme-scans/k.png?"),
        ("TETHER_ENDPOINT_AWS", "videos", "https://127.0.0.1:8443/acme-videos/k.png?"),
        ("TETHER_ENDPOINT_GCP", "images", "https://127.0.0.1:8443/acme-images/k.png?"),
        ("TETHER_ENDPOINT_AZURE", "calls", "https://127.0.0.1:8443/acmecalls/calls/k.png?"),
    ],
)
def test_endpoint_overrides_point_signing_at_a_stand_in_path_style(variable: str, integration: str, start: str) -> None:
    rt = runtime(SPEC.replace("    prefixes: [videos/, frames/]\n", ""), env={variable: "https://127.0.0.1:8443/"})
    assert rt.sign("ann@acme.ai", integration, "k.png", now=NOW).url.startswith(start)


def test_gcs_signs_as_the_reader_with_the_records_hmac_key() -> None:
    credentials = FakeCredentials()
    records = {
        "images": record(name="images", provider="gcp", bucket="acme-images-real", region="europe-west2",
                         service_account="images-reader@acme-images.iam.gserviceaccount.com",
                         hmac_access_id="GOOG1EXAMPLEID"),
    }
    url = runtime(records=records, credentials=credentials).sign("ann@acme.ai", "images", "a.jpg", now=NOW).url
    assert url.startswith(
        "https://storage.googleapis.com/acme-images-real/a.jpg?X-Goog-Algorithm=GOOG4-HMAC-SHA256"
        "&X-Goog-Credential=GOOG1EXAMPLEID%2F20260302%2Fauto%2Fstorage%2Fgoog4_request"
    )
    assert credentials.asked == [
        GcsTarget("images", "acme-images-real", "https://storage.googleapis.com",
                  "images-reader@acme-images.iam.gserviceaccount.com", "GOOG1EXAMPLEID")
    ]


def test_gcs_without_records_signs_as_the_reader_the_spec_names() -> None:
    credentials = FakeCredentials()
    runtime(credentials=credentials).sign("ann@acme.ai", "images", "a.jpg", now=NOW)
    assert credentials.asked[0].service_account == "images-reader@acme-images.iam.gserviceaccount.com"


def test_azure_is_read_only_https_only_for_one_blob() -> None:
    credentials = FakeCredentials()
    url = runtime(credentials=credentials).sign("ann@acme.ai", "calls", "2026/03/call 1.wav", now=NOW).url
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "acmecalls.blob.core.windows.net", "/calls/2026/03/call%201.wav")
    assert "&sp=r&spr=https&sv=" in url and "&sr=b&sig=" in url
    assert credentials.asked == [
        AzureTarget("calls", "acmecalls", "calls", "https://acmecalls.blob.core.windows.net", "https", True)
    ]


def test_azure_records_name_the_account_and_container() -> None:
    records = {"calls": record(name="calls", provider="azure", bucket="calls2", region="westeurope",
                               account="acmecalls2", container="calls2")}
    url = runtime(records=records).sign("ann@acme.ai", "calls", "a.wav", now=NOW).url
    assert url.startswith("https://acmecalls2.blob.core.windows.net/calls2/a.wav?")


def test_an_http_emulator_gets_sas_that_allow_http() -> None:
    rt = runtime(env={"TETHER_ENDPOINT_AZURE": "http://127.0.0.1:10000"})
    url = rt.sign("ann@acme.ai", "calls", "a.wav", now=NOW).url
    assert url.startswith("http://127.0.0.1:10000/acmecalls/calls/a.wav?") and "&spr=https%2Chttp&" in url


def test_records_say_direct_access_too() -> None:
    records = {"east": record(name="east", provider="aws", bucket="acme-east", region="us-east-1", direct_access=True)}
    with pytest.raises(Refused, match="east uses Direct Access"):
        runtime(records=records).sign("ann@acme.ai", "east", "a", now=NOW)


def test_batch_takes_one_decision_and_matches_single_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    import runtime.sign.signer as signer

    decisions: list[str] = []

    def counting(spec: object, user: str, action: object, integration: object) -> Decision:
        decisions.append(user)
        return Decision(True, "test", "R4")

    monkeypatch.setattr(signer, "decide", counting)
    keys = [f"frames/{i:05d}.jpg" for i in range(500)]
    rt = runtime()
    batch = rt.sign_many("ben@acme.ai", "videos", keys, now=NOW)
    assert decisions == ["ben@acme.ai"]
    assert [signed.url for signed in batch] == [rt.sign("ben@acme.ai", "videos", key, now=NOW).url for key in keys]
    assert {signed.expires_at for signed in batch} == {batch[0].expires_at}
    assert rt.sign_many("ben@acme.ai", "videos", [], now=NOW) == []


def test_credentials_are_asked_once_per_call_not_per_key() -> None:
    credentials = FakeCredentials()
    rt = runtime(credentials=credentials)
    rt.sign_many("ann@acme.ai", "lab", ["a", "b", "c"], now=NOW)
    rt.sign("ann@acme.ai", "lab", "d", now=NOW)
    assert len(credentials.asked) == 2
