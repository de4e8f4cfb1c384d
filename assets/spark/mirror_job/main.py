"""Command line of the job, the same on EMR Serverless (spark-submit entry.py ...) and locally (--local)."""

from __future__ import annotations

import argparse
import base64
import json
import sys
from datetime import date, datetime
from decimal import Decimal

from .errors import MirrorError
from .session import CATALOG, configure_catalog, local_session, qualified
from .storage import to_uri


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="mirror_job", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    def catalog_arguments(command: argparse.ArgumentParser) -> None:
        command.add_argument("--catalog", choices=["hadoop", "glue"], default="hadoop")
        command.add_argument("--warehouse", required=True, help="warehouse folder or s3:// URI")
        command.add_argument(
            "--catalog-property",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="extra Iceberg catalog setting, e.g. glue.endpoint=http://127.0.0.1:5000",
        )
        command.add_argument("--local", action="store_true", help="start a local-mode Spark session")

    apply = commands.add_parser("apply", help="apply exports (a full export bootstraps) to the table")
    catalog_arguments(apply)
    apply.add_argument("--table", required=True, help="DATABASE.TABLE")
    apply.add_argument(
        "--key", required=True, help="the partition key attribute, then the sort key if any: PK[:TYPE][,SK[:TYPE]]"
    )
    apply.add_argument("--allow-gap", action="store_true", help="apply a window that starts after the watermark")
    apply.add_argument(
        "--partition-buckets", type=int, default=0, help="partition a new table by bucket(N, partition key)"
    )
    apply.add_argument("--column-types", default="{}", help='JSON object, e.g. {"price": "decimal(38,2)"}')
    apply.add_argument("exports", nargs="+", help="export folders (holding manifest-summary.json)")

    query = commands.add_parser("query", help="run SQL and print rows as JSON lines")
    catalog_arguments(query)
    query.add_argument("--sql", required=True)

    verify = commands.add_parser(
        "verify", help="compare the table with a full export taken at one of its watermarks (exit 1 if different)"
    )
    catalog_arguments(verify)
    verify.add_argument("--table", required=True, help="DATABASE.TABLE")
    verify.add_argument("--sample", type=int, default=10, help="keys reported of each kind (default 10)")
    verify.add_argument("--report", help="also write the JSON report to this URI (s3://... or a path)")
    verify.add_argument(
        "--exit-zero-when-different",
        action="store_true",
        help="exit 0 also when the table differs (the report says how); for schedulers that read the report",
    )
    verify.add_argument("export", help="the full export's folder (holding manifest-summary.json)")

    maintain = commands.add_parser("maintain", help="compact, expire snapshots, remove orphan files")
    catalog_arguments(maintain)
    maintain.add_argument("--table", required=True)
    return root


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        return _run(args)
    except MirrorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    properties = dict(_key_value(p) for p in args.catalog_property)
    key, key_types = _key(args.key) if args.command == "apply" else ([], {})
    column_types = _column_types(args.column_types) if args.command == "apply" else {}
    table = _table(args.table) if args.command in ("apply", "maintain", "verify") else ""
    if args.command == "verify" and not 0 <= args.sample <= 1000:
        raise MirrorError(f"--sample {args.sample}: expected 0 to 1000")
    spark = local_session() if args.local else _running_session()
    configure_catalog(spark, args.catalog, to_uri(args.warehouse), properties)
    if args.command == "apply":
        from .merge import apply_exports

        if not 0 <= args.partition_buckets <= 1024:
            raise MirrorError(f"--partition-buckets {args.partition_buckets}: expected 0 (none) to 1024")
        results = apply_exports(
            spark, table, key, args.exports, args.allow_gap, column_types, key_types, args.partition_buckets
        )
        for result in results:
            print(result.line(), flush=True)
    elif args.command == "query":
        spark.catalog.setCurrentCatalog(CATALOG)
        for row in spark.sql(args.sql).toLocalIterator():
            print(json.dumps(row.asDict(recursive=True), default=_json_value, ensure_ascii=False), flush=True)
    elif args.command == "verify":
        return _verify(spark, table, args)
    else:
        from .maintenance import maintain

        print(json.dumps(maintain(spark, args.table), default=_json_value))
    return 0


def _verify(spark, table: str, args: argparse.Namespace) -> int:
    """Exit 0 when equal, 1 when different (0 with --exit-zero-when-different); the last stdout line is the report."""
    from .storage import Storage
    from .verify import verify

    report = {"table": args.table, **verify(spark, table, args.export, args.sample)}
    text = json.dumps(report, ensure_ascii=False)
    if args.report:
        Storage(spark).write_bytes(to_uri(args.report), (text + "\n").encode("utf-8"))
    print(text, flush=True)
    equal = report["missing"] == report["extra"] == report["different"] == 0
    return 0 if equal or args.exit_zero_when_different else 1


def _running_session():
    from pyspark.sql import SparkSession

    return SparkSession.builder.getOrCreate()


def _key(text: str) -> tuple[list[str], dict[str, str]]:
    """`pk` or `pk,sk`, each optionally typed (`pk:S`): types matter only to bootstrap an empty table."""
    names, types = [], {}
    for part in text.split(","):
        name, _, tag = part.partition(":")
        if not name or tag not in ("", "S", "N", "B"):
            raise MirrorError(f"--key {text!r}: expected PK[:TYPE][,SK[:TYPE]] with TYPE one of S, N, B")
        names.append(name)
        if tag:
            types[name] = tag
    if len(names) > 2:
        raise MirrorError(f"--key {text!r}: a DynamoDB key has at most two attributes")
    return names, types


def _table(text: str) -> str:
    try:
        return qualified(text)
    except ValueError as error:
        raise MirrorError(str(error)) from None


def _column_types(text: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise MirrorError(f"--column-types {text!r}: expected a JSON object of attribute name to type name")
    return value


def _key_value(text: str):
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise MirrorError(f"--catalog-property {text!r}: expected KEY=VALUE")
    return key, value


def _json_value(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)  # exact digits, not a float
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
