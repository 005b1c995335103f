"""Free loopback ports, including pairs a server needs together (SeaweedFS binds port + 10000 for gRPC)."""

from __future__ import annotations

import random
import socket
from collections.abc import Sequence
from pathlib import Path

HOST = "127.0.0.1"
LOWEST = 10000
_EPHEMERAL = Path("/proc/sys/net/ipv4/ip_local_port_range")


def is_free(port: int, host: str = HOST, *, reuse: bool = False) -> bool:
    """True if ``port`` can be bound on ``host`` right now.

    Without ``reuse`` a port in TIME_WAIT counts as taken (safe when picking); with it, only a port some
    process holds does, as servers that set SO_REUSEADDR (all the stand-ins do) see it: a fixed port a
    stopped server just left is free again at once.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if reuse:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def ephemeral_floor() -> int:
    """First port of the kernel's ephemeral range: outgoing connections take ports from there on, so ours stay below."""
    try:
        return int(_EPHEMERAL.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_ports(count: int, *, offsets: Sequence[int] = (0,), host: str = HOST, attempts: int = 2000) -> list[int]:
    """``count`` distinct ports P such that every P + offset is free, all below the ephemeral range.

    Random picks (not the kernel's next ephemeral port) keep parallel test workers and a running sandbox from
    choosing the same ports; the bind check cannot reserve them, so a server that loses a race fails to start
    and says so.
    """
    ceiling = ephemeral_floor() - max(offsets)
    if ceiling <= LOWEST + count:
        raise RuntimeError(f"no room below the ephemeral range for ports with offsets {list(offsets)}")
    chosen: list[int] = []
    taken: set[int] = set()
    rng = random.SystemRandom()
    for _ in range(attempts):
        port = rng.randrange(LOWEST, ceiling)
        needed = {port + offset for offset in offsets}
        if needed & taken or not all(is_free(p, host) for p in needed):
            continue
        chosen.append(port)
        taken |= needed
        if len(chosen) == count:
            return chosen
    raise RuntimeError(f"found only {len(chosen)} of {count} free ports on {host}")


def free_port(host: str = HOST) -> int:
    """One free port, below the ephemeral range like the others."""
    return free_ports(1, host=host)[0]
