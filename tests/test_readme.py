"""README.md is the first thing a user reads: its commands must be the CLI's, and its examples must parse."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tether.cli.main import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = sorted(
    example
    for example in set(re.findall(r"`(tether [a-z-]+ [^`]+)`", README))
    if example.split()[1] in COMMANDS and " ... " not in example
)
"""Every inline `tether COMMAND ARGS` example of the README (bare command names are prose)."""
BLOCKS = [
    line.split("#", 1)[0].strip()
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL)
    for line in block.replace("\\\n", " ").splitlines()
    if line.startswith("tether ")
]
"""Every `tether ...` line of the README's shell blocks, continuation lines joined."""


def test_every_command_is_documented_in_the_commands_table() -> None:
    table = set(re.findall(r"^\| `([a-z-]+)(?: [a-z]+)?` \|", README, flags=re.MULTILINE))
    assert table == set(COMMANDS)


def test_the_two_commands_come_first() -> None:
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split()[0:2] for line in first_block.strip().splitlines()] == [["make", "demo"], ["make", "test"]]


def test_there_are_examples_to_check() -> None:
    assert len(EXAMPLES) >= len(COMMANDS) and len(BLOCKS) >= 5


@pytest.mark.parametrize("example", EXAMPLES + BLOCKS)
def test_inline_examples_parse(example: str) -> None:
    """Each example is a valid command line (arguments, options, choices), whatever files it names."""
    words = shlex.split(example.split(" > ", 1)[0])[1:]
    args = build_parser().parse_args(words)
    assert callable(args.run)
