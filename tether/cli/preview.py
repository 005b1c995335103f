"""`tether preview`: what `pulumi up` would register for a spec, or what a spec change would change.

Runs the stack program under Pulumi's mocks: no Pulumi CLI, no credentials, no network. A large spec is
built in one process per CPU, each on a slice of the integrations (components/shards.py).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from tether.cli.formatting import add_output, print_json, text_table
from tether.errors import EXIT_OK

if TYPE_CHECKING:
    from components.diff import GraphDiff
    from components.graph import PlannedResource

HELP = """Show every resource `pulumi up` would register for SPEC, without the Pulumi CLI or credentials.

The stack program runs under Pulumi's mocks (a large spec in one process per CPU). Each resource
is listed with its type, logical name, parent component and the inputs a reviewer checks (JSON
output has all inputs, in the engine's camelCase names). Ids only a cloud knows (account,
subscription) are placeholders.

With --base, prints the resource-level difference from BASE to SPEC instead: resources added,
removed, and changed (each changed input with its value before and after), for pull requests.

SPEC and BASE are spec files or git:REV:PATH (PATH from the repository root).

exit status: 0 shown, 2 bad input, 3 unreadable.

examples:
  tether preview stacks/dev/integrations.yaml
  tether preview stacks/prod/integrations.yaml --output json
  tether preview stacks/prod/integrations.yaml --base git:origin/main:stacks/prod/integrations.yaml
"""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``preview`` command."""
    parser = sub.add_parser(
        "preview",
        help="list the resources `pulumi up` would register (offline)",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("spec", metavar="SPEC", help="the spec: FILE or git:REV:PATH")
    parser.add_argument("--base", metavar="BASE", help="compare with this spec (FILE or git:REV:PATH)")
    add_output(parser, ["table", "json"])
    parser.set_defaults(run=run)


def stack_of(ref: str) -> str:
    """``stacks/<stack>/integrations.yaml`` -> ``<stack>``: the stack name URNs are built with."""
    path = PurePosixPath(ref.rsplit(":", 1)[-1] if ref.startswith("git:") else ref)
    if len(path.parts) >= 3 and path.parts[-3] == "stacks":
        return path.parts[-2]
    return "preview"


def _parent_name(resource: PlannedResource) -> str:
    return resource.parent.rsplit("::", 1)[-1] if resource.parent else "-"


def resource_json(resource: PlannedResource) -> dict[str, Any]:
    """A planned resource as the JSON output shows it."""
    return {
        "type": resource.type,
        "name": resource.name,
        "urn": resource.urn,
        "parent": resource.parent,
        "custom": resource.custom,
        "provider": resource.provider,
        "import_id": resource.import_id,
        "retain_on_delete": resource.retain_on_delete,
        "inputs": resource.inputs,
    }


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _listing(file: str, stack: str, resources: list[PlannedResource], output: str) -> None:
    from components.summary import summarize

    if output == "json":
        counts = Counter(resource.type for resource in resources)
        print_json(
            {
                "spec": file,
                "stack": stack,
                "resources": [resource_json(r) for r in resources],
                "summary": {"resources": len(resources), "by_type": dict(sorted(counts.items()))},
            }
        )
        return
    rows = [(r.type, r.name, _parent_name(r), summarize(r)) for r in resources]
    print(text_table(["TYPE", "NAME", "PARENT", "INPUTS"], rows))
    print(f"\n{len(resources)} resources for {file} (stack {stack})")


def _difference(file: str, base: str, stack: str, diff: GraphDiff, output: str) -> None:
    from components.summary import summarize

    if output == "json":
        print_json(
            {
                "spec": file,
                "base": base,
                "stack": stack,
                "added": [resource_json(r) for r in diff.added],
                "removed": [resource_json(r) for r in diff.removed],
                "changed": [
                    {
                        "type": c.resource.type,
                        "name": c.resource.name,
                        "urn": c.resource.urn,
                        "changes": [{"input": i.key, "before": i.before, "after": i.after} for i in c.changes],
                    }
                    for c in diff.changed
                ],
                "summary": {"added": len(diff.added), "removed": len(diff.removed), "changed": len(diff.changed)},
            }
        )
        return
    rows: list[tuple[str, ...]] = [("+", r.type, r.name, _parent_name(r), summarize(r)) for r in diff.added]
    rows += [("-", r.type, r.name, _parent_name(r), summarize(r)) for r in diff.removed]
    for changed in diff.changed:
        r = changed.resource
        details = "; ".join(f"{c.key}: {_compact(c.before)} -> {_compact(c.after)}" for c in changed.changes)
        rows.append(("~", r.type, r.name, _parent_name(r), details))
    if rows:
        print(text_table(["", "TYPE", "NAME", "PARENT", "INPUTS"], rows))
        print()
    print(
        f"{len(diff.added)} to add, {len(diff.removed)} to remove, {len(diff.changed)} to change "
        f"from {base} to {file} (stack {stack})"
    )


def run(args: argparse.Namespace) -> int:
    """Build the graph (and the base's) under mocks and print it, or the difference."""
    from components.diff import diff_graphs
    from components.shards import build_graphs
    from runtime.review.inputs import read_spec

    loaded = read_spec(args.spec)
    base = read_spec(args.base) if args.base else None
    stack = stack_of(args.spec)
    with _interrupt_ends_at_once():
        resources, *base_graph = build_graphs([loaded.spec, *([base.spec] if base else [])], stack=stack)
        diff = diff_graphs(base_graph[0], resources) if base_graph else None
    if diff is None:
        _listing(args.spec, stack, resources, args.output)
    else:
        _difference(args.spec, args.base, stack, diff, args.output)
    return EXIT_OK


@contextmanager
def _interrupt_ends_at_once() -> Iterator[None]:
    """Ctrl-C while the program runs under mocks ends the process there and then (its workers with it).

    Nothing has been written yet, and a KeyboardInterrupt unwinding through Pulumi's event loop prints
    asyncio's "Leaving task ... does not match the current task" traceback and takes seconds to stop.
    """

    def stop(*_: object) -> None:
        os.write(2, b"tether: interrupted\n")
        os._exit(130)

    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
