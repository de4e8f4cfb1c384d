"""Runs parliament (the IAM policy linter) over policies read as JSON from stdin; prints its findings as JSON.

Input: [{"name": ..., "document": {...}}, ...]. Output: [{"policy", "issue", "severity", "title", "detail",
"location"}, ...] for every finding of every policy, INFO included: the caller decides what fails.
Parliament's community auditors run too (privilege escalation, credentials exposure, permissions management,
NotPrincipal/NotResource with Allow, single-value conditions checked against sets).
"""

import json
import sys
from pathlib import Path

import parliament
from parliament import analyze_policy_string, enhance_finding, override_config
from parliament.cli import is_finding_filtered


def main() -> None:
    override_config(str(Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml"))
    findings = []
    for policy in json.load(sys.stdin):
        analyzed = analyze_policy_string(
            json.dumps(policy["document"]),
            policy["name"],
            ignore_private_auditors=True,
            include_community_auditors=True,
            config=parliament.config,
        )
        for finding in analyzed.findings:
            finding = enhance_finding(finding)
            # "MUTE" filters nothing by severity; only parliament's own ignore_locations apply.
            if is_finding_filtered(finding, "MUTE"):
                continue
            findings.append(
                {
                    "policy": policy["name"],
                    "issue": finding.issue,
                    "severity": finding.severity,
                    "title": finding.title,
                    "detail": str(finding.detail),
                    "location": json.loads(json.dumps(finding.location, default=str)),
                }
            )
    json.dump({"parliament": parliament.__version__, "findings": findings}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
