"""Read a Cloud Storage bucket through the JSON API (google-cloud-storage), read-only.

One bucket GET gives CORS, uniform access and public access prevention; the bucket's IAM policy
(version 3, to see conditions) and the reader service account's IAM policy follow.
"""

from __future__ import annotations

from typing import Any

from tether.desired import GcsDesired
from tether.drift import bindings
from tether.drift.calls import Caller, Classified, Reading, retry_after
from tether.drift.clients import Clients
from tether.drift.model import Observed

_REASONS = {401: "credentials", 403: "access_denied", 404: "not_found", 429: "throttled"}


def classify(error: BaseException) -> Classified | None:
    """What a google-cloud / requests exception means: 429, 5xx, timeouts and lost connections are transient."""
    import requests
    from google.api_core import exceptions as api
    from google.auth import exceptions as auth

    if isinstance(error, api.GoogleAPICallError):
        status = int(error.code or 0)
        code = type(error).__name__
        detail = f"{status} {error.message}"
        wait = retry_after(getattr(error.response, "headers", None))
        if status >= 500:
            return Classified("server_error", True, code, detail, wait)
        reason = _REASONS.get(status, "error")
        return Classified(reason, reason == "throttled", code, detail, wait)  # type: ignore[arg-type]
    if isinstance(error, requests.exceptions.SSLError):
        return Classified(
            "tls", False, "", f"TLS handshake failed ({str(error)[-160:]}): for a private CA set REQUESTS_CA_BUNDLE"
        )
    if isinstance(error, requests.Timeout):
        return Classified("timeout", True, "", str(error))
    if isinstance(error, requests.ConnectionError):
        return Classified("unreachable", True, "", str(error))
    if isinstance(error, auth.GoogleAuthError):
        return Classified("credentials", False, "", str(error))
    return None


def _service_account_policy(clients: Clients, session: Any, project: str, email: str) -> list[dict[str, Any]]:
    """``projects.serviceAccounts.getIamPolicy`` as the IAM v1 discovery document defines it: a POST with
    no body and ``options.requestedPolicyVersion`` as a query parameter (version 3, so conditional
    bindings come back with their conditions instead of as ``..._withcond_<hash>`` roles)."""
    from google.api_core import exceptions as api

    url = f"{clients.gcp_iam_endpoint()}/v1/projects/{project}/serviceAccounts/{email}:getIamPolicy"
    answer = session.post(url, params={"options.requestedPolicyVersion": 3}, timeout=clients.timeout)
    if answer.status_code >= 400:
        raise api.from_http_response(answer)
    return bindings.flatten(answer.json().get("bindings", []))


def read_gcs(desired: GcsDesired, clients: Clients, call: Caller) -> Observed:
    """The live state of one GCS integration, as far as it could be read."""
    reading = Reading(call, gone={"NotFound"}, what=f"bucket {desired.bucket}")
    timeout = clients.timeout

    def settings() -> dict[str, Any]:
        found = call(call(clients.gcs, desired.project).get_bucket, desired.bucket, timeout=timeout, retry=None)
        return {
            "cors": found.cors or [],
            "uniform_bucket_level_access": found.iam_configuration.uniform_bucket_level_access_enabled,
            "public_access_prevention": found.iam_configuration.public_access_prevention,
        }

    def policy() -> list[dict[str, Any]]:
        bucket = call(clients.gcs, desired.project).bucket(desired.bucket)
        answer = call(bucket.get_iam_policy, requested_policy_version=3, timeout=timeout, retry=None)
        return bindings.flatten(answer.bindings)

    reading.read("bucket", settings)
    observed = reading.observed
    observed.values.update(observed.values.pop("bucket", None) or {})
    reading.read("bindings", policy)
    if desired.reader_email:
        email = desired.reader_email

        def signer() -> list[dict[str, Any]]:
            session = call(clients.gcs, desired.project)._http
            return call(_service_account_policy, clients, session, desired.project, email)

        reading.read("signer_bindings", signer, absent={"NotFound"}, endpoint="iam")
    return observed
