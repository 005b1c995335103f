"""`--ports BASE`: a fixed layout, and a port already taken is exit 3 naming it, with nothing started or
written."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from .conftest import azure_only, free_base, processes_logging_to, sandbox, up_json, write_spec


def test_fixed_ports_put_each_server_at_its_offset(
    tmp_path: Path, state_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = free_base()
    document = up_json(capsys, azure_only(tmp_path), state_dir, "--ports", str(base))
    assert document["services"]["azurite"]["endpoint"] == f"https://127.0.0.1:{base + 5}"
    again = up_json(capsys, azure_only(tmp_path), state_dir, "--ports", str(base))
    assert again["status"] == "already running"
    code, _, err = sandbox(capsys, "up", azure_only(tmp_path), "--state-dir", str(state_dir), "--ports", str(base + 1))
    assert code == 2
    assert err == (
        f"tether: error: the sandbox is already running on other ports (Azurite at https://127.0.0.1:{base + 5}): "
        f"run `tether sandbox down` first to move it to --ports {base + 1}\n"
    )


@pytest.mark.parametrize(("offset", "what"), [(4, "SeaweedFS S3 HTTPS"), (10002, "SeaweedFS filer gRPC"), (6, "moto IAM")])
def test_a_taken_port_is_exit_3_naming_it_and_nothing_is_left(
    tmp_path: Path, state_dir: Path, capsys: pytest.CaptureFixture[str], offset: int, what: str
) -> None:
    base = free_base()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", base + offset))
        squatter.listen()
        code, out, err = sandbox(capsys, "up", write_spec(tmp_path), "--state-dir", str(state_dir), "--ports", str(base))
    assert (code, out) == (3, "")
    port = base + offset
    assert err.startswith(f"tether: error: port {port} ({what}) on 127.0.0.1 is already in use: ")
    assert f"`ss -ltnp 'sport = :{port}'`" in err and "--ports auto" in err
    assert not state_dir.exists()
    assert processes_logging_to(state_dir) == []


@pytest.mark.parametrize("value", ["80", "70000", "http", "-1"])
def test_a_bad_base_is_a_usage_error(
    tmp_path: Path, state_dir: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    with pytest.raises(SystemExit) as raised:
        sandbox(capsys, "up", write_spec(tmp_path), "--state-dir", str(state_dir), "--ports", value)
    assert raised.value.code == 2
    assert capsys.readouterr().err == (
        f"tether sandbox up: error: argument --ports: expected 'auto' or a base port from 1024 to 55532, "
        f"got {value!r} (see 'tether sandbox up --help')\n"
    )


def test_a_missing_seed_directory_fails_before_anything_starts(
    tmp_path: Path, state_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = sandbox(capsys, "up", write_spec(tmp_path), "--state-dir", str(state_dir), "--seed", "nowhere")
    assert (code, err) == (2, "tether: error: nowhere: --seed needs a directory of sample files\n")
    assert not state_dir.exists()
