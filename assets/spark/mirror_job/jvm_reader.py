"""The JVM reader (assets/spark/engine, a jar on the session's classpath): the per-line work of a run in
Spark's executors instead of Python workers, reading exactly as the Python reader (reader.py) does.

It passes over a run holding anything it does not take on (every fault, whose error the Python reader
words, and values it does not reproduce exactly, such as a negative zero): the caller then reads that
run in Python. Key errors found while building rows come back as KeyError markers (see reader.run_action).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .inference import AttributeStats, ListShape, MapShape, NumberShape, Shape, TagShape
from .manifest import Export

ENGINE_CLASS = "io.github.dynamoicebergmirror.engine.MirrorEngine"
KEY_ERROR_MARKER = "MirrorKeyError: "


class Surveyed:
    """What the JVM survey found: type statistics, or why it passed over the run, or a duplicate key."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.passed_over: str | None = answer["passed_over"]
        self.stats = AttributeStats()
        self.stats.families = {
            name: {family: [count, _shape(shape)] for family, (count, shape) in families.items()}
            for name, families in answer["stats"].items()
        }
        duplicate = answer["duplicate"]
        self.duplicate: tuple[str, list[tuple[int, int]]] | None = (
            (duplicate[0], [(number, line) for number, line in duplicate[1]]) if duplicate else None
        )


def run_description(exports: Sequence[Export], key: Sequence[str]) -> str:
    """The run as MirrorEngine reads it: every data file with its export's facts, and the key."""
    from .reader import epoch_micros

    files = [
        {
            "uri": data_file.uri,
            "key": data_file.key,
            "md5": data_file.md5 or None,
            "item_count": data_file.item_count,
            "order": order,
            "incremental": export.incremental,
            "end_micros": epoch_micros(export.end),
            "export_id": export.export_id,
        }
        for order, export in enumerate(exports)
        for data_file in export.data_files
    ]
    return json.dumps({"files": files, "key": list(key)}, ensure_ascii=False)


def survey(spark, exports: Sequence[Export], key: Sequence[str]) -> Surveyed:
    answer = engine(spark).survey(spark._jsparkSession, run_description(exports, key))
    return Surveyed(json.loads(answer))


def rows(spark, exports: Sequence[Export], key: Sequence[str], columns_json: str, spark_schema):
    from pyspark.sql import DataFrame

    frame = engine(spark).rows(
        spark._jsparkSession, run_description(exports, key), columns_json, spark_schema.json()
    )
    return DataFrame(frame, spark)


def key_error(text: str) -> dict[str, Any] | None:
    """The facts of a KeyError marker in a failure's text, if there is one."""
    at = text.rfind(KEY_ERROR_MARKER)
    if at < 0:
        return None
    return json.loads(text[at + len(KEY_ERROR_MARKER) :].splitlines()[0])


def engine(spark):
    from py4j.java_gateway import JavaClass  # type: ignore[import-untyped]

    engine = spark._jvm
    for part in ENGINE_CLASS.split("."):
        engine = getattr(engine, part)
    if not isinstance(engine, JavaClass):
        raise RuntimeError(
            f"{ENGINE_CLASS} is not on the Spark classpath: add the job's mirror-engine.jar to spark.jars "
            "(the construct and the local session do; in a source checkout, build it with `npx projen spark:engine`)"
        )
    return engine


def _shape(raw: list) -> Shape:
    tag = raw[0]
    if tag in ("N", "NS"):
        return NumberShape(tag, raw[1], Counter({(scale, whole): count for scale, whole, count in raw[2]}))
    if tag == "L":
        return ListShape(None if raw[1] is None else _shape(raw[1]))
    if tag == "M":
        return MapShape({key: _shape(value) for key, value in raw[1].items()})
    return TagShape(tag)
