"""Bench: `tether drift` on the local stand-ins with a simulated round trip: speed-up by concurrency, time of
a 500-integration scan, and where the CPU goes.

Integrations are spread over the stand-ins as `tether sandbox` places them: AWS buckets and
S3-compatible ones on SeaweedFS over HTTPS (the desired bucket policy denies plain HTTP), the AWS
platform roles on moto's IAM (its own process, so its work does not share this interpreter's GIL)
and Azure containers on Azurite. The desired state is applied first (not timed) and every scan must
read all integrations in sync, so the times are of complete, correct scans, each with fresh clients
as one CLI run has.

On loopback a call costs CPU, not waiting; ``--rtt-ms`` adds a wait before every request (S3, IAM
and Azure alike), as the round trip to a cloud region does, which is where concurrency pays off. Each
scan counts its waits by service and stops the bench if a service's requests skipped them (Azure's
storage SDK ignores azure-core's per-retry policies, so for a while its requests never waited and the
scan at concurrency 1 was 8 s short). The CPU table splits the scan's CPU between tether (this process
and its scan workers) and each stand-in, since on a shared 2-core machine the stand-ins' CPU bounds how
fast any scan can go.

What the CPU table and profiles of the scan showed: client creation was the largest fixed cost (each
boto3 session parsed its own copy of the service models, 17 JSON files and 1.25 s of CPU for a
100-integration scan on this machine; one loader shared by the sessions parses 8); then the paginator
model, which botocore loads on a client's first listing without a lock, so every thread that started
at once loaded it and walked the model directories again (now loaded when the client is built). What
is left is about 1.4 ms of CPU per request in the SDKs (botocore's events, endpoint rules, signing and
header parsing, azure-core's pipeline; tether's own code is 2% of the scan), so one interpreter's GIL
sustains about 700 requests a second: at concurrency 16 and 20 ms it was the bound, and a scan of 500
integrations took 4.5 s in one process. The scan runs as the CLI runs it: 200 or more integrations go
to one forked worker per CPU (tether/drift/scan.py ``workers_for``): 4.4 s against 5.0 s in one process
(the bench prints that ratio), where the CPU of all processes over the two cores is the floor
the bench prints. TLS costs little (a few pooled connections); keeping moto's connections alive
(HTTP/1.1), awscrt's signer, no parameter validation and a pre-built, frozen heap for the collector
all measured within noise.

Targets (issue 14 item 5), both on 500 integrations with a 20 ms round trip: a scan at concurrency 16
within 10 s, and at least 12x faster than at concurrency 1. The scan at concurrency 1 runs once (about
a minute, and steady); those at concurrency 16 run ``--repeat`` times and the median counts, each in turn
with the same scan kept in one process, whose ratio to the workers' is printed (information).

    .venv/bin/python bench/drift.py                          # 500 integrations, 20 ms, 3 scans at 16
    .venv/bin/python bench/drift.py --size 100 --rtt-ms 40 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ratios import report  # noqa: E402
from tests.drift.conftest import HEAD, aws, azure, s3_compatible  # noqa: E402
from tether.apply import apply_spec  # noqa: E402
from tether.cli.formatting import text_table  # noqa: E402
from tether.drift import Clients, ScanOptions, load_settings, scan, workers_for  # noqa: E402
from tether.spec import LoadedSpec, load_spec  # noqa: E402
from tether.standins import ports, process  # noqa: E402
from tether.standins.azurite import Azurite  # noqa: E402
from tether.standins.seaweedfs import SeaweedFS  # noqa: E402

WORKERS = "tether workers"


class WaitingClients(Clients):
    """Clients whose every request first waits ``rtt`` seconds, as if the server were far away; ``waits``
    counts the waits by service, so a scan whose requests skipped the wait is caught, not timed."""

    def __init__(self, *args: Any, rtt: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rtt = rtt
        self.built: set[str] = set()
        self.waits: Counter[str] = Counter()
        self._counting = threading.Lock()

    def _wait(self, service: str) -> None:
        with self._counting:
            self.waits[service] += 1
        time.sleep(self.rtt)

    def _boto(self, service: str, provider: str, region: str, endpoint: str | None, path_style: bool) -> Any:
        client = super()._boto(service, provider, region, endpoint, path_style)
        self.built.add(service)
        client.meta.events.register("before-send", lambda **_: self._wait(service))
        return client

    def _azure_options(self) -> dict[str, Any]:
        # The storage SDK builds its own pipeline and ignores azure-core's per_retry_policies; its
        # raw_request_hook runs after the retry policy, so once per attempt (azure/storage/blob/_shared/
        # base_client.py, StorageRequestHook).
        self.built.add("blob")
        return {**super()._azure_options(), "raw_request_hook": lambda _request: self._wait("blob")}


def cpu_by_process() -> dict[str, float]:
    """CPU seconds used so far by this process, by its scan workers (children it has reaped), and by each of
    its running descendants (by command name: the stand-ins), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (name, (int(fields[11]) + int(fields[12])) / ticks)
    me = os.getpid()

    def descends(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == me:
                return True
        return False

    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    out: dict[str, float] = {"tether (this process)": used[me][1], WORKERS: reaped.ru_utime + reaped.ru_stime}
    for pid, (name, seconds) in used.items():
        if pid != me and descends(pid):
            out[name] = out.get(name, 0.0) + seconds
    return out


@contextmanager
def moto_process(workdir: Path) -> Iterator[str]:
    """moto's server in a child process; yields its endpoint."""
    import urllib.request

    port = ports.free_port()
    endpoint = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                return True
        except OSError:
            return False

    proc, running = process.start(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        ready, name="moto", log=workdir / "moto.log", timeout=60.0,
    )
    try:
        yield endpoint
    finally:
        process.terminate(running, timeout=5.0, proc=proc)


def write_spec(directory: Path, count: int, seaweed: str, account: str) -> LoadedSpec:
    """``count`` integrations: 2 in 5 AWS, 2 in 5 S3-compatible, 1 in 5 Azure."""
    parts = []
    for i in range(count):
        kind = i % 5
        if kind < 2:
            parts.append(aws(f"aws-{i}", f"bench-aws-{i}"))
        elif kind < 4:
            parts.append(s3_compatible(f"lab-{i}", seaweed, f"bench-lab-{i}"))
        else:
            parts.append(azure(f"audio-{i}", f"bench-calls-{i}", account=account))
    path = directory / f"bench-{count}.yaml"
    path.write_text(HEAD + "".join(parts))
    return load_spec(str(path))


@dataclass
class Scan:
    """One timed scan: wall seconds, CPU seconds by process, and requests made."""

    size: int
    concurrency: int
    processes: int
    seconds: float
    cpu: dict[str, float]
    requests: int
    """Requests made in this process (those of forked workers are not counted here)."""


def timed_scan(loaded: LoadedSpec, env_file: str, concurrency: int, rtt: float, processes: int) -> Scan:
    """One scan with fresh clients (as one CLI run has) in ``processes`` processes, checking every integration
    reads in sync and, in this process, that every service's requests waited the round trip."""
    clients = WaitingClients(load_settings(env_file), timeout=10, pool=concurrency, rtt=rtt)
    before = cpu_by_process()
    started = time.perf_counter()
    results = scan(loaded.spec, clients, options=ScanOptions(concurrency=concurrency, processes=processes))
    elapsed = time.perf_counter() - started
    after = cpu_by_process()
    wrong = [(r.name, r.status) for r in results if r.status != "in_sync"]
    if wrong:
        raise SystemExit(f"bench: not in sync, the timing would be meaningless: {wrong[:3]}")
    unwaited = sorted(clients.built - set(clients.waits))
    if processes == 1 and unwaited:
        raise SystemExit(f"bench: requests to {', '.join(unwaited)} skipped the simulated round trip")
    cpu = {name: after[name] - before.get(name, 0.0) for name in after}
    return Scan(len(results), concurrency, processes, elapsed, cpu, sum(clients.waits.values()))


def median(runs: list[Scan]) -> Scan:
    """The median run by wall time."""
    return sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=500, help="integrations scanned at concurrency 1 and N")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3, help="scans at concurrency N; the median counts")
    parser.add_argument("--rtt-ms", type=float, default=20.0, help="simulated round trip before each request")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds the scan at concurrency N may take")
    args = parser.parse_args()
    rtt = args.rtt_ms / 1000
    with tempfile.TemporaryDirectory() as temp, ExitStack() as stack:
        work = Path(temp)
        moto = stack.enter_context(moto_process(work))
        seaweed = stack.enter_context(
            SeaweedFS(
                work / "seaweedfs", access_key="AKIDTETHERBENCH", secret_key=secrets.token_urlsafe(30), tls=True,
                stop_timeout=1.0,
            )
        )
        azurite = stack.enter_context(Azurite(work / "azurite"))
        env_file = work / "bench.env"
        env_file.write_text(
            f"TETHER_ENDPOINT_AWS={seaweed.endpoint_url}\nTETHER_ENDPOINT_AWS_IAM={moto}\n"
            f"TETHER_ENDPOINT_AZURE={azurite.endpoint_url.removesuffix('/' + azurite.account_name)}\n"
            f"AWS_ACCESS_KEY_ID={seaweed.access_key}\nAWS_SECRET_ACCESS_KEY={seaweed.secret_key}\n"
            f"AWS_CA_BUNDLE={seaweed.ca_bundle}\nAZURE_STORAGE_KEY={azurite.account_key}\n"
        )
        loaded = write_spec(work, args.size, seaweed.endpoint_url, azurite.account_name)
        apply_spec(loaded.spec, Clients(load_settings(str(env_file))))
        serial = timed_scan(loaded, str(env_file), 1, rtt, 1)
        print(f"{args.size} integrations, concurrency 1: {serial.seconds:.2f} s", file=sys.stderr)
        workers = workers_for(args.size, args.concurrency)  # as `tether drift` forks
        parallel_runs, alone_runs = [], []
        for _ in range(args.repeat):  # in turns with the same scan in one process, when the CLI forks workers
            for runs, processes in ((parallel_runs, workers), *([(alone_runs, 1)] if workers > 1 else [])):
                runs.append(timed_scan(loaded, str(env_file), args.concurrency, rtt, processes))
                print(f"{args.size} integrations, concurrency {args.concurrency} in {processes} process(es): "
                      f"{runs[-1].seconds:.2f} s", file=sys.stderr)
    parallel = median(parallel_runs)
    speedup = serial.seconds / parallel.seconds
    rows = [
        [f"speed-up at concurrency {args.concurrency} vs 1", ">= 12x", f"{speedup:.1f}x",
         "ok" if speedup >= 12 else "not ok"],
        [f"scan at concurrency {args.concurrency}", f"<= {args.budget:g} s", f"{parallel.seconds:.2f} s",
         "ok" if parallel.seconds <= args.budget else "not ok"],
    ]
    print(f"{args.size} integrations, {serial.requests / serial.size:.1f} requests each; simulated round trip: "
          f"{args.rtt_ms:g} ms (before every request); concurrency {args.concurrency} in {parallel.processes} "
          f"process(es): median of {args.repeat} scans")
    print(text_table(["target", "wanted", "measured", "verdict"], rows))
    runs = [serial, *sorted(parallel_runs, key=lambda run: run.seconds)]
    names = sorted({name for run in runs for name in run.cpu}, key=lambda n: -parallel.cpu.get(n, 0.0))
    print("\nwhere the CPU goes (ms of CPU per integration; wall s of the scan)")
    print(text_table(
        ["integrations", "concurrency", "wall s", *names],
        [[run.size, run.concurrency, f"{run.seconds:.2f}",
          *(f"{1000 * run.cpu.get(name, 0.0) / run.size:.1f}" for name in names)] for run in runs],
    ))
    per_gil = (parallel.cpu["tether (this process)"] + parallel.cpu[WORKERS]) / parallel.processes
    shared = sum(parallel.cpu.values()) / (os.cpu_count() or 1)
    floor = max(per_gil, shared)
    print(
        f"\nCPU floor at concurrency {args.concurrency}: {floor:.2f} s (tether under each of {parallel.processes} "
        f"GILs {per_gil:.2f} s; all processes over {os.cpu_count()} cores {shared:.2f} s), so at most "
        f"{serial.seconds / floor:.1f}x on this machine whatever the concurrency; measured {speedup:.1f}x"
    )
    what = f"{args.size} integrations, {args.rtt_ms:g} ms round trip"
    if alone_runs:
        alone = median(alone_runs)
        print(f"{workers} worker processes vs one process, same scan at concurrency {args.concurrency}: "
              f"{alone.seconds / parallel.seconds:.2f}x ({parallel.seconds:.2f} s against {alone.seconds:.2f} s)")
        report("drift", f"{workers} worker processes vs one, concurrency {args.concurrency}, {what}",
               alone.seconds / parallel.seconds)
    report("drift", f"concurrency {args.concurrency} vs 1, {what}", speedup, ">= 12x", speedup >= 12)
    report("drift", f"{args.budget:g} s / scan at concurrency {args.concurrency}, {what}",
           args.budget / parallel.seconds, ">= 1x (within the budget)", parallel.seconds <= args.budget)


if __name__ == "__main__":
    main()
