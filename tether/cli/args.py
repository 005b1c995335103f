"""Command-line arguments checked against the spec the same way by every command that takes them."""

from __future__ import annotations

from collections.abc import Iterable

from tether.errors import InputError
from tether.spec import Spec


def require_integrations(path: str, spec: Spec, names: Iterable[str]) -> None:
    """InputError (exit 2) naming the spec file and the integrations it has, for the first unknown name."""
    for name in names:
        try:
            spec.integration(name)
        except KeyError as error:
            raise InputError(f"{path}: {error.args[0]}") from None
