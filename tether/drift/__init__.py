"""Drift detection: live cloud state read-only, compared field by field with the desired state.

``scan`` reads and compares; ``report.build`` turns the results into the stable JSON document the
CLI prints (or renders as text and Markdown).
"""

from tether.drift.calls import RetryPolicy
from tether.drift.clients import Clients
from tether.drift.model import Difference, IntegrationResult
from tether.drift.scan import ScanOptions, scan, workers_for
from tether.settings import Settings, load_settings

__all__ = [
    "Clients",
    "Difference",
    "IntegrationResult",
    "RetryPolicy",
    "ScanOptions",
    "Settings",
    "load_settings",
    "scan",
    "workers_for",
]
