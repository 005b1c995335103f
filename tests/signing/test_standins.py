"""The stand-in machinery itself: port picking, readiness, stopping by record, and the moto fixture."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import boto3
import pytest

from tether.standins import ports, process
from tether.standins.moto_server import MotoHandle, MotoProcess, answers_probe

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]
"""A child process that would outlive the test if stopping did not work (it is the child that waits)."""


def test_free_ports_leave_every_offset_free_and_below_the_ephemeral_range() -> None:
    picked = ports.free_ports(4, offsets=(0, 10000))
    wanted = [p + offset for p in picked for offset in (0, 10000)]
    assert len(set(wanted)) == 8
    assert max(wanted) < ports.ephemeral_floor()
    assert all(ports.is_free(p) for p in wanted)


def test_a_bound_port_is_not_free() -> None:
    with socket.socket() as held:
        held.bind((ports.HOST, 0))
        held.listen()
        assert not ports.is_free(held.getsockname()[1])


def test_server_that_dies_before_ready_is_reported_at_once(tmp_path: Path) -> None:
    attempts: list[int] = []

    def attempt() -> object:
        attempts.append(1)
        return process.start(
            [sys.executable, "-c", "raise SystemExit(3)"],
            lambda: False,
            name="doomed",
            log=tmp_path / "log",
            timeout=60,
        )

    with pytest.raises(process.ExitedEarly, match="exited with status 3"):
        process.retry_port_races(attempt)
    assert len(attempts) == 3  # a lost port race is retried on fresh ports, then reported


def test_server_that_never_gets_ready_is_stopped(tmp_path: Path) -> None:
    started: list[process.Running] = []
    original = process.spawn

    def spy(*args: object, **kwargs: object) -> object:
        proc, running = original(*args, **kwargs)  # type: ignore[arg-type]
        started.append(running)
        return proc, running

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(process, "spawn", spy)
        with pytest.raises(process.StandinError, match="not ready after"):
            process.start(SLEEPER, lambda: False, name="sleeper", log=tmp_path / "log", timeout=0.3)
    assert started and not process.is_ours(started[0])


def test_stop_by_record_spares_a_process_that_is_not_ours(tmp_path: Path) -> None:
    """``sandbox down`` has only the pid and token; a pid now used by another process must not be signalled."""
    proc, running = process.spawn(SLEEPER, log=tmp_path / "log")
    try:
        stranger = process.Running(running.pid, "another-start", running.log)
        assert not process.is_ours(stranger)
        process.terminate(stranger, timeout=1)
        assert proc.poll() is None
        assert process.is_ours(running)
        process.terminate(running, timeout=5)  # no Popen: as another process would stop it
        assert not process.is_ours(running)
    finally:
        proc.kill()
        proc.wait()


def test_detached_moto_runs_in_its_own_process_and_stops_from_its_record(tmp_path: Path) -> None:
    handle = MotoProcess(tmp_path).start()
    assert handle.running is not None
    iam = boto3.client(
        "iam",
        endpoint_url=handle.endpoint_url,
        aws_access_key_id=handle.access_key,
        aws_secret_access_key=handle.secret_key,
        region_name=handle.region,
    )
    assert iam.list_roles()["Roles"] == []
    process.terminate(handle.running, timeout=5)
    assert not process.is_ours(handle.running)
    assert not answers_probe(f"{handle.endpoint_url}/moto-api/")()


def test_moto_fixture_serves_the_control_plane(moto_server: MotoHandle) -> None:
    iam = boto3.client(
        "iam",
        endpoint_url=moto_server.endpoint_url,
        aws_access_key_id=moto_server.access_key,
        aws_secret_access_key=moto_server.secret_key,
        region_name=moto_server.region,
    )
    iam.create_role(RoleName="tether-reader", AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}')
    assert iam.get_role(RoleName="tether-reader")["Role"]["RoleName"] == "tether-reader"
