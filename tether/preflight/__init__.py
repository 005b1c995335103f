"""`tether preflight`: what a first `pulumi up` would collide with or overwrite, read-only."""

from tether.preflight.checks import Checked, Finding, preflight

__all__ = ["Checked", "Finding", "preflight"]
