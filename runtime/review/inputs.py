"""Where a reviewed spec comes from: a file, or ``git:REV:path`` so CI can read the PR's base commit."""

from __future__ import annotations

import shutil
import subprocess

from tether.errors import InputError, ReadError
from tether.spec import LoadedSpec, load_spec, parse_spec

GIT_PREFIX = "git:"


def read_spec(ref: str) -> LoadedSpec:
    """Load ``ref``: a spec file path, or ``git:REV:path`` (path from the repository root, as git reads it)."""
    if not ref.startswith(GIT_PREFIX):
        return load_spec(ref)
    return parse_spec(git_show(ref), ref)


def git_show(ref: str) -> str:
    """The text of ``git:REV:path`` in the repository of the current directory.

    A bad revision or path is bad input (exit 2) with git's own words; no git at all is exit 3.
    """
    rev, colon, path = ref.removeprefix(GIT_PREFIX).partition(":")
    if not colon or not rev or not path or rev.startswith("-"):
        raise InputError(f"{ref}: expected git:REV:PATH, such as git:origin/main:stacks/prod/integrations.yaml")
    git = shutil.which("git")
    if git is None:
        raise ReadError(f"{ref}: cannot read: git is not installed")
    # cat-file blob, not show: a directory or a submodule must be an error, not a listing parsed as YAML.
    done = subprocess.run([git, "cat-file", "blob", f"{rev}:{path}"], capture_output=True, check=False)
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = said[-1].removeprefix("fatal: ") if said else f"git exited with status {done.returncode}"
        raise InputError(f"{ref}: cannot read from git: {detail}")
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{ref}: not UTF-8 text (byte {error.start})") from None
