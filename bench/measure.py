"""Timing, percentiles and memory helpers for the benchmarks (Linux-first, degrade elsewhere)."""

from __future__ import annotations

import math
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by the nearest-rank method (nan for no samples)."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(samples_ms: Sequence[float]) -> dict[str, float]:
    """n, p50, p95, p99 and max of a list of durations in milliseconds."""
    return {
        "n": len(samples_ms),
        "p50": round(percentile(samples_ms, 50), 2),
        "p95": round(percentile(samples_ms, 95), 2),
        "p99": round(percentile(samples_ms, 99), 2),
        "max": round(max(samples_ms), 2) if samples_ms else math.nan,
    }


def time_each(fn: Callable[[object], object], items: Iterable[object]) -> list[float]:
    """Call fn on every item; the wall time of each call in milliseconds."""
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _maxrss_mb(who: int) -> float:
    kb = resource.getrusage(who).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


def peak_memory_mb() -> dict[str, float]:
    """Peak RSS of this process and of its largest waited-for child process, in MB."""
    return {
        "self": round(_maxrss_mb(resource.RUSAGE_SELF), 1),
        "children": round(_maxrss_mb(resource.RUSAGE_CHILDREN), 1),
    }


def current_rss_mb() -> float:
    """The resident set size of this process now (VmRSS), in MB; falls back to the peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(_maxrss_mb(resource.RUSAGE_SELF), 1)


def dir_size_mb(path: Path, skip: Collection[str] = ()) -> float:
    """The total size of the files below a folder, in MB, without the files of its own named in `skip`."""
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            if name in skip and Path(dirpath) == path:
                continue
            try:
                total += os.path.getsize(os.path.join(dirpath, name))
            except OSError:
                pass
    return round(total / (1024 * 1024), 1)


def machine() -> dict[str, object]:
    """Cores, processor, RAM and Python version of this machine."""
    ram_gb = None
    cpu = "unknown processor"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": ram_gb,
        "python": sys.version.split()[0],
        "platform": sys.platform,
    }


_ROOT = Path(__file__).resolve().parents[1]


def git_commit() -> str:
    """The commit measured (with +changes when the work tree differs from it)."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=_ROOT
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            cwd=_ROOT,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return (rev or "unknown") + ("+changes" if dirty else "")
