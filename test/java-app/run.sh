#!/usr/bin/env bash
# Builds and tests the Java app against the jar in dist/java. It shares the project's Maven repository
# (.cache/maven, seeded by java:seed) and drops the package's previous copy there first, so that the
# freshly built jar is the one resolved. CDK_VERSION, CONSTRUCTS_VERSION and MAVEN_REPO come from .projenrc.ts.
set -euo pipefail
repo="$PWD/$MAVEN_REPO"
rm -rf "$repo/io/github/dynamo-iceberg-mirror" test/java-app/target
mvn -B -ntp -f test/java-app/pom.xml -Dmaven.repo.local="$repo" -Dmirror.repo="$PWD/dist/java" \
  -Dcdk.version="$CDK_VERSION" -Dconstructs.version="$CONSTRUCTS_VERSION" test
