"""Bench: `tether drift` scan time for 10, 100 and 500 integrations on the local stand-ins, by concurrency.

Integrations are spread over the three stand-ins: AWS ones on moto (run as its own process, so its
work does not share this interpreter's GIL with the scan), S3-compatible ones on SeaweedFS over HTTPS
(the desired bucket policy denies plain HTTP) and Azure ones on Azurite. The desired state is applied
first (not timed) and every scan must read all integrations in sync, so the times are of complete,
correct scans. Each cell is the median of ``--repeat`` scans.

On loopback a call costs CPU, not waiting, and this machine's cores are shared by the scan and the
three servers, so concurrency helps little. ``--rtt-ms`` adds a wait before every S3 and IAM request
(as a network round trip to a cloud region would) to show how concurrency pays off where calls wait.

    .venv/bin/python bench/drift.py                         # 10, 100, 500 x concurrency 1, 4, 16, 64
    .venv/bin/python bench/drift.py --rtt-ms 40 --sizes 100 500
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ratios import report  # noqa: E402
from tests.drift.conftest import HEAD, aws, azure, s3_compatible  # noqa: E402
from tether.apply import apply_spec  # noqa: E402
from tether.cli.formatting import text_table  # noqa: E402
from tether.drift import Clients, ScanOptions, load_settings, scan  # noqa: E402
from tether.spec import LoadedSpec, load_spec  # noqa: E402
from tether.standins import ports, process  # noqa: E402
from tether.standins.azurite import Azurite  # noqa: E402
from tether.standins.seaweedfs import SeaweedFS  # noqa: E402


class WaitingClients(Clients):
    """Clients whose S3 and IAM requests first wait ``rtt`` seconds, as if the server were far away.

    Azure's requests (1 in 5 integrations) are not delayed: its SDK has no per-client hook for it.
    """

    def __init__(self, *args: Any, rtt: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rtt = rtt

    def _wait(self, **_: Any) -> None:
        time.sleep(self.rtt)

    def _boto(self, service: str, provider: str, region: str, endpoint: str | None, path_style: bool) -> Any:
        client = super()._boto(service, provider, region, endpoint, path_style)
        client.meta.events.register("before-send", self._wait)
        return client


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


def timed_scan(loaded: LoadedSpec, env_file: str, concurrency: int, rtt: float) -> float:
    """Seconds for one scan with fresh clients (as one CLI run would have), checking all are in sync."""
    clients = WaitingClients(load_settings(env_file), timeout=10, pool=concurrency, rtt=rtt)
    started = time.perf_counter()
    results = scan(loaded.spec, clients, options=ScanOptions(concurrency=concurrency))
    elapsed = time.perf_counter() - started
    wrong = [(r.name, r.status) for r in results if r.status != "in_sync"]
    if wrong:
        raise SystemExit(f"bench: not in sync, the timing would be meaningless: {wrong[:3]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 500])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16, 64])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rtt-ms", type=float, default=0.0, help="simulated round trip before each request")
    args = parser.parse_args()
    rows = []
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
            f"TETHER_ENDPOINT_AWS={moto}\n"
            f"TETHER_ENDPOINT_AZURE={azurite.endpoint_url.removesuffix('/' + azurite.account_name)}\n"
            f"AWS_ACCESS_KEY_ID={seaweed.access_key}\nAWS_SECRET_ACCESS_KEY={seaweed.secret_key}\n"
            f"AWS_CA_BUNDLE={seaweed.ca_bundle}\nAZURE_STORAGE_KEY={azurite.account_key}\n"
        )
        for size in args.sizes:
            loaded = write_spec(work, size, seaweed.endpoint_url, azurite.account_name)
            apply_spec(loaded.spec, Clients(load_settings(str(env_file))))
            base = None
            for concurrency in args.concurrency:
                seconds = statistics.median(
                    timed_scan(loaded, str(env_file), concurrency, args.rtt_ms / 1000) for _ in range(args.repeat)
                )
                base = base or seconds
                rows.append([size, concurrency, f"{seconds:.2f}", f"{size / seconds:.0f}", f"{base / seconds:.1f}x"])
                if concurrency != args.concurrency[0]:
                    what = f"{size} integrations, concurrency {concurrency} vs {args.concurrency[0]}"
                    report("drift", f"{what}, {args.rtt_ms:g} ms round trip", base / seconds)
                print(f"{size} integrations, concurrency {concurrency}: {seconds:.2f} s", file=sys.stderr)
    print(f"simulated round trip: {args.rtt_ms:g} ms")
    print(text_table(["integrations", "concurrency", "scan s", "integrations/s", "speed-up vs first"], rows))


if __name__ == "__main__":
    main()
