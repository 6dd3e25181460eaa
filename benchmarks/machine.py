"""What the benchmark says about the machine: CPU model, SIMD level, and a
measured peak float32 matrix-multiply rate, the yardstick of the arithmetic
floor (multiply-adds of a workload / peak multiply-adds per second)."""

from __future__ import annotations

import os
import platform
import subprocess
import time

import numpy as np


def _cpuinfo() -> dict[str, str]:
    """The first processor's fields of /proc/cpuinfo ({} where there is none)."""
    try:
        text = open("/proc/cpuinfo", encoding="utf-8").read()
    except OSError:
        return {}
    fields = {}
    for line in text.split("\n\n")[0].splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def cpu_model() -> str:
    """The CPU's name, with family and model numbers on x86 Linux."""
    info = _cpuinfo()
    if "model name" in info:
        numbers = f" (family {info.get('cpu family', '?')}, model {info.get('model', '?')})"
        return info["model name"] + (numbers if "cpu family" in info else "")
    if platform.system() == "Darwin":
        done = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    return platform.processor() or platform.machine()


def simd_level() -> str:
    """The widest vector instructions the CPU offers: AVX-512, AVX2, NEON, ..."""
    info = _cpuinfo()
    flags = set((info.get("flags") or info.get("Features") or "").split())
    machine = platform.machine().lower()
    if "avx512f" in flags:
        extra = [name for flag, name in (("amx_tile", "AMX"), ("avx512_bf16", "BF16")) if flag in flags]
        return "AVX-512" + (f" (+{', '.join(extra)})" if extra else "")
    if "avx2" in flags:
        return "AVX2"
    if "sve" in flags:
        return "SVE"
    if "asimd" in flags or machine in ("arm64", "aarch64"):
        return "NEON"
    return "SSE" if "sse2" in flags else "unknown"


def peak_matmul_macs(size: int = 2048, repeats: int = 5) -> float:
    """Multiply-adds per second of NumPy's float32 ``size`` x ``size`` matmul.

    The best of ``repeats`` timed products (after one warm-up): the machine's
    rate for the most favourable dense arithmetic, on every core its BLAS uses.
    """
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    a @ b
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return size**3 / best


def describe(backend_versions: str) -> str:
    """One line: CPU, SIMD level, cores, OS and the software versions."""
    return (f"{cpu_model()}, {simd_level()}, {os.cpu_count()} cores, {platform.machine()} "
            f"{platform.system()}; {backend_versions}")
