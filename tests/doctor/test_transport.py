"""TLS and lifetime judgements that need no server: what the URL and the connection say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tether.doctor.lifetime import expires_at
from tether.doctor.probe import Answer
from tether.doctor.transport import check_lifetime, check_tls

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SIGV4 = "https://s3.example.com/b/k?X-Amz-Date=20260302T093000Z&X-Amz-Expires=3600&X-Amz-Signature=ab"
SAS = "https://a.blob.core.windows.net/c/k?se=2026-03-09T09%3A30%3A00Z&spr=https%2Chttp&sig=x"


def test_each_scheme_says_when_it_ends() -> None:
    assert expires_at(SIGV4) == NOW + timedelta(hours=1)
    assert expires_at(SAS) == NOW + timedelta(days=7)
    assert expires_at("https://x.example/k?X-Goog-Date=20260302T093000Z&X-Goog-Expires=60") == NOW + timedelta(minutes=1)
    assert expires_at("https://x.example/k") is None


def test_a_url_cut_short_by_its_credentials_is_an_advisory_naming_them() -> None:
    found = check_lifetime("v", SIGV4, timedelta(hours=12), NOW, "it cannot outlive the role session")
    assert found.status == "advisory" and "1h, less than the integration's 12h" in found.browser
    assert "role session" in found.browser
    assert check_lifetime("v", SIGV4, timedelta(hours=1), NOW, None).status == "ok"
    assert check_lifetime("v", SIGV4, timedelta(hours=1), NOW + timedelta(hours=2), None).status == "problem"


def test_plain_http_is_blocked_as_mixed_content_except_on_loopback() -> None:
    answer = Answer(200)
    assert check_tls("v", "http://s3.example.com/b/k", answer).status == "problem"
    assert check_tls("v", "http://127.0.0.1:9000/b/k", answer).status == "advisory"


def test_old_tls_untrusted_certificates_and_http_sas_are_called_out() -> None:
    assert check_tls("v", SIGV4, Answer(206, tls="TLSv1.1")).status == "problem"
    assert check_tls("v", SIGV4, Answer(0, error="not trusted", certificate=False)).status == "problem"
    assert check_tls("v", SIGV4, Answer(206, tls="TLSv1.3")).status == "ok"
    assert check_tls("v", SAS, Answer(206, tls="TLSv1.3")).status == "advisory"  # spr=https,http
