"""The machine a run measured on, for the table's caption: cores, CPU model, memory."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def _first(path: str, field: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            name, _, value = line.partition(":")
            if name.strip() == field:
                return value.strip()
    except OSError:
        pass
    return ""


def describe() -> dict:
    memory_kb = _first("/proc/meminfo", "MemTotal").split(" ")[0]
    return {
        "cores": os.cpu_count(),
        "cpu": _first("/proc/cpuinfo", "model name") or platform.processor() or platform.machine(),
        "memory_gib": round(int(memory_kb) / 2**20, 1) if memory_kb.isdigit() else None,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def caption(machine: dict) -> str:
    memory = f", {machine['memory_gib']} GiB memory" if machine.get("memory_gib") else ""
    return f"{machine['cores']} cores ({machine['cpu']}){memory}"
