#!/usr/bin/env bash
# Synthesizes the example app and checks its template with cfn-lint: errors fail, warnings are shown.
set -euo pipefail
dir=.cache/example
rm -rf "$dir/cdk.out"
CDK_OUTDIR="$dir/cdk.out" npx ts-node --project tsconfig.dev.json test/example/app.ts
if [ ! -x "$dir/venv/bin/cfn-lint" ]; then
  python3 -m venv "$dir/venv"
  "$dir/venv/bin/pip" install -q 'cfn-lint>=1.58,<2'
fi
"$dir/venv/bin/cfn-lint" --non-zero-exit-code error "$dir"/cdk.out/*.template.json
echo "cfn-lint: no errors in $(ls "$dir"/cdk.out/*.template.json)"
