"""The pack as the Pulumi CLI starts it: `python policies` serves the analyzer protocol over gRPC.

The Pulumi CLI cannot be installed here, so this starts the pack's own process (its __main__.py and
a real PolicyPack) and speaks to it as the CLI does; it does not stand for a `pulumi preview` run.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel

from policies.pack.policies import build
from tether.spec import load_spec

from .conftest import line_of
from .test_cli import ROOT

START_SECONDS = 60


@contextmanager
def serving(**env: str) -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """Start the pack with ``env`` (TETHER_SPEC, PULUMI_STACK) and stop it afterwards, by its pid."""
    environment = {k: v for k, v in os.environ.items() if k not in ("TETHER_SPEC", "PULUMI_STACK")} | env
    process = subprocess.Popen([sys.executable, "policies"], cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            assert selector.select(START_SECONDS), "the pack printed no port"
        port = int(process.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _struct(values: dict[str, object]) -> struct_pb2.Struct:
    found = struct_pb2.Struct()
    found.update(values)
    return found


def test_the_pack_serves_every_policy_for_the_stacks_spec() -> None:
    prod = ROOT / "stacks/prod/integrations.yaml"
    expected = build(load_spec(str(prod)), date.today())
    line = line_of(prod.read_text(encoding="utf-8"), "bucket: {name: acme-vision-prod-shelf-images}")
    with serving(PULUMI_STACK="prod") as analyzer:
        info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
        request = proto.AnalyzeRequest(
            type="gcp:storage/bucket:Bucket", urn="urn:pulumi:prod::tether::gcp:storage/bucket:Bucket::shelf",
            name="shelf", properties=_struct({"name": "acme-vision-prod-shelf-images", "uniformBucketLevelAccess": True,
                                              "publicAccessPrevention": "inherited"}))
        diagnostics = list(analyzer.Analyze(request).diagnostics)
    assert info.name == "tether"
    level = {EnforcementLevel.MANDATORY: proto.MANDATORY, EnforcementLevel.ADVISORY: proto.ADVISORY}
    assert [(p.name, p.enforcementLevel) for p in info.policies] == [
        (p.name, level[p.enforcement_level]) for p in expected if p.enforcement_level is not None]
    assert [(d.policyName, d.enforcementLevel, d.message.split("\n")[1:]) for d in diagnostics] == [(
        "tth001-bucket-not-public", proto.MANDATORY,
        ["shelf-images: public access prevention is not enforced", f"fix: {expected[0].remediation_steps}",
         f"spec: stacks/prod/integrations.yaml:{line}:5"],
    )]


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        pytest.param({}, "no spec to judge the stack against: set TETHER_SPEC", id="no-spec"),
        pytest.param({"TETHER_SPEC": "stacks/nowhere/integrations.yaml"}, "the spec cannot be used: ", id="missing"),
    ],
)
def test_without_a_spec_the_pack_blocks_every_deployment(env: dict[str, str], reason: str) -> None:
    with serving(**env) as analyzer:
        info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
        diagnostics = list(analyzer.AnalyzeStack(proto.AnalyzeStackRequest(resources=[])).diagnostics)
    assert [p.name for p in info.policies] == ["tether-spec"]
    [diagnostic] = diagnostics
    assert diagnostic.enforcementLevel == proto.MANDATORY and reason in diagnostic.message
