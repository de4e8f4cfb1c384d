"""A Python CDK app that uses every public type and prop of dynamo-iceberg-mirror.

jsii's Python bindings reject unknown keyword arguments, so running this app fails when a prop
cannot be passed from Python. test/cross-language.test.ts checks that every prop of the .jsii
manifest appears here.
"""

import os

from aws_cdk import App, Duration, RemovalPolicy, Size, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events_targets as events_targets
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from dynamo_iceberg_mirror import (
    ColumnType,
    DynamoIcebergMirror,
    ExportViewType,
    RebootstrapPolicy,
)


def orders_stack(app: App) -> Stack:
    stack = Stack(app, "PythonOrders")
    table = dynamodb.TableV2(
        stack,
        "Orders",
        partition_key=dynamodb.Attribute(name="customerId", type=dynamodb.AttributeType.STRING),
        sort_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.NUMBER),
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
    )

    # Every optional prop that goes with a table of this app and a bucket the construct creates.
    mirror = DynamoIcebergMirror(
        stack,
        "OrdersMirror",
        table=table,
        partition_key_name="customerId",
        sort_key_name="orderId",
        export_prefix="dynamodb/exports",
        warehouse_prefix="iceberg",
        database_name="orders_db",
        iceberg_table_name="orders",
        schedule_interval=Duration.minutes(30),
        max_window=Duration.hours(6),
        export_view_type=ExportViewType.NEW_AND_OLD_IMAGES,
        release_label="emr-7.12.0",
        max_vcpu=8,
        max_memory=Size.gibibytes(32),
        column_types={
            "quantity": ColumnType.LONG,
            "weight": ColumnType.DOUBLE,
            "price": ColumnType.decimal(2),
            "reference": ColumnType.NUMBER_AS_TEXT,
            "legacy_reference": ColumnType.STRING,  # deprecated name of NUMBER_AS_TEXT, still accepted
            "details": ColumnType.JSON,
        },
        partition_buckets=16,
        maintenance_schedule=scheduler.ScheduleExpression.cron(hour="3", minute="0"),
        verification_schedule=scheduler.ScheduleExpression.cron(week_day="SUN", hour="4", minute="15"),
        rebootstrap_policy=RebootstrapPolicy.ALARM_AND_WAIT,
        encryption_key=kms.Key(stack, "MirrorKey", enable_key_rotation=True),
        export_retention=Duration.days(3),
        freshness_threshold=Duration.hours(2),
        removal_policy=RemovalPolicy.DESTROY,
        athena_work_group=True,
    )

    # Every public member, read from Python.
    analyst = iam.Role(stack, "Analyst", assumed_by=iam.AccountRootPrincipal())
    mirror.grant_read(analyst)
    assert mirror.database_name == "orders_db"
    assert mirror.table_name == "orders"
    assert mirror.bucket.bucket_name
    assert mirror.database.database_name
    assert mirror.state_machine.state_machine_arn
    assert mirror.application.release_label == "emr-7.12.0"
    assert mirror.job_role.role_arn
    assert mirror.freshness_metric.to_metric_config()
    assert mirror.freshness_alarm.alarm_arn
    assert mirror.failure_alarm.alarm_arn
    assert mirror.verification_alarm.alarm_arn
    assert mirror.work_group is not None and mirror.work_group.name
    assert ColumnType.decimal(2).type_name == "decimal(38,2)"

    # Alarm actions, the run-failed event and the metrics, as an operator wires them.
    alerts = sns.Topic(stack, "Alerts")
    mirror.freshness_alarm.add_alarm_action(cloudwatch_actions.SnsAction(alerts))
    mirror.failure_alarm.add_alarm_action(cloudwatch_actions.SnsAction(alerts))
    mirror.verification_alarm.add_alarm_action(cloudwatch_actions.SnsAction(alerts))
    mirror.on_run_failed("RunFailed", target=events_targets.SnsTopic(alerts))
    cloudwatch.Dashboard(
        stack,
        "MirrorDashboard",
        widgets=[[
            cloudwatch.GraphWidget(
                title="Orders mirror",
                left=[mirror.metric_freshness_lag(period=Duration.hours(1))],
                right=[
                    mirror.metric_failed_runs(period=Duration.days(1)),
                    mirror.metric_verification_differences(period=Duration.days(1)),
                ],
            )
        ]],
    )
    return stack


def imported_stack(app: App) -> Stack:
    stack = Stack(app, "PythonImported")
    # An imported table with an existing bucket and Glue database: the props that go with those.
    DynamoIcebergMirror(
        stack,
        "EventsMirror",
        table=dynamodb.Table.from_table_name(stack, "Events", "events"),
        partition_key_name="pk",
        sort_key_name="sk",
        bucket=s3.Bucket(stack, "Lake"),
        database=glue.Database(stack, "Analytics", database_name="analytics"),
        export_view_type=ExportViewType.NEW_IMAGE,
        rebootstrap_policy=RebootstrapPolicy.AUTOMATIC,
    )
    return stack


def build_app(outdir: str) -> App:
    app = App(outdir=outdir)
    orders_stack(app)
    imported_stack(app)
    return app


if __name__ == "__main__":
    build_app(os.environ.get("CDK_OUTDIR", "cdk.out")).synth()
