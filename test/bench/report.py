"""The run's results as a markdown table (ratios to the floor measured in the same run) and as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

BOOTSTRAP_ROWS = {
    "floor": "floor: Spark reads and parses the files (`read.schema(S).json`, no output)",
    "native": "hand-rolled load: `read.json`, raw structs written to Iceberg",
    "guidance": "the guidance scripts: schema detection + table creation (two jobs)",
    "engine": "this project: bootstrap (`apply` of the full export)",
}


@dataclass
class Results:
    sizes: list[int]
    changes: int  # changes per window
    windows: int
    session: float = 0.0
    bootstrap: dict[str, dict[int, float]] = field(default_factory=lambda: {k: {} for k in BOOTSTRAP_ROWS})
    window: dict[str, dict[int, float]] = field(default_factory=lambda: {"guidance": {}, "engine": {}})
    several: dict[str, float] = field(default_factory=dict)  # engine_one_run, engine_runs, guidance_runs
    noop: float = 0.0
    notes: list[str] = field(default_factory=list)


def per_item(seconds: dict[int, float]) -> float:
    """Marginal seconds per item: the least-squares slope over the sizes measured."""
    xs, ys = list(seconds), list(seconds.values())
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / spread if spread else 0.0


def targets(r: Results) -> dict[str, float | bool | None]:
    n, n4 = r.sizes[0], r.sizes[1]
    floor_slope = per_item(r.bootstrap["floor"])
    return {
        # None when the floor's slope is not positive (sizes too small for the noise)
        "bootstrap_per_item_vs_floor": per_item(r.bootstrap["engine"]) / floor_slope if floor_slope > 0 else None,
        "bootstrap_faster_than_guidance_at_every_size": all(
            r.bootstrap["engine"][s] < r.bootstrap["guidance"][s] for s in r.sizes
        ),
        "window_4n_vs_n": r.window["engine"][n4] / r.window["engine"][n],
        "windows_one_run_vs_runs": r.several["engine_one_run"] / r.several["engine_runs"],
        "noop_vs_session_start": r.noop / r.session,
    }


def _cell(seconds: float | None, base: float) -> str:
    return "—" if seconds is None else f"{seconds:.1f} s ({seconds / base:.2f}x)"


def markdown(r: Results) -> str:
    n, n4 = r.sizes[0], r.sizes[1]
    floor = r.bootstrap["floor"]
    floor_slope = per_item(floor)
    head = " | ".join(f"{s:,} items" for s in r.sizes)
    lines = [
        f"| full export (items of ~0.6 KB, 4 gz files), x = of the floor | {head} | per extra item |",
        "|---" * (len(r.sizes) + 2) + "|",
    ]
    for key, label in BOOTSTRAP_ROWS.items():
        cells = " | ".join(_cell(r.bootstrap[key][s], floor[s]) for s in r.sizes)
        slope = per_item(r.bootstrap[key])
        ratio = f" ({slope / floor_slope:.2f}x)" if floor_slope > 0 else ""
        lines.append(f"| {label} | {cells} | {slope * 1e6:.0f} µs{ratio} |")
    base = floor[n]
    lines += [
        "",
        f"| run onto a bootstrapped table, x = of the floor at {n:,} items | the guidance scripts | this project |",
        "|---|---|---|",
        f"| a 1% window ({r.changes:,} changes) into {n:,} items"
        f" | {_cell(r.window['guidance'][n], base)} | {_cell(r.window['engine'][n], base)} |",
        f"| the same window into {n4:,} items"
        f" | {_cell(r.window['guidance'][n4], base)} | {_cell(r.window['engine'][n4], base)} |",
        f"| {r.windows} windows in one run | — (one window a run) | {_cell(r.several['engine_one_run'], base)} |",
        f"| {r.windows} windows in {r.windows} runs"
        f" | {_cell(r.several['guidance_runs'], base)} | {_cell(r.several['engine_runs'], base)} |",
        f"| a no-op run (all {r.windows} windows already applied) | — | {_cell(r.noop, base)} |",
        f"| a bare Spark session start and stop | {_cell(r.session, base)} | {_cell(r.session, base)} |",
    ]
    t = targets(r)
    faster = "yes" if t["bootstrap_faster_than_guidance_at_every_size"] else "no"
    slope = t["bootstrap_per_item_vs_floor"]
    slope_text = "n/a (the floor's slope is not positive at these sizes)" if slope is None else f"{slope:.2f}x"
    lines += [
        "",
        "Against the targets of issue 10:",
        f"- bootstrap per extra item: {slope_text} the floor's (target at most 1.5x);"
        f" faster than the guidance scripts at every size: {faster}",
        f"- a 1% window into {n4:,} items: {t['window_4n_vs_n']:.2f}x the same into {n:,} (target at most 1.3x)",
        f"- {r.windows} windows in one run: {t['windows_one_run_vs_runs']:.2f}x {r.windows} runs (target at most 0.5x)",
        f"- a no-op run: {t['noop_vs_session_start']:.2f}x a bare session start (target at most 1.5x)",
    ]
    return "\n".join(lines + [f"- note: {note}" for note in r.notes])


def as_json(r: Results) -> dict:
    return {
        "sizes": r.sizes,
        "changes_per_window": r.changes,
        "windows": r.windows,
        "seconds": {
            "session_start": r.session,
            "bootstrap": {k: {str(s): v for s, v in by.items()} for k, by in r.bootstrap.items()},
            "window": {k: {str(s): v for s, v in by.items()} for k, by in r.window.items()},
            "several_windows": r.several,
            "noop": r.noop,
        },
        "per_item_seconds": {k: per_item(by) for k, by in r.bootstrap.items()},
        "targets": targets(r),
        "notes": r.notes,
    }
