"""The example stacks, and their graphs built once per session under Pulumi's mocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.graph import build_graph
from tests.components.graphs import Graph
from tether.spec import load_spec
from tether.spec.model import Spec

ROOT = Path(__file__).resolve().parents[2]



@pytest.fixture(scope="session")
def dev() -> Spec:
    return load_spec(str(ROOT / "stacks/dev/integrations.yaml")).spec


@pytest.fixture(scope="session")
def prod() -> Spec:
    return load_spec(str(ROOT / "stacks/prod/integrations.yaml")).spec


@pytest.fixture(scope="session")
def dev_graph(dev: Spec) -> Graph:
    return Graph(build_graph(dev, stack="dev"))


@pytest.fixture(scope="session")
def prod_graph(prod: Spec) -> Graph:
    return Graph(build_graph(prod, stack="prod"))
