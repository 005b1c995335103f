"""Azure Blob service SAS for one blob, read-only, identical to azure-storage-blob's ``generate_blob_sas``.

The SDK assembles a SAS through a generic helper (a dict per call, a quote per field); a read-only blob SAS
has one shape, so all that varies per URL is the expiry, the blob name and one HMAC-SHA256. Signed with the
storage account key or with a user delegation key (Entra ID, no account key on the platform). The protocol
is ``https`` for Azure (R11); Azurite speaks plain http, so ``https,http`` is allowed for it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import quote

from runtime.signing.common import Instant, encode_path, epoch_second

SAS_VERSION = "2026-10-06"
"""``sv``: the service version the SDK signs with (azure-storage-blob 12.31); a test keeps the two equal."""

Protocol = Literal["https", "https,http"]


@dataclass(frozen=True, slots=True)
class UserDelegationKey:
    """A key from Get User Delegation Key, with its fields exactly as the service returned them."""

    signed_oid: str
    signed_tid: str
    signed_start: str
    signed_expiry: str
    signed_service: str
    signed_version: str
    value: str = field(repr=False)


class BlobSasSigner:
    """Read-only (``sp=r``) service SAS tokens and URLs for single blobs (``sr=b``) of one storage account."""

    def __init__(
        self,
        account_name: str,
        *,
        account_key: str | None = None,
        user_delegation_key: UserDelegationKey | None = None,
        protocol: Protocol = "https",
        version: str = SAS_VERSION,
    ) -> None:
        if (account_key is None) == (user_delegation_key is None):
            raise ValueError("give exactly one of account_key and user_delegation_key")
        if protocol not in ("https", "https,http"):
            raise ValueError("protocol must be 'https' or 'https,http'")
        self.account_name = account_name
        udk = user_delegation_key
        key = base64.b64decode(udk.value if udk is not None else account_key or "")
        self._mac = hmac.new(key, digestmod=hashlib.sha256)  # keyed once; each SAS signs on a copy
        self.key_expiry = None if udk is None else _parse_time(udk.signed_expiry)
        """When the user delegation key ends; a SAS signed with it cannot be valid past this."""
        if udk is None:
            signed_identity = ""  # si: no stored access policy
            query_identity = ""
        else:
            signed = (udk.signed_oid, udk.signed_tid, udk.signed_start, udk.signed_expiry, udk.signed_service)
            # skoid, sktid, skt, ske, sks, skv; then saoid, suoid, scid, skdutid and sduoid, all empty.
            signed_identity = "\n".join((*signed, udk.signed_version)) + "\n" * 5
            query_identity = (
                f"&skoid={quote(udk.signed_oid)}&sktid={quote(udk.signed_tid)}&skt={quote(udk.signed_start)}"
                f"&ske={quote(udk.signed_expiry)}&sks={quote(udk.signed_service)}&skv={quote(udk.signed_version)}"
            )
        srh_srq = "\n\n" if udk is not None else ""
        # After the resource: identity, sip, spr, sv, sr, snapshot, ses, [srh, srq], rscc..rsct (all empty).
        self._sts_tail = f"\n{signed_identity}\n\n{protocol}\n{version}\nb\n\n\n{srh_srq}\n\n\n\n"
        self._query_tail = f"&sp=r&spr={quote(protocol)}&sv={version}&sr=b{query_identity}&sig="
        self._last_expiry: tuple[int, str] = (-1, "")

    def token(
        self,
        container: str,
        blob: str,
        *,
        expires_in: int,
        now: Instant = None,
        start: datetime | None = None,
    ) -> str:
        """The SAS query string (no leading ``?``) granting read of ``container/blob`` until ``now + expires_in``."""
        if not blob or not container:
            raise ValueError("container and blob names must not be empty")
        if expires_in < 1:
            raise ValueError("expires_in must be at least one second")
        expiry = self._expiry(now, expires_in)
        st = "" if start is None else _format_time(start)
        string_to_sign = f"r\n{st}\n{expiry}\n/blob/{self.account_name}/{container}/{blob}{self._sts_tail}"
        mac = self._mac.copy()
        mac.update(string_to_sign.encode())
        signature = base64.b64encode(mac.digest()).decode()
        signature = signature.replace("+", "%2B").replace("=", "%3D")  # quote() with "/" kept, as the SDK does
        prefix = "" if start is None else f"st={st.replace(':', '%3A')}&"
        return f"{prefix}se={expiry.replace(':', '%3A')}{self._query_tail}{signature}"

    def url(
        self,
        account_url: str,
        container: str,
        blob: str,
        *,
        expires_in: int,
        now: Instant = None,
        start: datetime | None = None,
    ) -> str:
        """The blob's URL with its SAS, encoded as the SDK's ``BlobClient.url`` encodes it."""
        token = self.token(container, blob, expires_in=expires_in, now=now, start=start)
        return f"{account_url.rstrip('/')}/{quote(container)}/{encode_path(blob)}?{token}"

    def _expiry(self, now: Instant, expires_in: int) -> str:
        """``se`` for ``now + expires_in``, refusing to outlive a user delegation key."""
        second = epoch_second(now) + expires_in
        if self.key_expiry is not None and second > self.key_expiry.timestamp():
            raise ValueError("the SAS would outlive its user delegation key")
        last = self._last_expiry
        if last[0] != second:  # formatted once per second: many URLs are signed each second
            last = self._last_expiry = (second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second)))
        return last[1]


def _format_time(value: datetime) -> str:
    """SAS time format, in UTC (naive means UTC, as in the SDK)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
