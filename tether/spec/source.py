"""YAML with positions: every value and key remembers its line and column, duplicates are caught.

PyYAML keeps the last of two equal keys without a word; in a reviewed spec that hides a change,
so duplicates are problems here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from tether.problems import Location, Path, Problem, dotted


@dataclass
class SourceMap:
    """Positions of the values and keys of one YAML document, by field path."""

    file: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: Path, *, key: bool = False) -> Location:
        """The position of ``path``, or of its nearest ancestor that exists in the file."""
        if key and path in self.keys:
            return self._location(self.keys[path])
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.values:
                return self._location(self.values[prefix])
        return Location(self.file, 1, 1)

    def problem(self, path: Path, message: str, *, key: bool = False) -> Problem:
        """A problem at ``path`` with its location filled in."""
        return Problem(self.locate(path, key=key), dotted(path), message)

    def _location(self, mark: tuple[int, int]) -> Location:
        return Location(self.file, mark[0] + 1, mark[1] + 1)


class _Walker:
    """Records positions and duplicate keys while walking the composed node tree."""

    def __init__(self, loader: yaml.SafeLoader, source: SourceMap) -> None:
        self.loader = loader
        self.source = source
        self.problems: list[Problem] = []

    def walk(self, node: yaml.Node, path: Path) -> None:
        self.source.values.setdefault(path, (node.start_mark.line, node.start_mark.column))
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = self.loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int):
                    continue
                child = (*path, key)
                if key in seen and key_node.tag != "tag:yaml.org,2002:merge":
                    mark = key_node.start_mark
                    self.problems.append(
                        Problem(
                            Location(self.source.file, mark.line + 1, mark.column + 1),
                            dotted(child),
                            f"duplicate key {key!r} (first at line {seen[key] + 1}); YAML would keep only the last",
                        )
                    )
                    continue
                seen[key] = key_node.start_mark.line
                key_mark = (key_node.start_mark.line, key_node.start_mark.column)
                self.source.keys[child] = key_mark
                if not isinstance(value_node, yaml.ScalarNode):
                    self.source.values[child] = key_mark  # a block's line is where its key stands
                self.walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.walk(item, (*path, index))


def load_yaml(text: str, file: str) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse one YAML document; syntax errors and duplicate keys come back as problems."""
    source = SourceMap(file)
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as error:
        return None, source, [_reader_problem(error, text, file)]
    try:
        node = loader.get_single_node()
        if node is None:
            return None, source, [Problem(Location(file, 1, 1), "(document)", "the file is empty")]
        data = loader.construct_document(node)
        walker = _Walker(loader, source)
        walker.walk(node, ())
        return data, source, walker.problems
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
        what = " ".join(part for part in (error.context, error.problem) if part)
        return None, source, [Problem(where, "(document)", f"YAML syntax error: {what}")]
    except yaml.reader.ReaderError as error:
        return None, source, [_reader_problem(error, text, file)]
    except yaml.YAMLError as error:
        return None, source, [Problem(Location(file, 1, 1), "(document)", f"YAML error: {error}")]
    finally:
        loader.dispose()


def _reader_problem(error: yaml.reader.ReaderError, text: str, file: str) -> Problem:
    """A character YAML refuses (NUL, control bytes), at its line and column."""
    before = text[: error.position]
    line = before.count("\n") + 1
    column = error.position - (before.rfind("\n") + 1) + 1
    message = f"character U+{int(error.character):04X} is not allowed in YAML"
    return Problem(Location(file, line, column), "(document)", message)
