"""Bounded load with wrk, and the server-side CPU it cost, for bench/run.py."""

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass
class Run:
    """One wrk run: throughput, latency, server CPU per request, and failures."""

    rps: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float
    requests: int
    errors: int
    output: str
    confirmed: int = 0  # POSTs answered with the confirmation redirect (POST target only)


def ensure_wrk() -> None:
    """Install wrk with apt-get when it is missing and we are root; otherwise say how."""
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (apt-get install wrk) ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        quiet = {"env": env, "stdout": subprocess.DEVNULL}
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, **quiet)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], check=True, **quiet)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, **quiet)
        return
    sys.exit("wrk is not installed: sudo apt-get install wrk")


def cpu_ticks(pids: list[int]) -> int:
    """Return user + system CPU ticks used so far by the given processes."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total


def rss_mb(pid: int) -> float:
    """Return a process's resident memory in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(
    url: str,
    *,
    pids: list[int],
    duration: int = 10,
    connections: int = 16,
    threads: int = 2,
    script: Path | None = None,
    script_args: tuple[str, ...] = (),
    headers: dict[str, str] | None = None,
) -> Run:
    """Load `url` with wrk for `duration` seconds and return what it measured."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    command += ["--timeout", "5s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    before = cpu_ticks(pids)
    tail = ["--", *script_args] if script_args else []
    result = subprocess.run(
        [*command, url, *tail], capture_output=True, text=True, timeout=duration + 60, check=False
    )
    used_ms = (cpu_ticks(pids) - before) * 1000 / TICKS_PER_SECOND
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed: {result.stderr or result.stdout}")
    return parse(result.stdout, used_ms)


def parse(output: str, used_ms: float) -> Run:
    """Read wrk's --latency report."""
    requests = int(re.search(r"(\d+) requests in", output)[1])
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(non_2xx[1]) if non_2xx else 0
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return Run(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        p50_ms=_latency(output, "50%"),
        p99_ms=_latency(output, "99%"),
        cpu_ms=used_ms / requests if requests else 0.0,
        requests=requests,
        errors=errors,
        output=output,
    )


def _latency(output: str, percentile: str) -> float:
    match = re.search(rf"^\s+{re.escape(percentile)}\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    return float(match[1]) * UNITS_MS[match[2]]
