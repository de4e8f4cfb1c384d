"""The job's side of contract.json: the key's JSON form, loading the contract from the --py-files zip, and no
contract value spelled again in the sources of either side."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from mirror_job.contract import CONTRACT
from mirror_job.errors import MirrorError
from mirror_job.main import _key

ROOT = Path(__file__).resolve().parents[2]
SPARK_ASSETS = ROOT / "assets" / "spark"


def test_the_key_json_form_takes_any_attribute_name():
    names = ["a,b", "c:d", "[e", 'f"g']
    assert _key(json.dumps(names[:2])) == (names[:2], {})
    assert _key(json.dumps([[names[2], "N"], names[3]])) == (names[2:], {"[e": "N"})
    assert _key(json.dumps([["pk:S,sk", "S"], ["]", "B"]])) == (["pk:S,sk", "]"], {"pk:S,sk": "S", "]": "B"})


def test_the_key_human_form_stays_for_people():
    assert _key("pk") == (["pk"], {})
    assert _key("pk:S,sk:N") == (["pk", "sk"], {"pk": "S", "sk": "N"})


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "[bad",
        '{"pk": "S"}',
        "[1]",
        '[""]',
        '[["pk", "X"]]',
        '[["pk", "S", "N"]]',
        '["a", "b", "c"]',
        '["a", "a"]',
    ],
)
def test_a_malformed_json_key_is_refused(text):
    with pytest.raises(MirrorError, match="--key"):
        _key(text)


def test_the_contract_loads_from_the_zip_emr_serverless_gets(tmp_path):
    """--py-files puts the asset's zip on the path: the contract is read from inside it, not from a folder."""
    archive = tmp_path / "spark.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted((SPARK_ASSETS / "mirror_job").iterdir()):
            if path.is_file() and path.suffix in (".py", ".json"):
                zipped.write(path, f"mirror_job/{path.name}")
    probe = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "import mirror_job.contract as c, mirror_job.table as t; from mirror_job.main import _key;"
        "print(json.dumps([c.__file__, t.WATERMARK, _key(sys.argv[2])]))"
    )
    # -I: no PYTHONPATH, no current folder; only the zip holds mirror_job.
    result = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(archive), '[["a,b", "S"]]'],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    module_file, watermark, key = json.loads(result.stdout)
    assert module_file.startswith(str(archive))
    assert watermark == CONTRACT["tableProperties"]["watermark"]
    assert key == [["a,b"], {"a,b": "S"}]


def _sources() -> dict[Path, str]:
    files = [*(ROOT / "src").rglob("*.ts"), *(SPARK_ASSETS / "mirror_job").glob("*.py")]
    return {path: path.read_text(encoding="utf-8") for path in files}


def test_no_property_or_option_name_is_spelled_outside_the_contract():
    values = [*CONTRACT["tableProperties"].values(), *CONTRACT["options"].values()]
    spelled = [
        f"{path.relative_to(ROOT)}: {value}"
        for path, text in _sources().items()
        for value in values
        if re.search(rf"""["']{re.escape(value)}["']""", text)
    ]
    assert spelled == []
