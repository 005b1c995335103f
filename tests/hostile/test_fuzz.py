"""A seeded fuzzer with a fixed budget over specs, registration files and command lines.

Each case must end with an exit status tether gives (0-3), no traceback, no internal error, JSON output
whole or absent, within a time bound (a hang fails the case). The seeds are fixed so a failure replays;
the generators lean on what broke tether before: aliases, tags, nesting, huge numbers, bad bytes,
duplicate keys, odd option values.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import run

ROOT = Path(__file__).resolve().parents[2]
DEV = str(ROOT / "stacks/dev/integrations.yaml")
BUDGET = 60
"""Cases per fuzzer and seed; the three together run in well under a minute."""
SEEDS = [20261202]

YAML_JUNK = [
    "&a [x, x, x]", "*a", "<<: *a", "!!int abc", "!!float x", "!!timestamp 2027-02-30", "!!binary AAAA",
    "!!python/object/apply:os.system [id]", "2027-02-30", "yes", "on", "~", "1e999", "-.inf", ".nan", "9" * 5000,
    "99999999999d", "\u0661\u0662h", "'Erin <erin@x>'", "167772160", "[" * 300 + "]" * 300, "{a: 1, a: 2}",
    "&r [*r]", "\t", "\x00", "\ufeff", "'", '"', "- - - -", "? [a]\n: b", "---", "...", "%YAML 1.1", "'\\ud800'",
]
JSON_JUNK = [
    b"\xff\xfe", b"\xc0\x80", b"\\ud800", b"9" * 5000, b"1e999", b"[" * 1500, b"]" * 1500, b"{" * 50,
    b'"objectUrl": "s3://elsewhere/x", "objectUrl": ', b"null", b"true", b'"', b",", b"", b"-", b"\x00",
]


def _mutate_lines(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 4)):
        index = rng.randrange(len(lines))
        action = rng.choice(["value", "insert", "delete", "duplicate", "indent"])
        if action == "value":
            head, _, _ = lines[index].partition(":")
            lines[index] = f"{head}: {rng.choice(YAML_JUNK)}\n"
        elif action == "insert":
            lines.insert(index, rng.choice(YAML_JUNK) + "\n")
        elif action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        else:
            lines[index] = "  " + lines[index]
    return "".join(lines)


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzzed_specs(tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: int) -> None:
    rng = random.Random(seed)
    base = Path(DEV).read_text()
    path = tmp_path / "integrations.yaml"
    for _ in range(BUDGET):
        path.write_text(_mutate_lines(rng, base), encoding="utf-8", errors="surrogatepass")
        command = rng.choice([["validate"], ["lint"], ["lint", "-o", "json"], ["validate", "-o", "json"]])
        outcome = run(capsys, *command, str(path), seconds=20)
        if outcome.code == 2 and "-o" not in command:
            assert all(line.startswith((str(path), "tether: ")) for line in outcome.err.splitlines() if line)


def _manifest(rng: random.Random) -> bytes:
    inside = "https://acme-vision-dev-traffic-video.s3.eu-west-2.amazonaws.com/videos/"
    video = {"fps": 25, "duration": 4.0, "width": 320, "height": 240, "file_size": 84575, "mime_type": "video/mp4"}
    items = [{"objectUrl": f"{inside}{i}.mp4", "videoMetadata": video} for i in range(rng.randint(1, 40))]
    data = json.dumps({"videos": items}).encode()
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(data))
        junk = rng.choice(JSON_JUNK)
        data = data[:at] + junk + data[at + rng.choice([0, 0, 1, 5]):]
    return data


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzzed_manifests(tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "items.json"
    for _ in range(BUDGET):
        path.write_bytes(_manifest(rng))
        output = rng.choice(["text", "json"])
        run(capsys, "check-manifest", DEV, "--integration", "traffic-video", "--user", "alice@acme-vision.ai",
            "-o", output, str(path), seconds=20)


def _argv(rng: random.Random, folder: Path) -> list[str]:
    odd = ["nan", "inf", "-1", "0", "", "99999999999d", "1e999", "\u0661h", "x" * 5000, "--", "-", "/dev/null",
           str(folder), str(folder / "missing.yaml"), "s3://x/\u00ff", "*", "%s%n"]
    command = rng.choice([
        ["validate", DEV], ["lint", DEV], ["schema"], ["list", DEV, "--user", "alice@acme-vision.ai"],
        ["sign", DEV, "--integration", "traffic-video", "--user", "alice@acme-vision.ai", "--key", "videos/a.mp4"],
        ["check-manifest", DEV, "--integration", "traffic-video", "--user", "alice@acme-vision.ai"],
        ["metadata", "--manifest", str(folder / "out.json"), "--spec", DEV, "--integration", "retail-images",
         "--prefix", "shelves/", str(folder)],
    ])
    options = ["--expires", "--output", "-o", "--integration", "--user", "--key", "--env-file", "--outputs",
               "--today", "--prefix", "--spec"]
    extra: list[str] = []
    for _ in range(rng.randint(0, 3)):
        extra += [rng.choice(options), rng.choice(odd)] if rng.random() < 0.7 else [rng.choice(odd)]
    return command + extra


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzzed_command_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: int) -> None:
    rng = random.Random(seed)
    (tmp_path / "clip.mp4").write_bytes(b"\x00" * 16)
    for _ in range(BUDGET):
        run(capsys, *_argv(rng, tmp_path), seconds=30)


def test_file_names_that_are_not_utf8(tmp_path: Path) -> None:
    """In a process of its own: capture in this one cannot hold the undecodable bytes a real terminal gets."""
    folder = tmp_path / "upload"
    folder.mkdir()
    bad = os.fsdecode(b"clip-\xff.mp4")
    (folder / bad).write_bytes(b"\x00" * 16)
    spec = tmp_path / os.fsdecode(b"spec-\xff.yaml")
    spec.write_text(Path(DEV).read_text())
    tether = str(Path(sys.executable).with_name("tether"))
    for argv, code in [
        (["validate", str(spec)], 0),
        (["metadata", str(folder / bad)], 2),
        (["metadata", "--manifest", str(tmp_path / "out.json"), "--spec", DEV, "--integration", "retail-images",
          "--prefix", "shelves/", str(folder)], 1),
    ]:
        done = subprocess.run([tether, *argv], capture_output=True, timeout=60, check=False)
        said = (done.stdout + done.stderr).decode("utf-8", "replace")
        assert done.returncode == code, said
        assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr, said
    assert "its name is not UTF-8" in said
    assert not (tmp_path / "out.json").exists()
