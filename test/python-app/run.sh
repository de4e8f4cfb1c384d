#!/usr/bin/env bash
# Installs the built wheel (dist/python) into a fresh venv with aws-cdk-lib and constructs from PyPI,
# then runs the Python app's tests. CDK_VERSION and CONSTRUCTS_VERSION come from .projenrc.ts.
set -euo pipefail
venv=.cache/python-app/venv
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q dist/python/*.whl "aws-cdk-lib==$CDK_VERSION" "constructs==$CONSTRUCTS_VERSION"
cd test/python-app
"../../$venv/bin/python" -m unittest -v test_app.py
