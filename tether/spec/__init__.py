"""The integration spec: model, loader with line-numbered errors, and durations."""

from tether.spec.loader import LoadedSpec, load_spec, parse_spec
from tether.spec.model import Spec

__all__ = ["LoadedSpec", "Spec", "load_spec", "parse_spec"]
