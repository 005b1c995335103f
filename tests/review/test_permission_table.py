"""README's permission table is the tests': every row cites its source and names a test that exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("### Review of a pull request", 1)[1].split("\n### ", 1)[0]
ROWS = [
    [cell.strip() for cell in line.strip("|").split(" | ")]
    for line in SECTION.splitlines()
    if line.startswith("| ") and not line.startswith("| Change |")
]


def test_the_table_has_a_row_per_kind_of_change() -> None:
    assert len(ROWS) >= 15 and all(len(row) == 4 for row in ROWS), ROWS


def test_each_row_quotes_the_documentation_or_says_it_is_a_choice() -> None:
    for change, _who, source, _test in ROWS:
        assert source.startswith(("Doc:", "choice")), change


def test_each_row_names_a_test_that_exists() -> None:
    for change, _who, _source, test in ROWS:
        found = re.fullmatch(r"`(tests/[\w/]+\.py)::(\w+)(?:\[(.+)\])?`", test)
        assert found, (change, test)
        path, function, case = found.groups()
        source = (ROOT / path).read_text(encoding="utf-8")
        assert f"def {function}(" in source, test
        assert case is None or f'"{case}"' in source, test
