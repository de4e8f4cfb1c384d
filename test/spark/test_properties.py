"""Property-based: any history of writes, exported as a full export and windows, mirrors exactly."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from harness import Scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.strategies import timelines

KEY_SCHEMAS = st.sampled_from([{"pk": "S"}, {"pk": "S", "sk": "N"}, {"id": "N"}, {"pk": "B", "sk": "S"}])


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_histories_mirror_exactly(spark, data):
    key_schema = data.draw(KEY_SCHEMAS)
    timeline = data.draw(timelines(key_schema, max_ops=30, max_windows=4))
    one_run = data.draw(st.booleans())
    root = Path(tempfile.mkdtemp(prefix="mirror-property-"))
    try:
        scenario = Scenario(spark, root, key=timeline.key_names, key_types=key_schema)
        scenario.source = timeline.table()
        full = scenario.full(timeline.full_export_micros)
        windows = [scenario.window(start, end) for start, end in timeline.windows]
        if one_run:
            scenario.apply(full, *windows)
        else:
            scenario.apply(full)
            scenario.check(timeline.full_export_micros)
            for window in windows:
                scenario.apply(window)
        scenario.check(timeline.windows[-1][1] if timeline.windows else timeline.full_export_micros)
    finally:
        shutil.rmtree(root, ignore_errors=True)
