"""A small spec with one integration per kind of stand-in (and one GCP, not emulated), and the means to run
`tether sandbox` in a temporary state directory and always stop what it started, even when a test fails."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tether.cli.main import main
from tether.sandbox import state
from tether.sandbox.down import down
from tether.standins import ports, seaweedfs

SPEC = """\
version: 1
organization:
  name: acme
  members: [ann@acme.ai, ben@acme.ai]
platform:
  origins: [https://app.example.com]
  egress_cidrs: [203.0.113.0/24]
  aws: {account_id: "111122223333"}
  gcp: {service_account: platform-signer@annotate-prod.iam.gserviceaccount.com}
  azure:
    tenant_id: 8f3c2a10-5b7e-4d2a-9c41-2e6f0b7d9a11
    principal_id: 4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b
integrations:
  - name: lab
    provider: s3-compatible
    endpoint: https://s3.lab.example.com
    bucket: {name: lab-archive}
    principal: arn:aws:iam::000000000000:user/annotate-platform
    creator: ann@acme.ai
    prefixes: [masks/, raw/]
    cors:
      origins: [https://app.example.com, https://review.example.com]
      methods: [GET, HEAD, PUT]
      reason: reviewers upload corrected masks
  - name: video
    provider: aws
    region: eu-west-2
    bucket: {name: acme-video}
    external_id: ext-video
    creator: ann@acme.ai
    strict_client_only: true
    prefixes: [videos/]
    cors: {headers: [Range]}
  - name: audio
    provider: azure
    region: westeurope
    resource_group: acme-rg
    bucket: {account: acmeaudio, container: calls}
    creator: ann@acme.ai
  - name: shelves
    provider: gcp
    project: acme-vision-dev
    region: europe-west2
    bucket: {name: acme-shelves}
    creator: ann@acme.ai
"""
EMULATED = ["lab", "video", "audio"]
TETHER = Path(sys.executable).parent / "tether"


def write_spec(directory: Path, text: str = SPEC) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "integrations.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def azure_only(directory: Path) -> str:
    """The spec with only its Azure integration: one quick server (Azurite)."""
    head, _, rest = SPEC.partition("integrations:\n")
    audio = rest[rest.index("  - name: audio") : rest.index("  - name: shelves")]
    return write_spec(directory, f"{head}integrations:\n{audio}")


def free_base() -> int:
    """A base port whose whole fixed layout (BASE..BASE+6 and SeaweedFS's gRPC twins) is free now."""
    offsets = (*range(7), *(seaweedfs.GRPC_OFFSET + i for i in range(4)))
    return ports.free_ports(1, offsets=offsets)[0]


def sandbox(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``tether sandbox ARGS`` in this process: (exit status, stdout, stderr)."""
    code = main(["sandbox", *args])
    out, err = capsys.readouterr()
    return code, out, err


def up_json(capsys: pytest.CaptureFixture[str], spec: str, state_dir: Path, *args: str) -> dict[str, Any]:
    code, out, err = sandbox(capsys, "up", spec, "--state-dir", str(state_dir), "--output", "json", *args)
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def processes_logging_to(directory: Path) -> list[int]:
    """Live processes whose stdout is a file under ``directory``: every server a sandbox there started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            target = os.readlink(entry / "fd" / "1")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if target.startswith(f"{directory}/") and stat.rsplit(")", 1)[1].split()[0] != "Z":
            found.append(int(entry.name))
    return found


def is_running(pid: int) -> bool:
    """A live process (a zombie, exited but not yet reaped by this test process, is not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def force_down(state_dir: Path) -> None:
    """Teardown: `down`, then SIGKILL anything still logging there (a run that died before saving its state)."""
    try:
        down(state_dir, lambda _: None)
    finally:
        for pid in processes_logging_to(state_dir):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)  # each server leads its own session


@pytest.fixture
def state_dir(tmp_path: Path) -> Iterator[Path]:
    """A state directory whose sandbox is always stopped at the end of the test."""
    directory = tmp_path / "state"
    yield directory
    force_down(directory)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One sandbox for the module, brought up by the real `tether` executable (so the servers must outlive
    it), with two sample files seeded; yields the spec path, state directory and `up`'s JSON answer."""
    work = tmp_path_factory.mktemp("sandbox")
    spec = write_spec(work)
    samples = work / "samples"
    (samples / "clips").mkdir(parents=True)
    (samples / "frame.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (samples / "clips" / "one.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 not really a video")
    directory = work / "state"
    try:
        done = subprocess.run(
            [str(TETHER), "sandbox", "up", spec, "--state-dir", str(directory), "--seed", str(samples), "-o", "json"],
            capture_output=True, text=True, timeout=180, check=False,
        )
        assert done.returncode == 0, done.stderr
        yield {"spec": spec, "state_dir": directory, "up": json.loads(done.stdout), "stdout": done.stdout}
    finally:
        force_down(directory)


def load_state(directory: Path) -> state.State:
    loaded = state.load(directory)
    assert loaded is not None
    return loaded
