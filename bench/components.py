"""Bench: how the stack program's construction under Pulumi's mocks grows with the number of integrations.

Builds specs of 10, 100 and 1,000 integrations (the five providers in turn, each with the options that add
resources: roles, reader accounts with HMAC keys, user-delegation role assignments, store providers), runs
the program under mocks (``components.graph.build_graph``: render, construct every component, drain every
registration), and prints the median wall and CPU time of each size, the growth per 10x measured in
the same run (from CPU time, which other processes on a shared machine disturb less; linear growth is a
ratio near 10), and the peak memory with what each further integration adds to it.

    .venv/bin/python bench/components.py
    .venv/bin/python bench/components.py --sizes 10 100 --repeat 5
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
import warnings
from pathlib import Path

# This file is named like the package it measures: run as a script, its folder would shadow `components`.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench.ratios import report  # noqa: E402

PLATFORM = """\
version: 1
organization: {name: acme, members: [ann@acme.ai]}
platform:
  origins: [https://app.example.com]
  egress_cidrs: [203.0.113.0/24]
  aws: {account_id: "111122223333"}
  gcp: {service_account: platform-signer@annotate-prod.iam.gserviceaccount.com}
  azure: {tenant_id: 8f3c2a10-5b7e-4d2a-9c41-2e6f0b7d9a11, principal_id: 4b1d9e22-7c3a-4f5e-8a6b-1c2d3e4f5a6b}
integrations:
"""

TEMPLATES = (
    """\
  - {{name: i{n}, provider: aws, region: eu-west-2, bucket: {{name: acme-bench-{n}}}, external_id: acme-{n},
     creator: ann@acme.ai, prefixes: [videos/], list_objects: true, strict_client_only: true}}
""",
    """\
  - {{name: i{n}, provider: gcp, project: acme-bench, region: europe-west2, bucket: {{name: acme-bench-{n}}},
     reader_account: reader-{n:05d}, hmac_key: true, creator: ann@acme.ai, prefixes: [images/]}}
""",
    """\
  - {{name: i{n}, provider: azure, region: westeurope, resource_group: acme-bench,
     bucket: {{account: acmebench{n}, container: data}}, creator: ann@acme.ai}}
""",
    """\
  - {{name: i{n}, provider: otc, region: eu-de, bucket: {{name: acme-bench-{n}}},
     principal: domain/0a1b:user/9f8e, creator: ann@acme.ai, strict_client_only: true}}
""",
    """\
  - {{name: i{n}, provider: s3-compatible, endpoint: https://s3.example.com, bucket: {{name: acme-bench-{n}}},
     principal: "arn:aws:iam::000000000000:user/platform", creator: ann@acme.ai}}
""",
)


def spec_text(count: int) -> str:
    """A valid spec with ``count`` integrations, the providers in turn."""
    return PLATFORM + "".join(TEMPLATES[n % len(TEMPLATES)].format(n=n) for n in range(count))


def measure(count: int, repeat: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds to build the graph of ``count`` integrations, and its resource count."""
    from components.graph import build_graph
    from tether.spec import parse_spec

    spec = parse_spec(spec_text(count), f"bench-{count}.yaml").spec
    wall, cpu, resources = [], [], 0
    for _ in range(repeat):
        gc.collect()  # the last build's cycles, so each build's peak memory is its own
        start, start_cpu = time.perf_counter(), time.process_time()
        resources = len(build_graph(spec))
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), resources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the median is reported")
    args = parser.parse_args()
    warnings.simplefilter("ignore", DeprecationWarning)
    measure(5, 1)  # imports and first-use costs out of the way
    print(
        f"{'integrations':>12} {'resources':>9} {'wall s':>8} {'cpu s':>8} {'cpu ms/integration':>18} "
        f"{'peak MB':>8} {'MB/integration':>14}  growth (cpu)"
    )
    previous: tuple[int, float, float] | None = None
    for size in sorted(set(args.sizes)):
        wall, cpu, resources = measure(size, args.repeat)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # sizes ascend: this size's peak
        growth, per_integration = "", ""
        if previous is not None:
            last_size, last_cpu, last_peak = previous
            growth = f"x{cpu / last_cpu:.1f} for x{size / last_size:g} integrations"
            linear = size / last_size
            span = f"{last_size} -> {size} integrations"
            report("components", f"CPU growth, {span}", cpu / last_cpu, f"~{linear:g}x (linear)",
                   cpu / last_cpu <= 1.5 * linear)
            marginal = (peak - last_peak) / (size - last_size)
            per_integration = f"{marginal:.3f}"
            report("components", f"memory per integration, {span}", marginal, "", None, unit="MB")
        print(
            f"{size:>12} {resources:>9} {wall:>8.3f} {cpu:>8.3f} {1000 * cpu / size:>18.2f} "
            f"{peak:>8.0f} {per_integration:>14}  {growth}"
        )
        previous = (size, cpu, peak)


if __name__ == "__main__":
    main()
