"""The sandbox finds Azurite where a user has it, and otherwise says the one command that installs it.

An installed wheel has no package.json beside it, so "run `npm install` in site-packages" (what it said
before) could never work: issue 15.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tether.standins import azurite
from tether.standins.process import StandinError

ROOT = Path(__file__).resolve().parents[2]


def _executable(path: Path, text: str = "#!/bin/sh\nexit 0\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed-wheel layout: no node_modules, no package.json, an empty PATH, another working folder."""
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    (tmp_path / "site").mkdir()
    return tmp_path


def test_nothing_found_names_the_global_install_with_the_pinned_version(nowhere: Path) -> None:
    with pytest.raises(StandinError) as raised:
        azurite.azurite_binary(nowhere / "site")
    assert str(raised.value) == f"Azurite is not installed: run `npm install --global azurite@{azurite.AZURITE_VERSION}`"


def test_in_a_checkout_the_advice_is_npm_install_there(nowhere: Path) -> None:
    (nowhere / "site" / "package.json").write_text("{}")
    with pytest.raises(StandinError, match=r"run `npm install` in .*site$"):
        azurite.azurite_binary(nowhere / "site")


def test_found_in_the_checkout_then_the_working_folder_then_path_then_global_npm(nowhere: Path) -> None:
    root = nowhere / "site"
    prefix = nowhere / "npm-prefix"
    global_bin = _executable(prefix / "bin" / "azurite-blob")
    (prefix / "lib" / "node_modules").mkdir(parents=True)
    _executable(nowhere / "bin" / "npm", f"#!/bin/sh\n[ \"$1 $2\" = 'root --global' ] && echo {prefix}/lib/node_modules\n")
    assert azurite.azurite_binary(root) == global_bin
    on_path = _executable(nowhere / "bin" / "azurite-blob")
    assert azurite.azurite_binary(root) == on_path
    in_cwd = _executable(nowhere / "work" / "node_modules" / ".bin" / "azurite-blob")
    assert azurite.azurite_binary(root) == in_cwd
    in_checkout = _executable(root / "node_modules" / ".bin" / "azurite-blob")
    assert azurite.azurite_binary(root) == in_checkout


def test_a_broken_npm_is_no_answer(nowhere: Path) -> None:
    _executable(nowhere / "bin" / "npm", "#!/bin/sh\necho 'npm ERR!' >&2\nexit 1\n")
    with pytest.raises(StandinError, match="npm install --global azurite@"):
        azurite.azurite_binary(nowhere / "site")


def test_the_pinned_version_is_the_one_package_json_installs() -> None:
    assert json.loads((ROOT / "package.json").read_text())["dependencies"]["azurite"] == azurite.AZURITE_VERSION
