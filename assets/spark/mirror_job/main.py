"""Command line of the job, the same on EMR Serverless (spark-submit entry.py ...) and locally (--local)."""

from __future__ import annotations

import argparse
import base64
import json
import sys
from datetime import date, datetime
from decimal import Decimal

from .contract import (
    CATALOGS,
    COMMANDS,
    KEY_TYPES,
    MAX_KEY_ATTRIBUTES,
    MAX_PARTITION_BUCKETS,
    OPTIONS,
    REPORT_COUNTS,
)
from .errors import MirrorError
from .session import CATALOG, catalog_settings, local_session, qualified, running_session
from .storage import to_uri


def parser() -> argparse.ArgumentParser:
    """The arguments, named in contract.json (the construct builds its job runs' arguments from it)."""
    root = argparse.ArgumentParser(prog="mirror_job", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)

    def catalog_arguments(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            OPTIONS["catalog"], dest="catalog", choices=list(CATALOGS.values()), default=CATALOGS["hadoop"]
        )
        command.add_argument(
            OPTIONS["warehouse"], dest="warehouse", required=True, help="warehouse folder or s3:// URI"
        )
        command.add_argument(
            OPTIONS["catalogProperty"],
            dest="catalog_property",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="extra Iceberg catalog setting, e.g. glue.endpoint=http://127.0.0.1:5000",
        )
        command.add_argument(
            OPTIONS["local"], dest="local", action="store_true", help="start a local-mode Spark session"
        )

    def table_argument(command: argparse.ArgumentParser) -> None:
        command.add_argument(OPTIONS["table"], dest="table", required=True, help="DATABASE.TABLE")

    apply = commands.add_parser(COMMANDS["apply"], help="apply exports (a full export bootstraps) to the table")
    catalog_arguments(apply)
    table_argument(apply)
    apply.add_argument(
        OPTIONS["key"],
        dest="key",
        required=True,
        help="the partition key attribute, then the sort key if any: PK[:TYPE][,SK[:TYPE]], or for any names a "
        'JSON array of names or [name, TYPE] pairs, e.g. \'["pk", ["sk", "N"]]\'',
    )
    apply.add_argument(
        OPTIONS["allowGap"],
        dest="allow_gap",
        action="store_true",
        help="apply a window that starts after the watermark",
    )
    apply.add_argument(
        OPTIONS["partitionBuckets"],
        dest="partition_buckets",
        type=int,
        default=0,
        help="partition a new table by bucket(N, partition key)",
    )
    apply.add_argument(
        OPTIONS["columnTypes"], dest="column_types", default="{}", help='JSON object, e.g. {"price": "decimal(38,2)"}'
    )
    apply.add_argument("exports", nargs="+", help="export folders (holding manifest-summary.json)")

    query = commands.add_parser(COMMANDS["query"], help="run SQL and print rows as JSON lines")
    catalog_arguments(query)
    query.add_argument(OPTIONS["sql"], dest="sql", required=True)

    verify = commands.add_parser(
        COMMANDS["verify"],
        help="compare the table with a full export taken at one of its watermarks (exit 1 if different)",
    )
    catalog_arguments(verify)
    table_argument(verify)
    verify.add_argument(
        OPTIONS["sample"], dest="sample", type=int, default=10, help="keys reported of each kind (default 10)"
    )
    verify.add_argument(
        OPTIONS["report"], dest="report", help="also write the JSON report to this URI (s3://... or a path)"
    )
    verify.add_argument(
        OPTIONS["exitZeroWhenDifferent"],
        dest="exit_zero_when_different",
        action="store_true",
        help="exit 0 also when the table differs (the report says how); for schedulers that read the report",
    )
    verify.add_argument("export", help="the full export's folder (holding manifest-summary.json)")

    maintain = commands.add_parser(COMMANDS["maintain"], help="compact, expire snapshots, remove orphan files")
    catalog_arguments(maintain)
    table_argument(maintain)
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
    applying = args.command == COMMANDS["apply"]
    key, key_types = _key(args.key) if applying else ([], {})
    column_types = _column_types(args.column_types) if applying else {}
    table = _table(args.table) if args.command != COMMANDS["query"] else ""
    if args.command == COMMANDS["verify"] and not 0 <= args.sample <= 1000:
        raise MirrorError(f"{OPTIONS['sample']} {args.sample}: expected 0 to 1000")
    if applying and not 0 <= args.partition_buckets <= MAX_PARTITION_BUCKETS:
        raise MirrorError(
            f"{OPTIONS['partitionBuckets']} {args.partition_buckets}: expected 0 (none) to {MAX_PARTITION_BUCKETS}"
        )
    catalog = catalog_settings(args.catalog, to_uri(args.warehouse), properties)
    spark = local_session(catalog=catalog) if args.local else running_session(catalog)
    if applying:
        from .merge import apply_exports

        results = apply_exports(
            spark, table, key, args.exports, args.allow_gap, column_types, key_types, args.partition_buckets
        )
        for result in results:
            print(result.line(), flush=True)
    elif args.command == COMMANDS["query"]:
        spark.catalog.setCurrentCatalog(CATALOG)
        for row in spark.sql(args.sql).toLocalIterator():
            print(json.dumps(row.asDict(recursive=True), default=_json_value, ensure_ascii=False), flush=True)
    elif args.command == COMMANDS["verify"]:
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
    equal = all(report[count] == 0 for count in REPORT_COUNTS.values())
    return 0 if equal or args.exit_zero_when_different else 1


def _key(text: str) -> tuple[list[str], dict[str, str]]:
    """The key attributes, partition key first, and the types given (they matter only to bootstrap an empty table).

    Two forms: `pk[:TYPE][,sk[:TYPE]]` for people, and a JSON array of names or [name, TYPE] pairs, which
    the construct passes so that any attribute name works (`,`, `:` and `[` included). Text that starts
    with `[` is the JSON form.
    """
    entries = _json_key(text) if text.lstrip().startswith("[") else _human_key(text)
    names, types = [], {}
    for name, tag in entries:
        if tag:
            types[name] = tag
        names.append(name)
    if len(names) > MAX_KEY_ATTRIBUTES or len(set(names)) < len(names):
        raise MirrorError(f"{OPTIONS['key']} {text!r}: a DynamoDB key has one or two distinct attributes")
    return names, types


def _human_key(text: str) -> list[tuple[str, str]]:
    entries = []
    for part in text.split(","):
        name, _, tag = part.partition(":")
        if not name or tag not in ("", *KEY_TYPES):
            raise MirrorError(
                f"{OPTIONS['key']} {text!r}: expected PK[:TYPE][,SK[:TYPE]] with TYPE one of {', '.join(KEY_TYPES)} "
                '(or, for names holding "," or ":", a JSON array such as \'["pk", ["sk", "N"]]\')'
            )
        entries.append((name, tag))
    return entries


def _json_key(text: str) -> list[tuple[str, str]]:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    entries = []
    for entry in value if isinstance(value, list) and value else [None]:
        if isinstance(entry, str):
            entry = [entry]
        if not (
            isinstance(entry, list)
            and 1 <= len(entry) <= 2
            and isinstance(entry[0], str)
            and entry[0]
            and (len(entry) == 1 or entry[1] in KEY_TYPES)
        ):
            raise MirrorError(
                f"{OPTIONS['key']} {text!r}: expected a JSON array of attribute names or [name, TYPE] pairs with "
                f"TYPE one of {', '.join(KEY_TYPES)}"
            )
        entries.append((entry[0], entry[1] if len(entry) == 2 else ""))
    return entries


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
        raise MirrorError(f"{OPTIONS['columnTypes']} {text!r}: expected a JSON object of attribute name to type name")
    return value


def _key_value(text: str):
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise MirrorError(f"{OPTIONS['catalogProperty']} {text!r}: expected KEY=VALUE")
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
