"""The spec's CORS block, resolved once; each provider module only renames the fields."""

from __future__ import annotations

from dataclasses import dataclass

from tether.spec.model import Cors


@dataclass(frozen=True)
class CorsRule:
    """One CORS rule, provider-neutral: exactly what the spec says, nothing added."""

    origins: tuple[str, ...]
    methods: tuple[str, ...]
    headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age_seconds: int


def cors_rule(cors: Cors) -> CorsRule:
    """The single rule an integration's CORS block declares."""
    return CorsRule(
        origins=tuple(cors.origins),
        methods=tuple(cors.methods),
        headers=tuple(cors.headers),
        expose_headers=tuple(cors.expose_headers),
        max_age_seconds=int(cors.max_age.total_seconds()),
    )
