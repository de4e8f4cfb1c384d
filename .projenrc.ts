import { awscdk, javascript, ReleasableCommits } from 'projen';

/**
 * One CDK version drives the aws-cdk-lib floor and every CDK dev dependency. It must exist on npm,
 * PyPI and Maven Central alike: the Python and Java packages depend on it, and the cross-language
 * tests install it (2.276.0 was on npm only; 2.271.0 is the newest release all three registries serve here).
 */
const CDK_VERSION = '2.271.0';

const CONSTRUCTS_VERSION = '10.8.1';

/**
 * The integration test (test/integ.dynamo-iceberg-mirror.ts). integ-tests-alpha has no 2.271.0-alpha.0
 * release on npm here: 2.245.0-alpha.0 is the newest, and its peer range (aws-cdk-lib ^2.245.0) admits
 * CDK_VERSION. integ-runner is not used: its newest release here (2.197.10) bundles a toolkit that reads
 * cloud assembly schema 53 at most, and aws-cdk-lib 2.271.0 writes 54 ("You need at least CLI version
 * 2.1144.0"). So the project writes and compares the snapshot itself (test/integ/snapshot.ts, integ-runner's
 * layout and rules), and deploys with the CDK CLI below, which reads schema 54.
 */
const INTEG_TESTS_VERSION = '2.245.0-alpha.0';
const CDK_CLI_VERSION = '2.1148.1';

/** Where the CLI and the Python tests keep their Python environment and jars (git-ignored). */
const LOCAL_CACHE = '.cache/dynamo-iceberg-mirror';

/** The Maven repository of the Java packaging and the Java app (git-ignored). */
const MAVEN_REPO = '.cache/maven';

/**
 * What `npx projen build` needs beyond Node.js on a hosted runner: Python for the Spark job's
 * environment (spark:env) and Java 17 for Spark, the Maven seed and the Java app.
 */
function workflowToolchainSteps() {
  return [
    { name: 'Set up Python', uses: 'actions/setup-python@v7', with: { 'python-version': '3.11' } },
    { name: 'Set up Java', uses: 'actions/setup-java@v6', with: { 'distribution': 'temurin', 'java-version': '17' } },
  ];
}

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'dynamo-iceberg-mirror',
  description:
    'A CDK construct that keeps an Apache Iceberg table in step with a DynamoDB table through point-in-time exports and Spark on EMR Serverless.',
  author: 'dynamo-iceberg-mirror maintainers',
  authorAddress: 'maintainers@users.noreply.r-seed-3d04e6b6.example',
  repositoryUrl: 'https://github.com/dynamo-iceberg-mirror/dynamo-iceberg-mirror.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'dynamodb', 'iceberg', 'emr-serverless', 'athena'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  cdkVersion: CDK_VERSION,
  constructsVersion: CONSTRUCTS_VERSION,
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.16.0',
  tsconfigDevFile: 'tsconfig.dev.json',

  // Construct Hub shows this; the API is still being shaped (0.x), so it makes no stability promise.
  stability: 'experimental',

  // Local CI is .ci/run. The hosted workflows (.github/workflows, generated) build pull requests and
  // release from main: the version comes from conventional commits since the last tag, and the release
  // task writes the changelog (dist/changelog.md) that becomes the GitHub release's notes.
  github: true,
  githubOptions: { mergify: false, pullRequestLintOptions: { semanticTitle: true } },
  buildWorkflow: true,
  buildWorkflowOptions: { preBuildSteps: workflowToolchainSteps() },
  release: true,
  releaseToNpm: true,
  // Only feat and fix commits make a release: a chore or docs commit alone publishes nothing.
  releasableCommits: ReleasableCommits.featuresAndFixes(),
  releaseWorkflowSetupSteps: workflowToolchainSteps(),
  workflowNodeVersion: '20.x',
  depsUpgrade: false,
  pullRequestTemplate: false,

  publishToPypi: {
    distName: 'dynamo-iceberg-mirror',
    module: 'dynamo_iceberg_mirror',
  },
  publishToMaven: {
    javaPackage: 'io.github.dynamoicebergmirror',
    mavenGroupId: 'io.github.dynamo-iceberg-mirror',
    mavenArtifactId: 'dynamo-iceberg-mirror',
  },

  bin: { 'dynamo-iceberg-mirror': 'lib/cli/main.js' },

  // The construct: Lambda handlers (src/*.lambda.ts) are bundled into assets/lambda/ (git-ignored,
  // shipped in the package), leaving assets/spark/ to the Spark job.
  bundlerOptions: { assetsDir: 'assets/lambda' },
  // Lint src and test against tsconfig.dev.json: the project service only finds files named
  // tsconfig.json, which does not cover test/.
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'build-tools'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },
  lambdaOptions: { runtime: awscdk.LambdaRuntime.NODEJS_24_X },
  // The operator commands (src/cli/operator) talk to a deployed mirror. jsii takes no runtime
  // dependency that is not a jsii module unless it is bundled into the package.
  bundledDeps: [
    '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-emr-serverless@^3',
    '@aws-sdk/client-glue@^3',
    '@aws-sdk/client-s3@^3',
    '@aws-sdk/client-sfn@^3',
  ],
  devDeps: [
    'cdk-nag@^3.0.2',
    '@aws-sdk/client-dynamodb@^3',
    '@types/aws-lambda@^8',
    'aws-local-stepfunctions@3.0.0',
  ],

  gitignore: [
    '/.cache/', '__pycache__/', '.pytest_cache/', '.ruff_cache/', '.mypy_cache/', '*.pyc', '/demo-warehouse/',
    '/.jsii.tabl.json', '/assets/spark/engine/mirror-engine.jar',
  ],

  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/spark/'],
    },
  },
});

// The run lease's logic runs only inside the plan function's bundle, where the AWS SDK is inlined.
project.eslint?.allowDevDeps('src/workflow/run-lease.ts');

// eslint types .projenrc.ts through tsconfig.dev.json, whose `**/*.ts` does not match dot-files.
project.tsconfigDev.addInclude('.projenrc.ts');

// Nothing else type-checks the tests: ts-jest only transpiles them (isolatedModules), jsii compiles
// src/ alone. One tsc pass over tsconfig.dev.json's files, before jest.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check every TypeScript file of the project (tsconfig.dev.json: src, test, build-tools, .projenrc.ts)',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});
project.testTask.prependSpawn(typecheck);

// The npm package holds what users run (lib/, .jsii, the CLI, assets/) and nothing else: no build
// tools, lint configs, rosetta fixtures, local caches or Python bytecode (test/npm-package.test.ts).
for (const pattern of [
  '/.cache/', '/.ci/', '__pycache__/', '*.pyc', '.mypy_cache/', '/demo-warehouse/',
  '/build-tools/', '/rosetta/', '/ruff.toml', '/CONTRIBUTING.md', '/assets/spark/engine/src/',
]) {
  project.addPackageIgnore(pattern);
}

// The Python side: one environment for the Spark job, its tests and the local CLI, which every
// task below runs (the CLI installs the environment on first use). The tasks use the development CLI
// (build-tools/dev-cli.ts): the published one plus `env` with the test tools and `python`.
const LOCAL_CLI = 'ts-node --project tsconfig.dev.json build-tools/dev-cli.ts';
function cliTask(name: string, description: string, cliArguments: string, receiveArgs = false) {
  return project.addTask(name, {
    description,
    env: { DYNAMO_ICEBERG_MIRROR_HOME: LOCAL_CACHE },
    exec: `${LOCAL_CLI} ${cliArguments}`,
    receiveArgs: receiveArgs || undefined,
  });
}
const sparkEnv = cliTask('spark:env',
  'Create the Python environment (PySpark, test tools) and fetch the Iceberg runtime jar', 'env');
const sparkLint = cliTask('spark:lint', 'Lint the Python code (Spark job, its tests, the benchmark, the IAM lint) with ruff; type-check the job with mypy',
  'python -m ruff check assets/spark assets/local test/spark test/bench test/contract');
sparkLint.exec(`${LOCAL_CLI} python -m mypy --check-untyped-defs assets/spark/mirror_job assets/local/dynamo_local`, {
  name: 'type-check the Spark job and the local stand-in with mypy',
});
const sparkTest = cliTask('spark:test', 'Run the Spark job tests (pytest, local Spark and Iceberg)',
  'python -m pytest test/spark -q', true);
sparkTest.prependSpawn(sparkLint);
cliTask('test:unit', 'Run the Python unit tier (no Spark: seconds); `spark:test -m spark` or `-m e2e` run the others',
  'python -m pytest test/spark -m unit -q', true);
cliTask('test:faults', 'Kill the job at every seeded moment of test/spark/test_faults.py, and race two writers (slow)',
  'python -m pytest test/spark/test_faults.py test/spark/test_two_writers.py -q --faults -rP', true);
sparkLint.prependSpawn(sparkEnv);
// The job's JVM engine is a jar built from assets/spark/engine/src against the environment's PySpark and
// Iceberg's runtime jar (so after spark:env):
// the construct ships it and every local session loads it, so it is built before anything compiles.
const sparkEngine = project.addTask('spark:engine', {
  description: 'Build the Spark job\'s JVM engine (assets/spark/engine) into mirror-engine.jar (javac, against PySpark\'s jars and Iceberg\'s runtime jar)',
  env: { DYNAMO_ICEBERG_MIRROR_HOME: LOCAL_CACHE },
  exec: 'bash build-tools/build-engine.sh',
});
sparkEngine.prependSpawn(sparkEnv);
project.preCompileTask.spawn(sparkEngine);
project.testTask.spawn(sparkTest);

// The benchmark: whole processes side by side in one run (Spark's own parse, a hand-rolled load, the AWS
// guidance scripts read from ../shared/reference/guidance-scripts, this project), as ratios to Spark's parse.
cliTask('bench', 'Benchmark the job side by side with Spark\'s own read, a hand-rolled load and the AWS guidance scripts (local mode)',
  'python test/bench/bench_job.py', true);
cliTask('demo', 'Run the local demo: exports of a sample table folded into an Iceberg table by the Spark job',
  'demo', true);
// The construct's tests synthesize the plan function from its bundle: bundle first (esbuild, fast).
project.testTask.prependSpawn(project.bundler.bundleTask);
// The contract tests (test/contract) read AWS's API models from botocore in the Python environment:
// it exists before jest runs (a no-op once made).
project.testTask.prependSpawn(sparkEnv);

// The integration test. Its snapshot check is a jest test (test/integ/snapshot.test.ts); `integ:snapshot`
// rewrites the snapshot, `integ:deploy` runs the test on the account of the current AWS credentials.
project.addDevDeps(`@aws-cdk/integ-tests-alpha@${INTEG_TESTS_VERSION}`, `aws-cdk@${CDK_CLI_VERSION}`);
project.addTask('integ:snapshot', {
  description: 'Rewrite the integration test\'s snapshot (test/integ.dynamo-iceberg-mirror.ts.snapshot/)',
  steps: [{ spawn: 'bundle' }, { exec: 'ts-node --project tsconfig.dev.json test/integ/write-snapshot.ts' }],
});
const integApp = 'ts-node --project tsconfig.dev.json test/integ.dynamo-iceberg-mirror.ts';
const integDestroy = project.addTask('integ:destroy', {
  description: 'Destroy the integration test\'s stacks',
  exec: `cdk destroy --app "${integApp}" --all --force`,
});
const integDeploy = project.addTask('integ:deploy', {
  description: 'Run the integration test on AWS (current credentials, CDK-bootstrapped account), then destroy it',
  steps: [
    { spawn: 'bundle' },
    { exec: `cdk deploy --app "${integApp}" --all --require-approval never` },
  ],
});
integDeploy.spawn(integDestroy);

// The README's example app, synthesized and checked with cfn-lint (errors fail; warnings are shown).
const exampleCfnLint = project.addTask('example:cfn-lint', {
  description: 'Synthesize the example app (test/example/app.ts) and check its template with cfn-lint',
  steps: [{ spawn: 'bundle' }, { exec: 'bash test/example/cfn-lint.sh' }],
});
project.testTask.spawn(exampleCfnLint);

// README code blocks: the TypeScript ones compile under jsii-rosetta (fixtures in rosetta/). jsii-pacmak
// reads the tablet it writes (.jsii.tabl.json) for the Python and Java READMEs; it ships next to .jsii.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile the README\'s TypeScript blocks and translate them (jsii-rosetta --strict)',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);
project.addPackageIgnore('!/.jsii.tabl.json');

// The Python and Java packages, consumed by real apps (test/python-app, test/java-app) that use every
// public type and prop. They run after packaging; `package` builds every language when CI is unset.
const crossLanguageEnv = { CDK_VERSION, CONSTRUCTS_VERSION, MAVEN_REPO };
const javaSeed = project.addTask('java:seed', {
  description: `Install aws-cdk-lib ${CDK_VERSION} into ${MAVEN_REPO} so that the jar's version range resolves`,
  env: crossLanguageEnv,
  exec: 'bash build-tools/seed-maven.sh',
});
const packageJava = project.tasks.tryFind('package:java')!;
packageJava.reset();
packageJava.spawn(javaSeed);
packageJava.exec(`jsii-pacmak -v --target java --maven-local-repository ${MAVEN_REPO}`);
const testPythonApp = project.addTask('test:python-app', {
  description: 'Synthesize the Python app with the built wheel in a fresh venv and check it',
  env: crossLanguageEnv,
  exec: 'bash test/python-app/run.sh',
});
const testJavaApp = project.addTask('test:java-app', {
  description: 'Compile the Java app against the built jar, synthesize it and check it (JUnit)',
  env: crossLanguageEnv,
  exec: 'bash test/java-app/run.sh',
});
// Added here: given in the `gitignore` option, this pattern did not reach .gitignore (projen's `!/test/`).
project.gitignore.exclude('/test/java-app/target/');
const packageAll = project.tasks.tryFind('package-all')!;
packageAll.spawn(testPythonApp);
packageAll.spawn(testJavaApp);
// What a release publishes, checked where it is made: every package of package.json's version (the bumped
// one inside `npx projen release`), the npm tarball as `npm pack` lists it (test/npm-package.test.ts).
const distCheck = project.addTask('dist:check', {
  description: 'Check dist/: the npm tarball, Python wheel and sdist, and Maven jar of package.json\'s version',
  exec: 'ts-node --project tsconfig.dev.json test/release/check-dist.ts',
});
packageAll.spawn(distCheck);

project.synth();
