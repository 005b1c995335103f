"""Bench: checking huge registration files, streamed with msgspec, against json.load + pydantic on the whole file.

Generates video manifests (about 210 bytes an item) in a temporary folder, checks each in a fresh process
(time of the check itself; peak memory of the whole process, from getrusage), and prints the ratios to
the pydantic whole-file path measured in the same run. The pydantic path is not run where it would need
more memory than the machine has.

    .venv/bin/python bench/manifest.py              # 1,000,000 and 10,000,000 items (a few minutes)
    .venv/bin/python bench/manifest.py --items 100000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # `bench.ratios` from the project root, when run as a script

from bench.ratios import report as report_ratio  # noqa: E402

SPEC = ROOT / "stacks/dev/integrations.yaml"
INTEGRATION, USER = "traffic-video", "alice@acme-vision.ai"
BASES = (
    "https://acme-vision-dev-traffic-video.s3.eu-west-2.amazonaws.com/videos/",
    "s3://acme-vision-dev-traffic-video/videos/",
)
PYDANTIC_BYTES_PER_ITEM = 2600
"""json.load + pydantic peaks near 2.5 GB for a million items: it is skipped where that would not fit."""


def generate(path: Path, count: int) -> None:
    """A valid video manifest of ``count`` items (both common URL forms), written in 64k-item chunks."""
    with path.open("w") as out:
        out.write('{"videos": [\n')
        for start in range(0, count, 65536):
            out.write(
                ",\n".join(
                    f'{{"objectUrl": "{BASES[i % 2]}c{i % 97:02d}/{i:08d}.mp4", "videoMetadata": '
                    f'{{"fps":29.97,"duration":{10 + i % 600}.5,"width":1920,"height":1080,'
                    f'"file_size":{1_000_000 + i * 7919 % 10**9},"mime_type":"video/mp4"}}}}'
                    for i in range(start, min(start + 65536, count))
                )
            )
            out.write(",\n" if start + 65536 < count else "\n")
        out.write("]}\n")


def measure_streaming(path: str) -> dict[str, Any]:
    """The product's path: check_manifest on the file (parse, validate, URL and client-only rules)."""
    from runtime.manifest.check import check_manifest
    from tether.spec import load_spec

    spec = load_spec(str(SPEC)).spec
    start = time.perf_counter()
    report = check_manifest(spec, INTEGRATION, USER, path)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "problems": len(report.problems), "items": sum(report.items.values())}


def measure_pydantic(path: str) -> dict[str, Any]:
    """The obvious alternative: json.load the whole file, validate it with pydantic, then apply the same rules."""
    from pydantic import AliasChoices, BaseModel, ConfigDict, Field

    from runtime.manifest import fields
    from runtime.manifest.urls import ObjectUrls
    from tether.spec import load_spec

    class Metadata(BaseModel):
        model_config = ConfigDict(extra="forbid")
        fps: Annotated[float, Field(gt=0, le=fields.MAX_FPS, strict=True)]
        duration: Annotated[float, Field(gt=0, le=fields.MAX_DURATION)]
        width: Annotated[int, Field(ge=1, le=fields.MAX_VIDEO_SIDE, strict=True)]
        height: Annotated[int, Field(ge=1, le=fields.MAX_VIDEO_SIDE, strict=True)]
        file_size: Annotated[
            int, Field(ge=1, le=fields.MAX_FILE_SIZE, validation_alias=AliasChoices("file_size", "fileSize"))
        ]
        mime_type: Annotated[
            str,
            Field(pattern=rf"^video/{fields.MIME_SUBTYPE}$", validation_alias=AliasChoices("mime_type", "mimeType")),
        ]

    class Video(BaseModel):
        model_config = ConfigDict(extra="forbid")
        objectUrl: str  # the manifest's key
        title: str | None = None
        clientMetadata: dict[str, Any] | None = None
        videoMetadata: Metadata | None = None

    class Manifest(BaseModel):
        videos: list[Video] = []

    spec = load_spec(str(SPEC)).spec
    integration = spec.integration(INTEGRATION)
    urls = ObjectUrls(integration)
    start = time.perf_counter()
    with open(path, "rb") as source:
        manifest = Manifest.model_validate(json.load(source))
    problems = sum(1 for v in manifest.videos if urls.problem(v.objectUrl))
    problems += sum(1 for v in manifest.videos if integration.strict_client_only and v.videoMetadata is None)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "problems": problems, "items": len(manifest.videos)}


MEASURES = {"streaming": measure_streaming, "pydantic": measure_pydantic}


def peak_mb() -> float:
    """This process's own peak resident memory (VmHWM), in MB.

    Not getrusage's ru_maxrss: Linux carries the old image's peak into it across exec, so a child that
    subprocess started with vfork would report the parent's peak when that was higher.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("bench/manifest: /proc/self/status has no VmHWM (Linux only)")


def in_child(way: str, path: Path) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter, so peaks and caches do not mix."""
    command = [sys.executable, __file__, "--measure", way, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def report(count: int, size: int, results: dict[str, dict[str, Any]]) -> None:
    print(f"\n{count:,} items, {size / 1e6:,.0f} MB")
    for way, result in results.items():
        print(
            f"  {way:<10} {result['seconds']:7.2f} s  peak {result['peak_mb']:7,.0f} MB  "
            f"{result['items']:,} items, {result['problems']} problems"
        )
    if "pydantic" in results:
        fast, slow = results["streaming"], results["pydantic"]
        print(
            f"  streaming vs pydantic whole-file: {slow['seconds'] / fast['seconds']:.1f}x faster, "
            f"{slow['peak_mb'] / fast['peak_mb']:.0f}x less peak memory"
        )
        report_ratio("manifest", f"{count:,} items: streaming vs pydantic, speed", slow["seconds"] / fast["seconds"])
        report_ratio(
            "manifest", f"{count:,} items: streaming vs pydantic, peak memory", slow["peak_mb"] / fast["peak_mb"]
        )
    else:
        need = count * PYDANTIC_BYTES_PER_ITEM / 1e9
        print(f"  pydantic whole-file: not run, it would need about {need:,.0f} GB of memory")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, nargs="+", default=[1_000_000, 10_000_000], help="manifest sizes")
    parser.add_argument("--measure", nargs=2, metavar=("WAY", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        way, path = args.measure
        result = MEASURES[way](path)
        result["peak_mb"] = peak_mb()
        print(json.dumps(result))
        return
    available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    with tempfile.TemporaryDirectory(prefix="tether-bench-") as folder:
        for count in args.items:
            path = Path(folder) / f"videos-{count}.json"
            generate(path, count)
            results = {"streaming": in_child("streaming", path)}
            if count * PYDANTIC_BYTES_PER_ITEM < available * 0.8:
                results["pydantic"] = in_child("pydantic", path)
            report(count, path.stat().st_size, results)
            path.unlink()


if __name__ == "__main__":
    main()
