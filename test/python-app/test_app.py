"""Synthesizes the Python app with the installed wheel and checks the cloud assembly."""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from aws_cdk.assertions import Match, Template

from app import build_app

README = Path(__file__).resolve().parents[2] / "README.md"


def assets_of(outdir: Path, stack_name: str) -> list:
    """(packaging, staged path) of every file asset of a stack."""
    manifest = json.loads((outdir / f"{stack_name}.assets.json").read_text())
    return [(a["source"].get("packaging"), outdir / a["source"]["path"]) for a in manifest["files"].values()]


class PythonAppTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.outdir = Path(cls.tmp.name)
        app = build_app(str(cls.outdir))
        app.synth()
        cls.orders = Template.from_stack(app.node.find_child("PythonOrders"))
        cls.imported = Template.from_stack(app.node.find_child("PythonImported"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_mirror_resources(self):
        t = self.orders
        t.resource_count_is("AWS::StepFunctions::StateMachine", 1)
        t.resource_count_is("AWS::Scheduler::Schedule", 3)
        t.resource_count_is("AWS::CloudWatch::Alarm", 3)
        t.resource_count_is("AWS::Athena::WorkGroup", 1)
        t.has_resource_properties("AWS::EMRServerless::Application", {
            "ReleaseLabel": "emr-7.12.0",
            "MaximumCapacity": {"Cpu": "8 vCPU", "Memory": "32 GB"},
        })
        t.has_resource_properties("AWS::Glue::Database", {"DatabaseInput": {"Name": "orders_db"}})
        t.has_resource_properties("AWS::Lambda::Function", {"Runtime": "nodejs24.x"})
        t.has_resource_properties("AWS::Scheduler::Schedule", {"ScheduleExpression": "cron(0/30 * * * ? *)"})
        t.has_resource_properties("AWS::Scheduler::Schedule", {"ScheduleExpression": "cron(0 3 * * ? *)"})
        t.has_resource_properties("AWS::Scheduler::Schedule", {"ScheduleExpression": "cron(15 4 ? * SUN *)"})
        t.has_resource_properties("AWS::S3::Bucket", {
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                Match.object_like({"ServerSideEncryptionByDefault": Match.object_like({"SSEAlgorithm": "aws:kms"})}),
            ]},
        })

    def test_alarm_actions_event_rule_and_metrics(self):
        t = self.orders
        alerts = {"Ref": Match.string_like_regexp("^Alerts")}
        alarms = t.find_resources("AWS::CloudWatch::Alarm")
        actions = [a["Properties"]["AlarmActions"] for a in alarms.values()]
        self.assertEqual(len(actions), 3)  # freshness, failure and verification alarms
        for refs in actions:
            self.assertEqual([r["Ref"][: len("Alerts")] for r in refs], ["Alerts"], refs)
        t.has_resource_properties("AWS::Events::Rule", {
            "EventPattern": Match.object_like({
                "source": ["aws.states"],
                "detail": Match.object_like({"status": ["FAILED", "TIMED_OUT", "ABORTED"]}),
            }),
            "Targets": [Match.object_like({"Arn": alerts})],
        })
        dashboard = json.dumps(t.find_resources("AWS::CloudWatch::Dashboard"))
        for expected in ["FreshnessLagSeconds", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"]:
            self.assertTrue(expected in dashboard, f"{expected} not in the dashboard")

    def test_props_reach_the_job_arguments(self):
        # The definition is JSON text inside the template: without its escapes, the key reads as the job gets it.
        text = json.dumps(self.orders.to_json()).replace("\\", "")
        key = '[["customerId","S"],["orderId","N"]]'
        for expected in ["--partition-buckets", "decimal(38,2)", "orders_db.orders", key]:
            self.assertTrue(expected in text, f"{expected} not in the template")

    def test_imported_table_uses_given_bucket_and_database(self):
        t = self.imported
        t.resource_count_is("AWS::S3::Bucket", 1)
        t.resource_count_is("AWS::Glue::Database", 1)
        t.has_resource_properties("AWS::Glue::Database", {"DatabaseInput": {"Name": "analytics"}})
        text = json.dumps(t.to_json()).replace("\\", "")
        self.assertTrue('"--key","["pk","sk"]"' in text, "key pk, sk not in the job arguments")

    def test_packaged_assets_are_staged(self):
        assets = assets_of(self.outdir, "PythonOrders")
        folders = [path for packaging, path in assets if packaging == "zip"]
        spark = [f for f in folders if (f / "mirror_job" / "main.py").is_file()]
        self.assertEqual(len(spark), 1, f"no Spark job folder among {folders}")
        self.assertTrue((spark[0] / "entry.py").is_file())
        entry = [path for packaging, path in assets if packaging == "file" and path.suffix == ".py"]
        self.assertEqual(len(entry), 1)
        self.assertIn("from mirror_job.main import main", entry[0].read_text())
        self.assertTrue(any((f / "index.js").is_file() for f in folders), "no bundled plan Lambda")

    def test_readme_python_usage_runs(self):
        blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
        self.assertTrue(blocks, "README has no python block")
        for block in blocks:
            with tempfile.TemporaryDirectory() as outdir:
                env = {**os.environ, "CDK_OUTDIR": outdir}
                subprocess.run([sys.executable, "-c", block], check=True, env=env)
                templates = list(Path(outdir).glob("*.template.json"))
                self.assertTrue(templates)
                self.assertIn("AWS::StepFunctions::StateMachine", templates[0].read_text())


if __name__ == "__main__":
    unittest.main()
