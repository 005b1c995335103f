"""The object doctor follows when none is given: the first one under the integration's first prefix.

Listed as `tether register` lists (tether/register/listing.py: the customer's credential chains, the
stand-in endpoints of the env file), asking for one object, so every provider doctor checks can pick its
own sample: S3 and OTC, Azure with a shared key or Entra ID, Cloud Storage with application default
credentials.
"""

from __future__ import annotations

from runtime import Runtime
from runtime.sign.targets import resolve
from tether.errors import ReadError
from tether.register.listing import list_objects
from tether.spec.model import AnyIntegration, GcpIntegration


def first_key(runtime: Runtime, integration: AnyIntegration) -> str:
    """The first key under the first prefix; ReadError when none can be listed."""
    prefix = integration.prefixes[0] if integration.prefixes else ""
    target = resolve(runtime.spec, integration, runtime.records.get(integration.name), runtime.settings)
    project = integration.project if isinstance(integration, GcpIntegration) else None
    try:
        found = next(list_objects(target, runtime.settings, prefix, project, page=1), None)
    except Exception as error:  # a refusal the listing words, or any SDK failure before it could ask
        said = f"{integration.name}: cannot list the bucket to pick a sample object ({error}): give --key"
        raise ReadError(said) from None
    if found is None:
        raise ReadError(f"{integration.name}: no object under {prefix or 'the bucket'}: give --key")
    return found.key
