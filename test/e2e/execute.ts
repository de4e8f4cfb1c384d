/**
 * One execution of the synthesized state machine on a local Step Functions interpreter
 * (aws-local-stepfunctions), against the AWS emulator named by AWS_ENDPOINT_URL.
 *
 * Usage: execute.ts REQUEST_JSON, where the request is
 *   { deployment, now, name, input, python, workdir }  (now: the emulator's clock, ISO-8601)
 * Prints one JSON line: { status, output | error, states, jobs }.
 *
 * How each kind of Task is answered:
 * - `aws-sdk:<service>:<action>`: the same call through the AWS SDK, sent to the emulator (through
 *   boto3 in the test's Python for a service whose JavaScript client is not installed);
 * - the plan Lambda: its bundled code from the cloud assembly, called in this process;
 * - `emr-serverless:startJobRun.sync`: the entry point and --py-files the job run names are fetched
 *   from the emulator's S3 and run by local-mode Spark, with the job's arguments plus `--local` and
 *   the emulator's endpoints as catalog properties.
 *
 * Every answer given to the interpreter in place of AWS (the emulator's, and the Spark job's) must
 * match the output shape of the operation it stands for in AWS's model (test/contract/aws-models.ts):
 * one that does not fails the run, listing its problems.
 */
import { spawnSync } from 'child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { callOfResource, outputProblems, taskErrorName } from '../contract/aws-models';
import { allStates, StateMachine, withoutDelays } from '../local-stepfunctions';
import { startJobRunAnswer } from './job-run-answer';

/**
 * This process lives on the emulator's virtual clock, which runs ahead of the wall clock: the
 * interpreter stamps $$.Execution.StartTime with `new Date()`.
 */
function useClock(now: string): void {
  const offset = Date.parse(now) - Date.now();
  const RealDate = Date;
  class VirtualDate extends RealDate {
    static now(): number {
      return RealDate.now() + offset;
    }
    constructor(...args: any[]) {
      if (args.length === 0) {
        super(RealDate.now() + offset);
      } else {
        super(...(args as [any]));
      }
    }
  }
  globalThis.Date = VirtualDate as DateConstructor;
}

interface Request {
  readonly deployment: string;
  readonly now: string;
  readonly name: string;
  readonly input: { readonly mode: string };
  readonly python: string;
  readonly workdir: string;
}

type Handler = (input: any) => Promise<any>;

const request: Request = JSON.parse(process.argv[2]);
useClock(request.now);
const deployment = JSON.parse(readFileSync(request.deployment, 'utf-8'));
const endpoint = process.env.AWS_ENDPOINT_URL!;
const states: string[] = [];
const jobs: string[][] = [];
/** Answers that did not match AWS's model: they fail the run even when a Catch would take the error. */
const contractProblems: string[] = [];

/** The answer, once it matches the output shape of the AWS call the Task's resource names; throws otherwise. */
function checked(resource: string, answer: any): any {
  const call = callOfResource(resource)!;
  const problems = outputProblems(call.service, call.operation, answer);
  if (problems.length > 0) {
    contractProblems.push(...problems);
    throw Object.assign(new Error(`the answer does not match AWS's model:\n${problems.join('\n')}`), { name: 'Contract.AnswerMismatch' });
  }
  return answer;
}

/** Step Functions passes ISO-8601 text for timestamp fields; the SDK wants Date objects. */
function withDates(value: any, key = ''): any {
  if (typeof value === 'string' && key.endsWith('Time') && !Number.isNaN(Date.parse(value))) {
    return new Date(value);
  }
  if (Array.isArray(value)) {
    return value.map((v) => withDates(v));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDates(v, k)]));
  }
  return value;
}

/** Services whose API members are camelCase; Step Functions' SDK integrations spell every member in PascalCase. */
const CAMEL_CASE_SERVICES = new Set(['sfn']);

function recase(value: any, first: (c: string) => string): any {
  if (Array.isArray(value)) {
    return value.map((v) => recase(v, first));
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [first(k.charAt(0)) + k.slice(1), recase(v, first)]));
  }
  return value;
}

/** Calls boto3 in the test's Python with the members as Step Functions passes them (boto3 spells them the same). */
const BOTO3_CALL = `
import json, sys
import boto3
from botocore.exceptions import ClientError
request = json.load(sys.stdin)
client = boto3.client(request["service"], endpoint_url=request["endpoint"], region_name=request["region"])
try:
    answer = getattr(client, request["operation"])(**request["input"])
except ClientError as error:
    print(json.dumps({"error": {"name": error.response["Error"]["Code"], "message": str(error)}}))
else:
    answer.pop("ResponseMetadata", None)
    print(json.dumps({"answer": answer}, default=lambda v: v.isoformat()))
`;

/** A call of a service whose AWS SDK for JavaScript client this project does not install (CloudWatch), through boto3. */
function boto3Call(resource: string, action: string): Handler {
  const { service: botoService } = callOfResource(resource)!;
  const operation = action.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return async (input) => {
    const run = spawnSync(request.python, ['-c', BOTO3_CALL], {
      input: JSON.stringify({ service: botoService, endpoint, region: deployment.region, operation, input }),
      encoding: 'utf-8',
    });
    if (run.status !== 0) {
      throw new Error(`boto3 ${botoService} ${operation} exited ${run.status}: ${run.stderr}`);
    }
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!);
    if (result.error) {
      throw Object.assign(new Error(result.error.message), { name: taskErrorName(botoService, result.error.name) });
    }
    return checked(resource, result.answer);
  };
}

/** Step Functions answers S3 GetObject with the body as text (the SDK gives a stream). */
async function withTextBody(output: any): Promise<any> {
  return output.Body && typeof output.Body.transformToString === 'function'
    ? { ...output, Body: await output.Body.transformToString() } : output;
}

function sdkCall(resource: string, service: string, action: string): Handler {
  // The client package is known only from the Task's resource.
  let sdk: any;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    sdk = require(`@aws-sdk/client-${service}`);
  } catch {
    return boto3Call(resource, action);
  }
  const clientName = Object.keys(sdk).find((k) => k.endsWith('Client') && k !== '__Client')!;
  const command = sdk[`${action.charAt(0).toUpperCase()}${action.slice(1)}Command`];
  const client = new sdk[clientName]({ endpoint });
  return async (input) => {
    let answer: any;
    try {
      const camel = CAMEL_CASE_SERVICES.has(service);
      const members = withDates(camel ? recase(input, (c) => c.toLowerCase()) : input);
      const { $metadata, ...output } = await withTextBody(await client.send(new command(members)));
      answer = JSON.parse(JSON.stringify(camel ? recase(output, (c) => c.toUpperCase()) : output));
    } catch (error) {
      const e = error as Error;
      throw Object.assign(new Error(e.message), { name: taskErrorName(callOfResource(resource)!.service, e.name) });
    }
    return checked(resource, answer);
  };
}

function planLambda(): Handler {
  Object.assign(process.env, deployment.planFunction.environment);
  const [file, exported] = deployment.planFunction.handler.split('.');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const handler = require(join(deployment.planFunction.asset, file))[exported];
  return async (input) => handler(input);
}

async function download(s3: S3Client, uri: string, folder: string): Promise<string> {
  const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const path = join(folder, key.split('/').pop()!);
  writeFileSync(path, Buffer.from(await object.Body!.transformToByteArray()));
  return path;
}

function sparkJob(resource: string): Handler {
  const s3 = new S3Client({ endpoint, forcePathStyle: true });
  return async (input) => {
    const submit = input.JobDriver.SparkSubmit;
    const args: string[] = submit.EntryPointArguments;
    jobs.push(args);
    const folder = join(request.workdir, `${request.name}-job-${jobs.length}`);
    mkdirSync(folder, { recursive: true });
    const entry = await download(s3, submit.EntryPoint, folder);
    const pyFiles = /--py-files (\S+)/.exec(submit.SparkSubmitParameters ?? '');
    const path = pyFiles ? await download(s3, pyFiles[1], folder) : '';
    // EMR puts the jars of spark.jars on the classpath; the local session takes the job's own (the JVM
    // reader) from this variable. EMR's local paths (the Iceberg runtime) exist only there.
    const jars = /--conf spark\.jars=(\S+)/.exec(submit.SparkSubmitParameters ?? '')?.[1].split(',') ?? [];
    const shipped = jars.filter((jar) => jar.startsWith('s3://'));
    if (shipped.length !== 1) {
      throw new Error(`expected the job's one jar among spark.jars, found: ${jars.join(', ')}`);
    }
    const engineJar = await download(s3, shipped[0], folder);
    const catalog = [`glue.endpoint=${endpoint}`, `s3.endpoint=${endpoint}`, 's3.path-style-access=true', `client.region=${deployment.region}`];
    const command = [entry, args[0], '--local', ...catalog.flatMap((p) => ['--catalog-property', p]), ...args.slice(1)];
    const run = spawnSync(request.python, command, {
      env: { ...process.env, PYTHONPATH: path, DYNAMO_ICEBERG_MIRROR_ENGINE_JAR: engineJar },
      encoding: 'utf-8',
      maxBuffer: 64 * 1024 * 1024,
    });
    writeFileSync(join(folder, 'output.log'), `${run.stdout}\n${run.stderr}`);
    if (run.status !== 0) {
      const tail = `${run.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
      throw Object.assign(new Error(`job run ${jobs.length} exited ${run.status}: ${tail}`), { name: 'States.TaskFailed' });
    }
    const partition = deployment.tableArn.split(':')[1];
    const arnPrefix = `arn:${partition}:emr-serverless:${deployment.region}:${deployment.account}`;
    return checked(resource, startJobRunAnswer(arnPrefix, input.ApplicationId, `${request.name}-${jobs.length}`));
  };
}

function handlerFor(resource: string): Handler {
  if (resource === deployment.planFunction.arn) {
    return planLambda();
  }
  const sdk = /^arn:[^:]+:states:::aws-sdk:([a-z0-9]+):(\w+)$/.exec(resource);
  if (sdk) {
    return sdkCall(resource, sdk[1], sdk[2]);
  }
  if (/^arn:[^:]+:states:::emr-serverless:startJobRun\.sync$/.test(resource)) {
    return sparkJob(resource);
  }
  throw new Error(`no local answer for Task resource ${resource}`);
}

/** A handler for every Task state, and zero for every Wait and retry interval. */
function overrides(definition: any) {
  const handlers: Record<string, Handler> = {};
  for (const [name, state] of allStates(definition).filter(([, s]) => s.Type === 'Task')) {
    const handle = handlerFor(state.Resource);
    handlers[name] = async (input) => {
      states.push(name);
      return handle(input);
    };
  }
  return { taskResourceLocalHandlers: handlers, ...withoutDelays(definition) };
}

async function main() {
  const machine = deployment.stateMachine;
  // The execution's record lives in the emulator, so the single-flight check sees it RUNNING.
  const sfn = new SFNClient({ endpoint });
  const { executionArn } = await sfn.send(new StartExecutionCommand({
    stateMachineArn: machine.arn, name: request.name, input: JSON.stringify(request.input),
  }));
  const interpreter = new StateMachine(machine.definition, { validationOptions: { checkArn: false, checkPaths: false } });
  let result: object;
  try {
    const output = await interpreter.run(request.input, {
      overrides: overrides(machine.definition),
      context: {
        Execution: { Id: executionArn, Name: request.name },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    }).result;
    result = { status: 'SUCCEEDED', output };
  } catch (error) {
    const cause = (error as { cause?: { name?: string; message?: string } }).cause ?? (error as Error);
    result = { status: 'FAILED', error: { name: cause.name, message: cause.message } };
  } finally {
    await sfn.send(new StopExecutionCommand({ executionArn }));
  }
  if (contractProblems.length > 0) {
    throw new Error(`answers given in place of AWS do not match AWS's model:\n${contractProblems.join('\n')}`);
  }
  process.stdout.write(`${JSON.stringify({ ...result, states, jobs })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
