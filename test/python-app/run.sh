#!/usr/bin/env bash
# Installs the built wheel (dist/python) into a fresh venv with aws-cdk-lib and constructs from PyPI,
# then runs the Python app's tests. CDK_VERSION and CONSTRUCTS_VERSION come from .projenrc.ts.
# The wheel is the one of package.json's version (bumped while `npx projen release` builds), not an older one.
set -euo pipefail
version=$(node -p "require('./package.json').version")
venv=.cache/python-app/venv
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q "dist/python/dynamo_iceberg_mirror-$version-py3-none-any.whl" "aws-cdk-lib==$CDK_VERSION" "constructs==$CONSTRUCTS_VERSION"
cd test/python-app
"../../$venv/bin/python" -m unittest -v test_app.py
