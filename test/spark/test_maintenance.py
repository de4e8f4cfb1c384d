"""Maintenance compacts merge-on-read deletes and keeps the mirror and its watermark intact."""

from __future__ import annotations

import random

from mirror_job.maintenance import maintain
from test_windows import WINDOW, churn, populated


def test_maintenance_compacts_deletes_and_changes_no_value(spark, tmp_path):
    scenario, factory, live = populated(spark, tmp_path, items=40)
    rng = random.Random(21)
    for n in range(2):
        churn(scenario, factory, live, scenario.full_export_micros + n * WINDOW, rng)
        scenario.apply(
            scenario.window(scenario.full_export_micros + n * WINDOW, scenario.full_export_micros + (n + 1) * WINDOW)
        )
    delete_files = f"SELECT count(*) FROM {scenario.table}.delete_files"
    deletes_before = spark.sql(delete_files).first()[0]
    assert deletes_before > 0
    properties_before = scenario.snapshot()[1]

    results = maintain(spark, scenario.table.removeprefix("mirror."), retain_days=0)

    assert results["rewrite_data_files"][0]["rewritten_data_files_count"] > 0
    entries = f"SELECT data_file.content, sequence_number FROM {scenario.table}.entries WHERE status < 2"
    files = spark.sql(entries).collect()
    data = [f.sequence_number for f in files if f.content == 0]
    deletes = [f.sequence_number for f in files if f.content == 1]
    # A position delete applies only to data files of its sequence number or older.
    assert not deletes or min(data) > max(deletes), f"deletes {deletes} still apply to data files {data}"
    assert scenario.snapshot()[1] == properties_before
    scenario.check(scenario.full_export_micros + 2 * WINDOW)
