"""`tether sandbox up|down|status`: the spec's integrations on local stand-in servers, no cloud account needed."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from tether.cli.formatting import add_output, print_json, text_table
from tether.sandbox import services, state
from tether.sandbox.services import HIGHEST_BASE, LABELS, LOWEST_BASE

HELP = """Run a spec's integrations locally: real servers on 127.0.0.1 stand in for the clouds.

  SeaweedFS (S3 API over HTTPS, real SigV4 and CORS checks)  aws, otc and s3-compatible buckets
  Azurite (Azure Blob, real SAS checks)                       azure containers
  moto (AWS control plane)                                    the IAM roles of aws integrations
  GCP integrations are not emulated: no local GCS keeps CORS or IAM.

`up` creates every bucket and container with the CORS, policies and settings the spec renders, and
writes STATE_DIR/sandbox.env (endpoints and keys, owner-only) and STATE_DIR/outputs.json (the records,
shaped like `pulumi stack output --json`). Servers run detached and log to STATE_DIR; `up` again reuses
them and re-applies the spec; `down` stops only what `up` started.

examples:
  tether sandbox up stacks/dev/integrations.yaml --seed samples/
  tether drift stacks/dev/integrations.yaml --env-file .tether/sandbox.env
  tether sandbox up stacks/dev/integrations.yaml --ports 18000     # fixed ports 18000-18006
  tether sandbox status
  tether sandbox down

exit status: 0 ok (status: running), 1 status: not running, 2 bad input or usage, 3 a server could not
be started or reached (a port already taken, for one).
"""


def _ports(text: str) -> int | None:
    if text == "auto":
        return None
    if not text.isdigit() or not LOWEST_BASE <= int(text) <= HIGHEST_BASE:
        raise argparse.ArgumentTypeError(
            f"expected 'auto' or a base port from {LOWEST_BASE} to {HIGHEST_BASE}, got {text!r}"
        )
    return int(text)


def _state_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--state-dir", type=Path, default=Path(".tether"), metavar="DIR",
        help="where state, logs, server data and the env file live (default .tether)",
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sandbox`` command and its actions."""
    parser = sub.add_parser(
        "sandbox", help="run the integrations locally on stand-in servers", description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    actions.required = True
    up = actions.add_parser("up", help="start (or reuse) the stand-ins and apply the spec", description=HELP,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    up.add_argument("spec", metavar="SPEC", help="the integrations.yaml to emulate")
    up.add_argument("--seed", type=Path, metavar="DIR", help="upload every file of DIR into each emulated bucket")
    up.add_argument(
        "--ports", type=_ports, default=None, metavar="auto|BASE",
        help="free ports (auto, the default) or the fixed layout BASE..BASE+6 (BASE+10000.. for SeaweedFS gRPC)",
    )
    _state_dir(up)
    add_output(up, ["text", "json"])
    up.set_defaults(run=_up)
    down = actions.add_parser("down", help="stop what `up` started and remove its files")
    _state_dir(down)
    down.set_defaults(run=_down)
    status = actions.add_parser("status", help="what runs where (exit 0 running, 1 not running)")
    _state_dir(status)
    add_output(status, ["text", "json"])
    status.set_defaults(run=_status)


def _say(message: str) -> None:
    if sys.stderr.isatty():
        print(f"sandbox: {message}", file=sys.stderr, flush=True)


def _up(args: argparse.Namespace) -> int:
    from tether.sandbox.up import up

    result = up(args.spec, args.state_dir, base=args.ports, seed_dir=args.seed, say=_say)
    if args.output == "json":
        print_json({
            "status": "started" if result.started else "already running",
            "started": result.started,
            "reused": result.reused,
            "services": {name: _service_json(s) for name, s in result.running.items()},
            "integrations": [asdict(row) for row in result.rows],
            "seeded": asdict(result.seeded) if result.seeded else None,
            "env_file": str(result.env_file),
            "outputs": str(result.outputs),
        })
        return 0
    if not result.started:
        print(f"sandbox: already running ({', '.join(LABELS[n] for n in result.running)}); spec re-applied")
    else:
        reused = f"; reused {', '.join(LABELS[n] for n in result.reused)}" if result.reused else ""
        print(f"sandbox: started {', '.join(LABELS[n] for n in result.started)}{reused}")
    print(text_table(
        ["server", "pid", "endpoint", "log"],
        [[LABELS[n], s.pid, s.endpoint, s.log] for n, s in result.running.items()],
    ))
    print()
    print(text_table(
        ["integration", "provider", "emulated by", "endpoint", "bucket"],
        [[r.integration, r.provider, r.emulated_by, r.endpoint or "-", r.bucket] for r in result.rows],
    ))
    for row in result.rows:
        if row.note:
            print(f"  {row.integration}: {row.note}")
    if result.seeded:
        print(f"\nseeded {result.seeded.files} file(s) into each of: {', '.join(result.seeded.integrations)}")
    print(f"\nenv file: {result.env_file} (endpoints and keys; local-only, owner-readable)")
    print(f"records:  {result.outputs} (for --outputs, like `pulumi stack output --json`)")
    emulated = [r.integration for r in result.rows if r.endpoint]
    only = "" if len(emulated) == len(result.rows) else "".join(f" --integration {name}" for name in emulated)
    print(f"next:     tether drift {args.spec} --env-file {result.env_file}{only}")
    print(f"          tether sandbox down{_state_flag(args)}")
    return 0


def _state_flag(args: argparse.Namespace) -> str:
    return "" if args.state_dir == Path(".tether") else f" --state-dir {args.state_dir}"


def _down(args: argparse.Namespace) -> int:
    from tether.sandbox.down import down

    stopped = down(args.state_dir, _say)
    if stopped is None:
        print("sandbox: no sandbox is running")
        return 0
    for entry in stopped:
        said = "stopped" if entry.was_running else "was not running"
        print(f"sandbox: {LABELS[entry.name]} (pid {entry.pid}) {said}")
    print(f"sandbox: removed the state, env file and records in {args.state_dir}")
    return 0


def _service_json(service: state.Service) -> dict[str, object]:
    return {"pid": service.pid, "endpoint": service.endpoint, "ports": service.ports, "log": service.log}


def _status(args: argparse.Namespace) -> int:
    recorded = state.load(args.state_dir.resolve())
    found = {name: services.condition(s) for name, s in recorded.services.items()} if recorded else {}
    running = bool(found) and all(c == "running" for c in found.values())
    hung = [LABELS[name] for name, c in found.items() if c == "hung"]
    if args.output == "json":
        print_json({
            "running": running,
            "spec": recorded.spec if recorded else None,
            "services": {
                name: {**_service_json(s), "running": found[name] == "running", "state": found[name]}
                for name, s in recorded.services.items()
            } if recorded else {},
        })
    elif recorded is None:
        print("sandbox: no sandbox is running")
    else:
        verdict = ("running" if running else f"{', '.join(hung)} not answering: see the log, then `tether sandbox "
                   "up` restarts it" if hung else "NOT running: run `tether sandbox up`")
        print(f"sandbox for {recorded.spec} ({verdict})")
        print(text_table(
            ["server", "pid", "state", "endpoint", "log"],
            [[LABELS[n], s.pid, {"hung": "hung (not answering)", "stopped": "stopped"}.get(found[n], found[n]),
              s.endpoint, s.log] for n, s in recorded.services.items()],
        ))
    return 0 if running else 1
