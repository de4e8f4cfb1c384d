#!/usr/bin/env bash
# Builds and tests the Java app against the jar in dist/java. It shares the project's Maven repository
# (.cache/maven, seeded by java:seed) and drops the package's previous copy there first, so that the
# freshly built jar is the one resolved. CDK_VERSION, CONSTRUCTS_VERSION and MAVEN_REPO come from .projenrc.ts.
# The jar's version is package.json's: 0.0.0, or the bumped one while `npx projen release` builds.
set -euo pipefail
repo="$PWD/$MAVEN_REPO"
version=$(node -p "require('./package.json').version")
rm -rf "$repo/io/github/dynamo-iceberg-mirror" test/java-app/target
mvn -B -ntp -f test/java-app/pom.xml -Dmaven.repo.local="$repo" -Dmirror.repo="$PWD/dist/java" \
  -Dmirror.version="$version" -Dcdk.version="$CDK_VERSION" -Dconstructs.version="$CONSTRUCTS_VERSION" test
