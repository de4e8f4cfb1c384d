#!/usr/bin/env bash
# Synthesizes the example app and checks its template with cfn-lint: errors fail, warnings are shown.
set -euo pipefail
dir=.cache/example
rm -rf "$dir/cdk.out"
CDK_OUTDIR="$dir/cdk.out" npx ts-node --project tsconfig.dev.json test/example/app.ts
# The venv's entry scripts name its interpreter by the path it was made at (another worktree sharing .cache
# may have made it): run cfn-lint through the venv's python, which works from any path.
if [ ! -f "$dir/venv/bin/cfn-lint" ]; then
  python3 -m venv "$dir/venv"
  "$dir/venv/bin/pip" install -q 'cfn-lint>=1.58,<2'
fi
"$dir/venv/bin/python" "$dir/venv/bin/cfn-lint" --non-zero-exit-code error "$dir"/cdk.out/*.template.json
echo "cfn-lint: no errors in $(ls "$dir"/cdk.out/*.template.json)"
