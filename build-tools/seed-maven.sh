#!/usr/bin/env bash
# Puts aws-cdk-lib $CDK_VERSION into the project's Maven repository ($MAVEN_REPO) as an installed
# artifact. The jar's pom asks for the range [CDK_VERSION,3.0.0), and Maven resolves ranges from
# version lists; Maven Central's list for aws-cdk-lib ends before releases it does serve (here at
# 2.263.0), so the range only resolves once the installed copy adds the version to the local list.
set -euo pipefail
repo="$PWD/$MAVEN_REPO"
artifact=software.amazon.awscdk:aws-cdk-lib:$CDK_VERSION
if [ -f "$repo/software/amazon/awscdk/aws-cdk-lib/maven-metadata-local.xml" ] \
  && grep -q "<version>$CDK_VERSION</version>" "$repo/software/amazon/awscdk/aws-cdk-lib/maven-metadata-local.xml"; then
  exit 0
fi
mvn -B -q dependency:get -Dmaven.repo.local="$repo" -Dtransitive=false -Dartifact="$artifact"
mvn -B -q dependency:get -Dmaven.repo.local="$repo" -Dtransitive=false -Dartifact="$artifact:pom"
# Install from a copy outside the repository that install-file writes into.
dir="$repo/software/amazon/awscdk/aws-cdk-lib/$CDK_VERSION"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$dir/aws-cdk-lib-$CDK_VERSION.jar" "$dir/aws-cdk-lib-$CDK_VERSION.pom" "$tmp/"
mvn -B -q install:install-file -Dmaven.repo.local="$repo" \
  -Dfile="$tmp/aws-cdk-lib-$CDK_VERSION.jar" -DpomFile="$tmp/aws-cdk-lib-$CDK_VERSION.pom"
