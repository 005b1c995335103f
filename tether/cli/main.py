"""The `tether` command: one parser, one error convention, one place that turns failures into lines.

Exit status: 0 success, 1 findings (denied change, policy violation, drift, bad manifest),
2 bad input or usage, 3 could not read what it needed, 70 a bug in tether itself, 141 the
reader of stdout went away.
"""

from __future__ import annotations

import argparse
import errno
import gc
import importlib
import importlib.metadata
import os
import sys
from collections.abc import Sequence

from tether.errors import EXIT_INPUT, EXIT_UNREADABLE, SpecInvalid, TetherError

EXIT_BUG = 70
EXIT_PIPE = 141
"""What a shell reports for a program killed by SIGPIPE (`tether list | head`)."""

COMMANDS = (
    "validate",
    "schema",
    "preview",
    "lint",
    "review",
    "list",
    "check-manifest",
    "metadata",
    "media",
    "drift",
    "doctor",
    "preflight",
    "sign",
    "register",
    "sandbox",
    "demo",
)
"""Command modules under tether.cli, in the order `--help` lists them."""


class _Parser(argparse.ArgumentParser):
    """argparse that says usage errors in one line plus a pointer to --help (exit 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The whole CLI; each command module adds its own subparser."""
    parser = _Parser(
        prog="tether",
        description="Cloud storage integrations as code: validate, preview, lint, review, sign, check drift.\n"
        "New here? `tether demo` shows every command working on local stand-ins.",
        epilog="Exit status: 0 ok, 1 findings, 2 bad input or usage, 3 could not read what was needed.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"tether {version()}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"tether.cli.{name.replace('-', '_')}")
        module.register(sub)
    return parser


def version() -> str:
    """The installed distribution's version (pyproject.toml's), or a note that tether runs uninstalled."""
    try:
        return importlib.metadata.version("tether")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed: run from a source folder)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; expected failures become one line on stderr, never a traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        sys.stdout.flush()  # a full disk or closed pipe fails here, inside the guard, not at exit
        return code
    except SpecInvalid as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return error.exit_code
    except TetherError as error:
        print(f"tether: error: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        # the reader went away: stop quietly, and keep Python's exit-time flush from failing again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE
    except KeyboardInterrupt:
        print("tether: interrupted", file=sys.stderr)
        return 130
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG):
            return _internal_error(error)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # drop what is still buffered
        print(f"tether: error: cannot write the output: {error.strerror}", file=sys.stderr)
        return EXIT_UNREADABLE
    except Exception as error:  # the last guard: a bug must still not print a traceback
        return _internal_error(error)


def _internal_error(error: Exception) -> int:
    """A bug: one line naming it, the traceback only when asked for."""
    if os.environ.get("TETHER_DEBUG"):
        raise error
    said = " ".join(str(error).split())
    print(f"tether: internal error: {type(error).__name__}: {said} (TETHER_DEBUG=1 shows why)", file=sys.stderr)
    return EXIT_BUG


def run() -> None:
    """Console-script entry point.

    Before exiting, every object is frozen out of the cyclic garbage collector: the interpreter's final
    full collection would otherwise walk all a command made (seconds after a large `preview`), to free
    memory that the process is about to give back anyway.
    """
    code = main()
    gc.freeze()
    sys.exit(code)
