"""Decides, from the table's watermark, which exports a run applies, skips or must refuse (no Spark here).

A window [start, end) fits a table at watermark W when start <= W < end; end <= W means it is already
applied; start > W is a gap that would lose the writes in [W, start).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .errors import MirrorError
from .manifest import Export, format_time
from .table import TableState


@dataclass
class Plan:
    bootstrap: Export | None
    windows: list[Export]
    skipped: list[tuple[Export, str]] = field(default_factory=list)
    accepted_gaps: list[dict] = field(default_factory=list)
    watermarks: list[datetime] = field(default_factory=list)  # after each window, in order

    @property
    def empty(self) -> bool:
        return self.bootstrap is None and not self.windows


def plan_run(exports: Sequence[Export], state: TableState | None, allow_gap: bool) -> Plan:
    _check_one_table(exports, state)  # before the de-duplication: export ids are unique per table only
    unique = list({e.export_id: e for e in exports}.values())
    fulls = sorted((e for e in unique if not e.incremental), key=lambda e: e.end)
    windows = sorted((e for e in unique if e.incremental), key=lambda e: (e.start, e.end))
    plan = Plan(bootstrap=None, windows=[])

    for older in fulls[:-1]:
        plan.skipped.append((older, f"superseded by the later full export {fulls[-1].export_id}"))
    if fulls:
        newest = fulls[-1]
        if state is None or newest.end > state.watermark and newest.export_id != state.bootstrap_export:
            plan.bootstrap = newest
        else:
            plan.skipped.append((newest, f"already covered: the table's watermark is {format_time(state.watermark)}"))

    if plan.bootstrap is not None:
        watermark = plan.bootstrap.end
    elif state is not None:
        watermark = state.watermark
    elif windows:
        raise MirrorError(f"{windows[0].uri}: the table does not exist yet; apply a full export first")
    else:
        return plan

    for window in windows:
        if window.end <= watermark:
            plan.skipped.append(
                (window, f"already applied: it ends at or before the watermark {format_time(watermark)}")
            )
            continue
        if window.start > watermark:
            if not allow_gap:
                raise MirrorError(
                    f"{window.uri}: {window.describe()} starts after the table's watermark {format_time(watermark)}; "
                    f"the writes in [{format_time(watermark)}, {format_time(window.start)}) would be lost. Apply the "
                    "missing window first, or pass --allow-gap to accept the loss (it is recorded in the table)"
                )
            plan.accepted_gaps.append(
                {"from": format_time(watermark), "to": format_time(window.start), "export": window.export_id}
            )
        plan.windows.append(window)
        watermark = window.end
        plan.watermarks.append(watermark)
    return plan


def _check_one_table(exports: Sequence[Export], state: TableState | None) -> None:
    expected = state.table_arn if state is not None else (exports[0].table_arn if exports else None)
    for export in exports:
        if export.table_arn != expected:
            raise MirrorError(f"{export.uri}: is an export of {export.table_arn}, but this table mirrors {expected}")
