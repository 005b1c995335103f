"""The one gate every server-side media feature passes: strict client-only integrations refuse them (R8).

A client-only integration promises that the platform's servers never read its data, so any feature
that would fetch an object to convert or inspect it must ask here first and stop when refused.
"""

from __future__ import annotations

from enum import StrEnum

from tether.errors import EXIT_FINDINGS, TetherError
from tether.spec.model import AnyIntegration


class ServerFeature(StrEnum):
    """Platform features that read an object's bytes on the platform's servers."""

    METADATA_EXTRACTION = "metadata extraction"
    THUMBNAILS = "thumbnails"
    TRANSCODING = "transcoding"
    IMAGE_SEQUENCE_VIDEO = "building a video from an image sequence"


class ServerSideRefused(TetherError):
    """A server-side feature was asked of a strict client-only integration (a finding: exit 1)."""

    exit_code = EXIT_FINDINGS

    def __init__(self, integration: str, feature: ServerFeature) -> None:
        self.integration = integration
        self.feature = feature
        super().__init__(
            f"integration {integration!r} is strict client-only: the platform's servers may not read its data, "
            f"so {feature} is not available (R8)"
        )


def require_server_side(integration: AnyIntegration, feature: ServerFeature) -> None:
    """Return if ``feature`` may run on the platform's servers for ``integration``; raise ServerSideRefused if not."""
    if integration.strict_client_only:
        raise ServerSideRefused(integration.name, feature)
