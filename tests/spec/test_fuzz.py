"""Mutated spec files never crash `tether validate`: exit 0 or 2, one-line errors, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tether.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "stacks/dev/integrations.yaml").read_text()
LINES = SEED.splitlines(keepends=True)
JUNK = st.sampled_from(["", "-", ":", "{", "]", "&a", "*a", "<<: *a", "!!python/object:os.system", "~", "'", "\t",
                        "yes", "7d", "1e999", "-1", "null", "[]", "{}", "x" * 300, "é", "\x00"])


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "indent", "dedent", "value"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "insert":
            lines.insert(index, draw(JUNK) + "\n")
        elif action == "indent":
            lines[index] = "  " + lines[index]
        elif action == "dedent":
            lines[index] = lines[index][2:]
        else:
            head, _, _ = lines[index].partition(":")
            lines[index] = f"{head}: {draw(JUNK)}\n"
        if not lines:
            break
    return "".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated())
def test_mutated_specs_never_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    path = tmp_path / "integrations.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    assert code in (0, 2)
    assert "Traceback" not in captured.out + captured.err
    assert "internal error" not in captured.err
    if code == 2:
        assert all(line.startswith(str(path)) for line in captured.out.splitlines())
