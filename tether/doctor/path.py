"""The browser's path to one signed URL from one origin: preflight (only when Chromium sends one), the ranged
GET, HEAD; each answer judged by the rules in tether.doctor.cors, each failure said as the browser shows it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from tether.doctor import cors
from tether.doctor.findings import Finding
from tether.doctor.probe import Answer, request


@dataclass(frozen=True)
class Declared:
    """What the spec says about the integration's CORS: the fixes name what to change there."""

    integration: str
    origins: Sequence[str]
    headers: Sequence[str]
    """Headers the app sends (the spec's ``cors.headers``)."""
    expose_headers: Sequence[str]
    ca_file: str | None = None


def _drifted(declared: Declared) -> str:
    return (
        f"the spec already allows this, so the bucket's CORS differs from it (a console edit?): "
        f"`tether drift SPEC --integration {declared.integration}` shows how; `pulumi up` restores the spec's"
    )


def _origin_fix(declared: Declared, origin: str) -> str:
    if origin not in declared.origins:
        return f"add {origin} to integrations[{declared.integration}].cors.origins (or platform.origins)"
    return _drifted(declared)


def refused(answer: Answer) -> str:
    """A store's refusal in words: the status and the store's error code."""
    code = answer.error_code()
    return f"{answer.status}{f' {code}' if code else ''}"


def _store_fix(answer: Answer, declared: Declared) -> str:
    code = answer.error_code().lower()
    if "expired" in answer.body.decode("utf-8", "replace").lower() or "expired" in code:
        return "sign URLs when the page opens, not ahead of time; the integration's expiry bounds how long they last"
    if "signature" in code or code in {"authenticationfailed", "accessdenied", "authorizationfailure"}:
        return (
            f"the store rejects the platform's signature: check the signing credentials of {declared.integration} "
            "(`tether sign` with the same key) and the clock of the signing host"
        )
    return f"`tether sign` the same key for {declared.integration} and fetch it to see the store's answer"


def check_origin(url: str, origin: str, declared: Declared) -> list[Finding]:
    """Findings for a page at ``origin`` loading ``url`` as the label editor does."""
    name = declared.integration

    def finding(check: str, status: str, browser: str, fix: str | None = None) -> Finding:
        return Finding(name, check, status, browser, fix, origin)  # type: ignore[arg-type]

    sent = cors.request_headers(declared.headers)
    names = cors.preflight_names(sent)
    found: list[Finding] = []
    if names:
        ask = {"Origin": origin, "Access-Control-Request-Method": "GET",
               "Access-Control-Request-Headers": ",".join(names)}  # fmt: skip
        answer = request(url, "OPTIONS", ask, declared.ca_file)
        if answer.status == 0:
            return [finding("preflight", "unreachable", f"the preflight gets no answer: {answer.error}")]
        problem = cors.preflight_problem(answer.status, answer.headers, origin, names)
        if problem:
            return [
                finding(
                    "preflight", "problem",
                    f"the browser sends a preflight for {', '.join(names)} and it fails ({problem}): the GET is never "
                    "sent and the editor shows no media",
                    _origin_fix(declared, origin),
                )
            ]  # fmt: skip
        found.append(finding("preflight", "ok", f"the preflight for {', '.join(names)} passes"))
    answer = request(url, "GET", {"Origin": origin, **sent}, declared.ca_file)
    if answer.status == 0:
        status = "problem" if not answer.certificate else "unreachable"
        fix = "serve the store with a certificate a browser trusts" if not answer.certificate else None
        return [*found, finding("ranged GET", status, f"the browser cannot connect: {answer.error}", fix)]
    if not 200 <= answer.status < 300:
        blocked = cors.origin_problem(answer.headers, origin)
        seen = " (and shows it as a CORS error, since the answer is not CORS-allowed)" if blocked else ""
        return [
            *found,
            finding("ranged GET", "problem", f"the store refuses the signed URL with {refused(answer)}{seen}",
                    _store_fix(answer, declared)),
        ]  # fmt: skip
    blocked = cors.origin_problem(answer.headers, origin)
    if blocked:
        return [
            *found,
            finding("ranged GET", "problem",
                    f"the browser blocks the answer ({blocked}): the editor shows no media",
                    _origin_fix(declared, origin)),
        ]  # fmt: skip
    if answer.status != 206:
        found.append(
            finding("ranged GET", "problem",
                    f"the store answers {answer.status}, not 206, to Range: the editor downloads the whole object "
                    "before it can show the first frame", "use a store that honours Range requests")
        )  # fmt: skip
    hidden = cors.unexposed(answer.headers)
    if hidden:
        spec_lacks = [h for h in hidden if h.lower() not in {e.lower() for e in declared.expose_headers}]
        fix = _drifted(declared)
        if spec_lacks:
            fix = f"add {', '.join(spec_lacks)} to integrations[{name}].cors.expose_headers"
        found.append(
            finding("exposed headers", "problem",
                    f"the editor's script cannot read {', '.join(hidden)} (not in Access-Control-Expose-Headers): "
                    "it cannot tell the object's size or version, so media does not load", fix)
        )  # fmt: skip
    elif answer.status == 206:
        found.append(finding("ranged GET", "ok", "206 with Content-Range and ETag readable by the page"))
    head = request(url, "HEAD", {"Origin": origin}, declared.ca_file)
    head_problem = cors.origin_problem(head.headers, origin) if head.status else head.error
    if head.status == 200 and not head_problem:
        found.append(finding("HEAD", "ok", "a HEAD with the URL passes the CORS check"))
    elif _signs_method(url):
        found.append(finding("HEAD", "ok", f"a HEAD with the URL is refused ({refused(head)}), as it must be: the "
                             "signature covers GET only, and the editor reads sizes from the ranged GET"))  # fmt: skip
    else:
        found.append(
            finding("HEAD", "advisory", f"a HEAD with the URL fails ({head_problem or refused(head)}); the ranged GET "
                    "works, so an editor that reads sizes from it is unaffected", _origin_fix(declared, origin))
        )  # fmt: skip
    return found


def _signs_method(url: str) -> bool:
    """SigV4, SigV2 and GCS V4 sign the HTTP method (a GET URL cannot HEAD); an Azure SAS does not."""
    query = urlsplit(url).query
    return any(f"{name}=" in query for name in ("X-Amz-Signature", "X-Goog-Signature", "Signature"))
