"""Parses job-run arguments with the Spark job's own command line (mirror_job.main), for the jest contract tests.

stdin: {"runs": [[argument, ...], ...], "columnTypes": [type name, ...]}; stdout: what the job reads from them.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "assets" / "spark"))

from mirror_job.main import _column_types, _key, parser  # noqa: E402
from mirror_job.schema import validate_overrides  # noqa: E402


def parsed(argv: list[str]) -> dict:
    args = vars(parser().parse_args(argv))
    if "key" in args:
        names, types = _key(args["key"])
        args["key"] = {"names": names, "types": types}
        args["column_types"] = _column_types(args["column_types"])
    return args


def main() -> None:
    request = json.load(sys.stdin)
    validate_overrides({f"attribute {i}": name for i, name in enumerate(request["columnTypes"])})
    json.dump({"runs": [parsed(argv) for argv in request["runs"]]}, sys.stdout)


if __name__ == "__main__":
    main()
