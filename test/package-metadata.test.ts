/**
 * What Construct Hub and the three registries read from package.json, and the published names that the
 * Python and Java apps (test/python-app, test/java-app) use: a rename in .projenrc.ts that the apps do not
 * follow, or a piece of metadata dropped, fails here before a release does.
 */
import { readFileSync } from 'fs';
import { join } from 'path';

const REPO = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const read = (path: string) => readFileSync(join(REPO, path), 'utf8');

test('Construct Hub metadata: cdk keyword, description, repository, license, author, stability', () => {
  expect(manifest.keywords).toEqual(expect.arrayContaining(['cdk', 'awscdk', 'aws-cdk']));
  expect(manifest.description).toMatch(/^A CDK construct .{40,}/);
  expect(manifest.repository).toEqual({ type: 'git', url: expect.stringMatching(/^https:\/\/github\.com\/[\w-]+\/[\w-]+\.git$/) });
  expect(manifest.license).toBe('Apache-2.0');
  expect(manifest.author.name).toBeTruthy();
  expect(['experimental', 'stable']).toContain(manifest.stability);
  expect(manifest.publishConfig).toEqual({ access: 'public' });
});

test('the Python package is the one the Python app imports', () => {
  const { distName, module } = manifest.jsii.targets.python;
  expect(distName).toBe(manifest.name);
  expect(read('test/python-app/app.py')).toMatch(new RegExp(`^from ${module} import`, 'm'));
});

test('the Java package and Maven coordinates are the ones the Java app uses', () => {
  const { package: javaPackage, maven } = manifest.jsii.targets.java;
  expect(read('test/java-app/src/main/java/mirrorapp/MirrorApp.java')).toContain(`import ${javaPackage}.DynamoIcebergMirror;`);
  expect(read('test/java-app/pom.xml')).toMatch(new RegExp(
    `<groupId>${maven.groupId}</groupId>\\s*<artifactId>${maven.artifactId}</artifactId>`));
  // Maven Central grants io.github.<owner> to the GitHub owner of the repository.
  const owner = manifest.repository.url.split('/')[3];
  expect(maven.groupId).toBe(`io.github.${owner}`);
});
