"""``--seed DIR``: put sample media into every emulated integration, so the labelling app has data to show.

Each file of DIR (recursively, keeping its relative path) goes under the integration's first declared prefix,
or at the root of the bucket or container when none is declared, with a content type from its extension.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

from tether.desired import AzureDesired, GcsDesired, render
from tether.drift.clients import Clients
from tether.errors import InputError
from tether.spec.model import Spec


def files(directory: Path) -> list[Path]:
    """The regular files under ``directory``, sorted; an input error if it is not a directory."""
    if not directory.is_dir():
        raise InputError(f"{directory}: --seed needs a directory of sample files")
    return sorted(path for path in directory.rglob("*") if path.is_file())


def _content_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


@dataclass(frozen=True)
class Seeded:
    """How many files went into each of which integrations."""

    files: int
    integrations: list[str]


def seed(spec: Spec, clients: Clients, directory: Path) -> Seeded:
    """Upload every file of ``directory`` into each emulated integration."""
    chosen = files(directory)
    seeded = []
    for integration in spec.integrations:
        desired = render(integration, spec)
        if isinstance(desired, GcsDesired):
            continue
        prefix = integration.prefixes[0] if integration.prefixes else ""
        for path in chosen:
            key = prefix + path.relative_to(directory).as_posix()
            if isinstance(desired, AzureDesired):
                from azure.storage.blob import ContentSettings

                blob = clients.blob_service(desired.account).get_blob_client(desired.container, key)
                with path.open("rb") as data:
                    blob.upload_blob(data, overwrite=True, content_settings=ContentSettings(_content_type(path)))
            else:
                clients.s3(desired).upload_file(
                    str(path), desired.bucket, key, ExtraArgs={"ContentType": _content_type(path)}
                )
        seeded.append(integration.name)
    return Seeded(len(chosen), seeded)
