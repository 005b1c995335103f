"""Bench: `tether preview` of large specs, the whole command as a user runs it, time and memory per integration.

Each size runs ``tether preview SPEC --output json`` in a fresh process (spec from bench/components.py: the
five providers in turn, with the options that add resources) and reads its wall time, CPU time and peak
resident memory from the operating system. The program runs under Pulumi's mocks exactly as `pulumi up`
runs it, a large spec in one forked worker per CPU (components/shards.py); see components/graph.py for
where the time went and what was cut.

CPU time is that of every process (the command's, with its workers'). Peak memory is the total of them
all: the command's own peak plus each worker's, an upper bound (the workers' peaks need not coincide, and
pages a worker shares with the command it forked from count twice). The workers' peaks are read from
/proc while they run (VmHWM, every 10 ms): the operating system reports only the largest one to the bench.

Targets (issue 14): 1,000 integrations within 10 s and 1 GB; growth linear (CPU time per 10x integrations
about 10x). Wall time counts whatever else the machine is doing; CPU time does not, so both are printed.

    .venv/bin/python bench/preview.py
    .venv/bin/python bench/preview.py --sizes 100 1000 5000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # `bench.*` from the project root, when run as a script

from bench.components import spec_text  # noqa: E402
from bench.ratios import report  # noqa: E402

TARGET_SIZE = 1000
TARGET_SECONDS = 10.0
TARGET_MB = 1024.0


@dataclass(frozen=True)
class Run:
    """One `tether preview` command: its wall and CPU seconds and total peak resident memory, workers included."""

    integrations: int
    wall: float
    cpu: float
    peak_mb: float
    workers: int


def preview(size: int, folder: Path) -> Run:
    """Run `tether preview` on a spec of ``size`` integrations; fail loudly if the command does."""
    spec = folder / f"preview-{size}.yaml"
    spec.write_text(spec_text(size))
    tether = ROOT / ".venv" / "bin" / "tether"
    command = [str(tether)] if tether.exists() else [sys.executable, "-m", "tether.cli.main"]
    workers: dict[int, float] = {}
    found = 0.0
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen([*command, "preview", str(spec), "--output", "json"], stdout=sink, cwd=folder)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - found > 0.1:  # workers start together and live for seconds
                found = time.perf_counter()
                workers.update({worker: workers.get(worker, 0.0) for worker in _children(child.pid)})
            for worker, peak in workers.items():
                workers[worker] = max(peak, _peak_mb(worker))
            time.sleep(0.01)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"bench/preview: tether preview of {size} integrations failed (exit {child.returncode})")
    # ru_maxrss of a command is the larger of its own peak and its largest worker's: at least its own.
    total = usage.ru_maxrss / 1024 + sum(workers.values())
    return Run(size, wall, usage.ru_utime + usage.ru_stime, total, len(workers))


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (this kernel has no /proc/PID/task/TID/children)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError):
            continue  # ended meanwhile
        if parent == pid:
            found.append(int(stat.parent.name))
    return found


def _peak_mb(pid: int) -> float:
    """The peak resident memory of a running process; 0 once it has ended."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0  # ended, or a zombie: no memory left to report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 2000])
    args = parser.parse_args()
    sizes = sorted(set(args.sizes))
    print(
        f"{'integrations':>12} {'workers':>7} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'cpu ms/int.':>11} "
        f"{'MB/int.':>8}  growth"
    )
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="tether-preview-bench-") as folder:
        for size in sizes:
            run = preview(size, Path(folder))
            growth, per_integration = "", ""
            if runs:
                last = runs[-1]
                per_integration = f"{(run.peak_mb - last.peak_mb) / (size - last.integrations):.3f}"
                growth = f"cpu x{run.cpu / last.cpu:.1f} for x{size / last.integrations:g} integrations"
            print(
                f"{size:>12} {run.workers:>7} {run.wall:>8.1f} {run.cpu:>8.1f} {run.peak_mb:>8.0f} "
                f"{1000 * run.cpu / size:>11.2f} {per_integration:>8}  {growth}"
            )
            runs.append(run)
    _report(runs)


def _report(runs: list[Run]) -> None:
    """The targets, for bench/run: time and memory at 1,000 integrations, memory per integration, growth."""
    at = {run.integrations: run for run in runs}
    if TARGET_SIZE in at:
        run = at[TARGET_SIZE]
        report("preview", "1,000 integrations, wall time", run.wall, f"<= {TARGET_SECONDS:g} s",
               run.wall <= TARGET_SECONDS, unit="s")
        report("preview", "1,000 integrations, CPU time", run.cpu, "", None, unit="s")
        report("preview", "1,000 integrations, peak memory (all processes)", run.peak_mb, f"<= {TARGET_MB:g} MB",
               run.peak_mb <= TARGET_MB, unit="MB")
    for last, run in pairwise(runs):
        span = f"{last.integrations} -> {run.integrations} integrations"
        per_integration = (run.peak_mb - last.peak_mb) / (run.integrations - last.integrations)
        report("preview", f"memory per integration, {span}", per_integration, "", None, unit="MB")
        linear = run.integrations / last.integrations
        report("preview", f"CPU growth, {span}", run.cpu / last.cpu, f"~{linear:g}x (linear)",
               run.cpu / last.cpu <= 1.5 * linear)


if __name__ == "__main__":
    main()
