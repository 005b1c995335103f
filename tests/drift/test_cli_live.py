"""`tether drift` end to end on the stand-ins, configured through an env file as the sandbox will."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from tether.apply import apply_spec
from tether.cli.main import main
from tether.drift import Clients, load_settings
from tether.spec import LoadedSpec
from tether.standins.seaweedfs import SeaweedFSHandle

from .conftest import SpecWriter, aws, azure, s3_compatible, unique


@pytest.fixture
def env_file(tmp_path: Path, moto_server: Any, seaweedfs_https: SeaweedFSHandle, azurite: Any) -> str:
    path = tmp_path / "sandbox.env"
    path.write_text(
        f"TETHER_ENDPOINT_AWS={moto_server.endpoint_url}\n"
        f"TETHER_ENDPOINT_AZURE={azurite.endpoint_url.removesuffix('/' + azurite.account_name)}\n"
        f"AWS_ACCESS_KEY_ID={seaweedfs_https.access_key}\n"  # moto accepts any key, SeaweedFS only its own
        f"AWS_SECRET_ACCESS_KEY={seaweedfs_https.secret_key}\n"
        f"AWS_CA_BUNDLE={seaweedfs_https.ca_bundle}\n"
        f"AZURE_STORAGE_KEY={azurite.account_key}\n"
    )
    return str(path)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["drift", *args, "--output", "json", "--timeout", "2"])
    return code, json.loads(capsys.readouterr().out)


def applied(loaded: LoadedSpec, env_file: str) -> LoadedSpec:
    apply_spec(loaded.spec, Clients(load_settings(env_file)))
    return loaded


def test_all_three_stand_ins_in_sync_then_one_edit(
    write_spec: SpecWriter, env_file: str, seaweedfs_https: SeaweedFSHandle, azurite: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    loaded = applied(write_spec(
        aws(unique("video")), s3_compatible(unique("lab"), seaweedfs_https.endpoint_url),
        azure(unique("audio"), unique("calls"), account=azurite.account_name),
    ), env_file)
    code, document = run(capsys, loaded.file, "--env-file", env_file)
    assert code == 0
    assert [e["status"] for e in document["integrations"]] == ["in_sync"] * 3
    lab = loaded.spec.integrations[1].bucket.name
    Clients(load_settings(env_file)).s3(_desired(loaded, 1)).delete_bucket_cors(Bucket=lab)
    code, document = run(capsys, loaded.file, "--env-file", env_file)
    assert code == 1
    assert document["summary"]["drifted"] == 1 and document["summary"]["severity"]["high"] == 1


def _desired(loaded: LoadedSpec, index: int) -> Any:
    from tether.desired import render

    return render(loaded.spec.integrations[index], loaded.spec)


def test_unreachable_endpoint_exits_3_and_the_others_are_still_scanned(
    write_spec: SpecWriter, env_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    down = f"http://127.0.0.1:{closed_port()}"
    loaded = write_spec(aws(unique("video")), s3_compatible(unique("gone"), down), aws(unique("photo")))
    apply_spec(loaded.spec, Clients(load_settings(env_file)), [loaded.spec.integrations[0].name,
                                                               loaded.spec.integrations[2].name])
    code, document = run(capsys, loaded.file, "--env-file", env_file, "--concurrency", "3")
    assert code == 3
    assert [e["status"] for e in document["integrations"]] == ["in_sync", "unreadable", "in_sync"]
    unreadable = document["integrations"][1]["unreadable"]
    assert [(u["resource"], u["reason"]) for u in unreadable] == [("cors", "unreachable"), ("policy", "unreachable")]
    assert unreadable[0]["attempts"] == 4 and unreadable[1]["attempts"] == 0
    assert document["summary"] | {"severity": None} == {
        "integrations": 3, "in_sync": 2, "drifted": 0, "missing": 0, "unreadable": 1, "differences": 0, "with_differences": 0,
        "severity": None,
    }
