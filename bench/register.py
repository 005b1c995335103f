"""Bench: `tether register` against SeaweedFS with generated media, against the obvious alternative.

Three measures, each against its alternative in the same run:
- objects per second measured through signed URLs (ffprobe ranges, ranged GET) at concurrency 32, vs
  downloading each object whole and measuring the file (what `ffmpeg -i` and `ls -l` by hand amount to),
  also at concurrency 32;
- peak memory of a whole run (listing, state, writing) for many objects vs few: flat means a ratio near 1;
- an incremental run (--since) after 1% of the objects changed vs the full run.

    .venv/bin/python bench/register.py                       # 400 media objects, 1,000 and 10,000 listed
    .venv/bin/python bench/register.py --objects 10000 --listed 10000 100000

Measuring is mostly ffprobe's start (about 0.2 s of CPU a video or audio object on this machine), so objects
per second scale with cores; images are read from their first bytes in process. Run times are taken in one
process; peak memory of whole `tether register` processes (their VmHWM).
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # `bench.ratios` from the project root, when run as a script

from bench.ratios import report as report_ratio  # noqa: E402

SPEC = """\
version: 1
organization: {{name: acme, members: [ann@acme.ai]}}
platform: {{origins: ["https://app.example.com"]}}
integrations:
  - name: lab
    provider: s3-compatible
    endpoint: {endpoint}
    bucket: {{name: {bucket}}}
    creator: ann@acme.ai
    prefixes: [media/, listed/]
    strict_client_only: true
"""
CONCURRENCY = 32


def upload(client: object, bucket: str, bodies: dict[str, bytes]) -> None:
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda kv: client.put_object(Bucket=bucket, Key=kv[0], Body=kv[1]), bodies.items()))  # type: ignore[attr-defined]


def timed(runtime: object, out: Path, since: Path | None = None) -> float:
    """Seconds of one registration of media/, in this process (the interpreter's start is not the work)."""
    from tether.register.run import Request, register

    started = time.perf_counter()
    register(runtime, Request("lab", "ann@acme.ai", "media/", out, since, concurrency=CONCURRENCY))  # type: ignore[arg-type]
    return time.perf_counter() - started


PEAK = """
import sys
from tether.cli.main import main
code = main(sys.argv[1:])
print(open("/proc/self/status").read().split("VmHWM:")[1].split()[0], file=sys.stderr)
sys.exit(code)
"""
"""`tether register`, then its own peak resident memory in KB. VmHWM belongs to the process's own memory map;
getrusage's ru_maxrss would not do: Linux carries the parent's peak across fork and exec into the child's."""


def peak_memory(spec: Path, env: Path, out: Path, prefix: str) -> tuple[int, float]:
    """Peak memory (KB) and seconds of one whole `tether register` in its own process."""
    command = [sys.executable, "-c", PEAK, "register", str(spec),
               "--integration", "lab", "--user", "ann@acme.ai", "--prefix", prefix, "--out", str(out),
               "--env-file", str(env), "--concurrency", str(CONCURRENCY)]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), check=False)  # fmt: skip
    if done.returncode not in (0, 1):
        raise SystemExit(f"tether register failed with exit {done.returncode}: {done.stderr.strip()[-300:]}")
    return int(done.stderr.split()[-1]), time.perf_counter() - started


def download_whole(runtime: object, keys: list[str], folder: Path) -> float:
    """The alternative: GET each object whole, then measure the local file."""
    from runtime.media.metadata import read_metadata

    def one(key: str) -> None:
        url = runtime.sign("ann@acme.ai", "lab", key).url  # type: ignore[attr-defined]
        local = folder / key.replace("/", "_")
        with urllib.request.urlopen(url) as answer:
            local.write_bytes(answer.read())
        read_metadata(str(local))

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(one, keys))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=400, help="media objects measured (default 400: 1%% is one of "
                        "each kind)")
    parser.add_argument("--listed", type=int, nargs=2, default=[1000, 10000], help="few, many listed (1000 10000)")
    args = parser.parse_args()

    import boto3

    from runtime import Runtime
    from tether.demo.samples import make_samples
    from tether.standins.seaweedfs import SeaweedFS

    with tempfile.TemporaryDirectory(prefix="tether-bench-register-") as folder:
        work = Path(folder)
        samples = [p.read_bytes() for p in make_samples(work / "samples")]  # clip.mp4, frame.png, shelf.jpg, call.wav
        names = ["clip.mp4", "frame.png", "shelf.jpg", "call.wav"]
        with SeaweedFS(work / "weed", access_key="AKIDBENCHREGISTER001", secret_key=secrets.token_urlsafe(30),
                       stop_timeout=1.0) as weed:  # fmt: skip
            client = boto3.client("s3", endpoint_url=weed.endpoint_url, aws_access_key_id=weed.access_key,
                                  aws_secret_access_key=weed.secret_key, region_name=weed.region)  # fmt: skip
            bucket = "bench-register"
            client.create_bucket(Bucket=bucket)
            media = {f"media/{i:06d}-{names[i % 4]}": samples[i % 4] for i in range(args.objects)}
            few, many = args.listed
            listed = {f"listed/{count}/{i:07d}.txt": b"x" for count in (few, many) for i in range(count)}
            print(f"uploading {len(media):,} media and {few + many:,} listed objects ...", flush=True)
            upload(client, bucket, media | listed)
            spec, env = work / "lab.yaml", work / "bench.env"
            spec.write_text(SPEC.format(endpoint=weed.endpoint_url, bucket=bucket))
            env.write_text(f"AWS_ACCESS_KEY_ID={weed.access_key}\nAWS_SECRET_ACCESS_KEY='{weed.secret_key}'\n")

            runtime = Runtime.load(spec, env_file=env)
            full = timed(runtime, work / "full")
            (work / "whole").mkdir()
            whole = download_whole(runtime, list(media), work / "whole")
            speed, alternative = len(media) / full, len(media) / whole
            print(f"measured through signed URLs: {speed:,.0f} objects/s; downloaded whole: {alternative:,.0f}/s")

            # One object in 100, each of another kind in turn (a video, an image, an image, a sound), so the change
            # costs what an average object costs: every 100th alone would always be a video, the dearest kind.
            changed = {
                key: body + b"\0" * 16  # new ETag and size
                for i, (key, body) in enumerate(media.items()) if i % 100 == (i // 100) % len(names)
            }
            upload(client, bucket, changed)
            # the median of three: one run takes a few tenths of a second, which a hiccup of the machine doubles
            incremental = statistics.median(timed(runtime, work / f"next-{n}", since=work / "full") for n in range(3))
            print(
                f"full run {full:.2f} s; incremental after {len(changed)} of {len(media)} changed {incremental:.2f} s"
            )

            peaks = {}
            for count in (few, many):
                peaks[count], seconds = peak_memory(spec, env, work / f"listed-{count}", f"listed/{count}/")
                print(f"listing, recording and writing {count:,} objects: peak memory {peaks[count] / 1024:,.0f} MB, "
                      f"{count / seconds:,.0f} objects/s in a whole process")  # fmt: skip
    ratio_speed = speed / alternative
    ratio_incremental = full / incremental
    growth = peaks[many] / peaks[few]
    # Information, not a target: small generated objects download in one request, while measuring through a signed URL
    # takes ffprobe's ranged reads; what register saves is reading the data (README: 2.2 MB of a 15.9 MB video).
    report_ratio("register", "objects/s via signed URLs vs whole downloads (small objects)", ratio_speed)
    report_ratio("register", "full run vs incremental after 1% changed", ratio_incremental, ">= 20x",
                 ratio_incremental >= 20)  # fmt: skip
    report_ratio("register", f"peak memory, {many:,} vs {few:,} objects listed", growth, "<= 1.5x (flat)",
                 growth <= 1.5)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
