"""The emulator's forged DynamoDB export answers match botocore's output shapes, and a forged answer
that does not is refused loudly (support/aws_contract.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from support.aws_contract import AnswerMismatch, answer_problems, check_answer
from support.emulated_exports import EmulatedExports
from support.emulator import Emulator

START = datetime(2026, 1, 15, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory) -> Iterator[Emulator]:
    emulator = Emulator(tmp_path_factory.mktemp("answers"), START).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture(scope="module")
def table_arn(emulator: Emulator) -> str:
    dynamodb = emulator.client("dynamodb")
    arn = dynamodb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["TableArn"]
    dynamodb.update_continuous_backups(
        TableName="orders", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    dynamodb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    emulator.clock.advance(timedelta(hours=1))
    return arn


def _answers(emulator: Emulator, request: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """ExportTableToPointInTime, then DescribeExport, as boto3 hands them over (its metadata left out)."""
    dynamodb = emulator.client("dynamodb")
    started = dynamodb.export_table_to_point_in_time(**request)
    described = dynamodb.describe_export(ExportArn=started["ExportDescription"]["ExportArn"])
    return [
        ("ExportTableToPointInTime", {k: v for k, v in started.items() if k != "ResponseMetadata"}),
        ("DescribeExport", {k: v for k, v in described.items() if k != "ResponseMetadata"}),
    ]


def test_full_export_answers_match_the_model(emulator: Emulator, table_arn: str) -> None:
    request = {"TableArn": table_arn, "S3Bucket": "exports-full", "ExportFormat": "DYNAMODB_JSON"}
    emulator.client("s3").create_bucket(Bucket="exports-full")
    for operation, answer in _answers(emulator, request):
        assert answer_problems("dynamodb", operation, answer) == []


def test_incremental_export_answers_match_the_model(emulator: Emulator, table_arn: str) -> None:
    now = emulator.clock.now()
    emulator.client("s3").create_bucket(Bucket="exports-incremental")
    request = {
        "TableArn": table_arn,
        "S3Bucket": "exports-incremental",
        "S3Prefix": "exports",
        "ClientToken": "window-1",
        "ExportType": "INCREMENTAL_EXPORT",
        "IncrementalExportSpecification": {
            "ExportFromTime": now - timedelta(minutes=50),
            "ExportToTime": now - timedelta(minutes=10),
            "ExportViewType": "NEW_IMAGE",
        },
    }
    for operation, answer in _answers(emulator, request):
        assert answer_problems("dynamodb", operation, answer) == []


GOOD = {
    "ExportArn": "arn:aws:dynamodb:us-east-1:123456789012:table/orders/export/01768464000000-abcdef12",
    "ExportStatus": "COMPLETED",
    "ExportTime": 1768464000.0,
    "ItemCount": 1,
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"ExportStatus": "DONE"}, "DescribeExport: $.ExportDescription.ExportStatus: 'DONE' is not one of"),
        (
            {"ClientToken": None},
            "DescribeExport: $.ExportDescription.ClientToken: null, where AWS leaves the member out",
        ),
        ({"ItemCount": "1"}, "DescribeExport: $.ExportDescription.ItemCount: expected an integer"),
        ({"ExportTime": "yesterday"}, "DescribeExport: $.ExportDescription.ExportTime: expected a time"),
        ({"Folder": "x"}, "DescribeExport: $.ExportDescription.Folder: no such member"),
    ],
)
def test_a_forged_answer_aws_could_not_give_is_refused(change: dict[str, Any], problem: str) -> None:
    assert check_answer("dynamodb", "DescribeExport", {"ExportDescription": GOOD}) == {"ExportDescription": GOOD}
    with pytest.raises(AnswerMismatch, match=problem.replace("$", r"\$").replace(".", r"\.")):
        EmulatedExports._answer("DescribeExport", {**GOOD, **change})


def test_a_required_member_missing_is_refused() -> None:
    problems = answer_problems(
        "emr-serverless", "StartJobRun", {"applicationId": "00f1", "JobRun": {"State": "SUCCESS"}}
    )
    assert problems == [
        "StartJobRun: $.JobRun: no such member (members: applicationId, jobRunId, arn)",
        "StartJobRun: $.jobRunId: required member missing",
        "StartJobRun: $.arn: required member missing",
    ]
