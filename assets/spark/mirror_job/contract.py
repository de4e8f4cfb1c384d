"""The contract with the construct (contract.json, also read by the TypeScript side): names spelled once.

Read with pkgutil so that it also loads from the zip EMR Serverless gets through --py-files.
"""

from __future__ import annotations

import json
import pkgutil

_DATA = pkgutil.get_data(__package__ or "mirror_job", "contract.json")
if _DATA is None:  # a loader that cannot read data files: the job cannot know its own arguments
    raise ImportError("mirror_job/contract.json cannot be read")
CONTRACT: dict = json.loads(_DATA.decode("utf-8"))

PROPERTIES: dict[str, str] = CONTRACT["tableProperties"]
COMMANDS: dict[str, str] = CONTRACT["commands"]
OPTIONS: dict[str, str] = CONTRACT["options"]
CATALOGS: dict[str, str] = CONTRACT["catalogs"]
KEY_TYPES: tuple[str, ...] = tuple(CONTRACT["key"]["types"])
MAX_KEY_ATTRIBUTES: int = CONTRACT["key"]["maxAttributes"]
REPORT_COUNTS: dict[str, str] = CONTRACT["verificationReport"]["counts"]
MAX_PARTITION_BUCKETS: int = CONTRACT["partitionBuckets"]["max"]
NAMED_COLUMN_TYPES: dict[str, dict] = CONTRACT["columnTypes"]["named"]
DECIMAL_COLUMN_TYPE: dict = CONTRACT["columnTypes"]["decimal"]
