"""Signed object URLs for the platform: who may have one, for which key, for how long, signed with what.

The pure signers (``runtime.signing``) make URLs; this package decides whether to (R4, R9), checks the key,
settles the expiry (R10: the integration's, within the provider's limit and the credentials' life) and finds
the credentials. ``Runtime.sign`` and ``Runtime.sign_many`` are the entry points.
"""

from runtime.sign.credentials import AzureKey, CredentialSource, EnvironmentCredentials, Lease
from runtime.sign.outcome import Refused, SignedUrl
from runtime.sign.signer import UrlSigner

__all__ = ["AzureKey", "CredentialSource", "EnvironmentCredentials", "Lease", "Refused", "SignedUrl", "UrlSigner"]
