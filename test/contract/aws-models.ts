/**
 * AWS's own API models (botocore's data files, from the project's Python environment) and checks of
 * what the state machine sends to and reads from each AWS call against them.
 *
 * The environment is the one `npx projen spark:env` creates in .cache/dynamo-iceberg-mirror/venv;
 * DYNAMO_ICEBERG_MIRROR_HOME names another home (its venv/ is used), as it does for the CLI.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { gunzipSync } from 'zlib';
import { parsePath, PathStep, readDynamic } from './json-paths';

/** A botocore shape: only the parts the checks read. */
export interface Shape {
  readonly type: string;
  readonly members?: Record<string, { readonly shape: string }>;
  readonly required?: string[];
  readonly member?: { readonly shape: string };
  readonly key?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly enum?: string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
}

/** A botocore service model (service-2.json). */
export interface ServiceModel {
  readonly metadata: { readonly serviceId: string };
  readonly operations: Record<string, {
    readonly input?: { readonly shape: string };
    readonly output?: { readonly shape: string };
    readonly errors?: Array<{ readonly shape: string }>;
  }>;
  readonly shapes: Record<string, Shape>;
}

const REPO = resolve(__dirname, '..', '..');

/** The botocore data folder of the project's Python environment; throws, naming the command that makes it. */
export function botocoreDataDir(): string {
  const home = resolve(process.env.DYNAMO_ICEBERG_MIRROR_HOME ?? join(REPO, '.cache', 'dynamo-iceberg-mirror'));
  const lib = join(home, 'venv', 'lib');
  const found = existsSync(lib)
    ? readdirSync(lib).map((python) => join(lib, python, 'site-packages', 'botocore', 'data')).find(existsSync)
    : undefined;
  if (!found) {
    throw new Error(`No botocore models under ${lib}: the contract tests read AWS's API models from the project's `
      + 'Python environment. Create it with `npx projen spark:env` (or set DYNAMO_ICEBERG_MIRROR_HOME to a home with a venv/).');
  }
  return found;
}

const models = new Map<string, ServiceModel>();

/** A service's model, newest API version, by botocore's name for it (`dynamodb`, `stepfunctions`, `emr-serverless`). */
export function serviceModel(service: string): ServiceModel {
  const cached = models.get(service);
  if (cached) {
    return cached;
  }
  const folder = join(botocoreDataDir(), service);
  if (!existsSync(folder)) {
    throw new Error(`botocore has no model named ${service}`);
  }
  // Old API versions keep only examples: take the newest version that has a service model.
  for (const version of readdirSync(folder).sort().reverse()) {
    const plain = join(folder, version, 'service-2.json');
    const zipped = `${plain}.gz`;
    const text = existsSync(plain) ? readFileSync(plain, 'utf-8')
      : existsSync(zipped) ? gunzipSync(readFileSync(zipped)).toString('utf-8') : undefined;
    if (text) {
      const model = JSON.parse(text) as ServiceModel;
      models.set(service, model);
      return model;
    }
  }
  throw new Error(`botocore has no service-2.json for ${service}`);
}

/** Step Functions' service names in `aws-sdk:<service>:` whose botocore name is not the same without dashes. */
const SDK_SERVICE_ALIASES: Record<string, string> = { sfn: 'stepfunctions' };

/** The AWS call a Task's Resource stands for; undefined for resources that are not AWS API calls. */
export interface TaskCall {
  readonly service: string;
  readonly operation: string;
}

export function callOfResource(resource: string): TaskCall | undefined {
  const sdk = /^arn:(?:<[^>]+>|[^:]+):states:::aws-sdk:([a-z0-9-]+):(\w+)(\.\w+)?$/.exec(resource);
  if (sdk) {
    const known = readdirSync(botocoreDataDir());
    const service = SDK_SERVICE_ALIASES[sdk[1]] ?? known.find((name) => name.replace(/-/g, '') === sdk[1]) ?? sdk[1];
    return { service, operation: pascal(sdk[2]) };
  }
  if (/^arn:(?:<[^>]+>|[^:]+):states:::emr-serverless:startJobRun(\.sync)?$/.test(resource)) {
    return { service: 'emr-serverless', operation: 'StartJobRun' };
  }
  // Lambda functions (a function ARN, or `states:::lambda:invoke`) are this project's own contract,
  // checked by the plan handler's tests; any other resource has no model here either.
  return undefined;
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function operationOf(service: string, operation: string) {
  const model = serviceModel(service);
  const op = model.operations[operation];
  if (!op) {
    throw new Error(`${service} has no operation ${operation}`);
  }
  return { model, op };
}

/** How checked objects spell member names: Step Functions' PascalCase (default) or the model's own. */
export interface InputOptions {
  readonly modelCase?: boolean;
  /**
   * Whether strings may hold `<LogicalId>` or `<LogicalId.Attribute>`, the CloudFormation references that
   * test/helpers.ts `definitionOf` renders: their real length and value are unknown, so only their type is checked.
   */
  readonly renderedReferences?: boolean;
}

/** Inside the checks: whether `Key.$` keys are dynamic values (in Parameters) or plain names (in responses). */
interface CheckOptions extends InputOptions {
  readonly dynamicKeys?: boolean;
}

/** Members of a structure by the name the checked object uses. */
function membersByName(shape: Shape, options: InputOptions): Map<string, string> {
  const names = Object.keys(shape.members ?? {});
  return new Map(names.map((name) => [options.modelCase ? name : pascal(name), name]));
}

/** The members, for a message; first the near one (same letters in another case, or one edit away), if any. */
function hint(name: string, members: Map<string, string>): string {
  const lower = name.toLowerCase();
  const near = [...members.keys()].find((m) => m.toLowerCase() === lower || editDistance(m, name) <= 1);
  return near ? ` (did you mean ${near}?)` : ` (members: ${[...members.keys()].join(', ')})`;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Problems of one literal value against a shape; `where` is the path shown in messages. */
function valueProblems(model: ServiceModel, shapeName: string, value: unknown, where: string, options: CheckOptions): string[] {
  const shape = model.shapes[shapeName];
  const wrong = (expected: string) => [`${where}: expected ${expected} (${shapeName}), got ${JSON.stringify(value)}`];
  const inRange = (size: number, what: string) => [
    ...(shape.min !== undefined && size < shape.min ? [`${where}: ${what} ${size} is below the minimum ${shape.min}`] : []),
    ...(shape.max !== undefined && size > shape.max ? [`${where}: ${what} ${size} is above the maximum ${shape.max}`] : []),
  ];
  switch (shape.type) {
    case 'structure': {
      if (!isObject(value)) {
        return wrong('an object');
      }
      return structureProblems(model, shapeName, value, where, options);
    }
    case 'list':
      if (!Array.isArray(value)) {
        return wrong('a list');
      }
      return [...inRange(value.length, 'length'),
        ...value.flatMap((item, i) => valueProblems(model, shape.member!.shape, item, `${where}[${i}]`, options))];
    case 'map':
      if (!isObject(value)) {
        return wrong('a map');
      }
      return Object.entries(value).flatMap(([key, item]) => [
        ...valueProblems(model, shape.key!.shape, key, `${where} key "${key}"`, options),
        ...valueProblems(model, shape.value!.shape, item, `${where}.${key}`, options),
      ]);
    case 'string':
      if (typeof value !== 'string') {
        return wrong('a string');
      }
      if (options.renderedReferences && /<[^<>\s]+>/.test(value)) {
        return [];
      }
      if (shape.enum && !shape.enum.includes(value)) {
        return [`${where}: "${value}" is not one of ${shape.enum.join(', ')}`];
      }
      return [...inRange(value.length, 'length'), ...patternProblems(shape, shapeName, value, where)];
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? inRange(value as number, 'value') : wrong('an integer');
    case 'float':
    case 'double':
      return typeof value === 'number' ? inRange(value, 'value') : wrong('a number');
    case 'boolean':
      return typeof value === 'boolean' ? [] : wrong('a boolean');
    case 'timestamp':
      if (value instanceof Date || typeof value === 'number') {
        return [];
      }
      return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value))
        ? [] : wrong('an ISO-8601 time');
    case 'blob':
      return typeof value === 'string' || value instanceof Uint8Array ? [] : wrong('base64 text');
    default:
      return [];
  }
}

/**
 * A string against the shape's pattern. Smithy patterns are ECMAScript regular expressions matched
 * anywhere in the value (not anchored); the few JavaScript cannot compile are skipped.
 */
function patternProblems(shape: Shape, shapeName: string, value: string, where: string): string[] {
  if (!shape.pattern) {
    return [];
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(shape.pattern, 'u');
  } catch {
    return [];
  }
  return pattern.test(value) ? [] : [`${where}: "${value}" does not match ${shapeName}'s pattern ${shape.pattern}`];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** What kinds of model shape an intrinsic function's result may fill. */
const RESULT_FITS: Record<string, string[]> = {
  string: ['string', 'blob', 'timestamp'],
  number: ['integer', 'long', 'float', 'double'],
  boolean: ['boolean'],
  list: ['list'],
  structure: ['structure', 'map'],
};

function structureProblems(model: ServiceModel, shapeName: string, value: Record<string, unknown>, where: string, options: CheckOptions): string[] {
  const shape = model.shapes[shapeName];
  const members = membersByName(shape, options);
  const prefix = where ? `${where}.` : '';
  const problems: string[] = [];
  const given = new Set<string>();
  for (const [key, item] of Object.entries(value)) {
    const dynamic = options.dynamicKeys === true && key.endsWith('.$');
    const name = dynamic ? key.slice(0, -2) : key;
    given.add(name);
    const member = members.get(name);
    if (!member) {
      problems.push(`${prefix}${name}: no such member${hint(name, members)}`);
      continue;
    }
    const memberShape = shape.members![member].shape;
    if (dynamic) {
      problems.push(...dynamicProblems(model, memberShape, item, `${prefix}${name}`));
    } else {
      problems.push(...valueProblems(model, memberShape, item, `${prefix}${name}`, options));
    }
  }
  for (const required of shape.required ?? []) {
    const name = options.modelCase ? required : pascal(required);
    if (!given.has(name)) {
      problems.push(`${prefix}${name}: required member missing`);
    }
  }
  return problems;
}

/** A `.$` value: a well-formed path or intrinsic call, whose result (when known) fits the member's type. */
function dynamicProblems(model: ServiceModel, shapeName: string, value: unknown, where: string): string[] {
  if (typeof value !== 'string') {
    return [`${where}.$: expected a JSONPath or intrinsic function, got ${JSON.stringify(value)}`];
  }
  const read = readDynamic(value);
  if (read.problem) {
    return [`${where}.$: ${read.problem}`];
  }
  const fits = RESULT_FITS[read.result];
  const type = model.shapes[shapeName].type;
  return fits && !fits.includes(type) ? [`${where}.$: ${value} yields a ${read.result}, the member is a ${type} (${shapeName})`] : [];
}

/** Problems of a Task's `Parameters` against the operation's input shape, each prefixed with the operation. */
export function inputProblems(service: string, operation: string, params: Record<string, unknown>, options: InputOptions = {}): string[] {
  const { model, op } = operationOf(service, operation);
  if (!op.input) {
    return Object.keys(params).length ? [`${operation}: takes no input`] : [];
  }
  return structureProblems(model, op.input.shape, params, '', { ...options, dynamicKeys: true }).map((p) => `${operation}: ${p}`);
}

/** Problems of a response (PascalCase members, as Step Functions shows it) against the operation's output shape. */
export function outputProblems(service: string, operation: string, value: unknown, options: InputOptions = {}): string[] {
  const { model, op } = operationOf(service, operation);
  if (!op.output) {
    return isObject(value) && Object.keys(value).length === 0 ? [] : [`${operation}: returns nothing, got ${JSON.stringify(value)}`];
  }
  return valueProblems(model, op.output.shape, value, '$', options).map((p) => `${operation}: ${p}`);
}

/** Whether every output path a JSONPath or intrinsic function reads (`$.A.B`) is a member of the documented output. */
export function outputPathProblems(service: string, operation: string, text: string): string[] {
  const { model, op } = operationOf(service, operation);
  const read = readDynamic(text);
  if (read.problem) {
    return [`${operation}: ${read.problem}`];
  }
  return read.paths.flatMap((path) => {
    const parsed = parsePath(path);
    if (typeof parsed === 'string' || parsed.root === '$$') {
      return [];
    }
    const why = op.output ? stepsProblem(model, op.output.shape, parsed.steps) : 'the operation returns nothing';
    return why ? [`${operation}: ${path}: ${why}`] : [];
  });
}

function stepsProblem(model: ServiceModel, shapeName: string, steps: PathStep[]): string | undefined {
  let current = shapeName;
  for (const step of steps) {
    const shape = model.shapes[current];
    if ('deep' in step) {
      return undefined;
    }
    if ('index' in step) {
      if (shape.type !== 'list') {
        return `[${step.index}] reads into ${current}, a ${shape.type}, not a list`;
      }
      current = shape.member!.shape;
    } else if (shape.type === 'structure') {
      const members = membersByName(shape, {});
      const member = members.get(step.name);
      if (!member) {
        return `${step.name} is not a member of ${current}${hint(step.name, members)}`;
      }
      current = shape.members![member].shape;
    } else if (shape.type === 'map') {
      current = shape.value!.shape;
    } else {
      return `.${step.name} reads into ${current}, a ${shape.type}`;
    }
  }
  return undefined;
}

/**
 * Step Functions' name for a service's errors: the Java SDK's client prefix, from the model's serviceId
 * split into words (spaces, and a capital after a small letter): `DynamoDB` → `DynamoDb`, `SFN` → `Sfn`,
 * `EMR Serverless` → `EmrServerless`.
 */
export function errorPrefix(service: string): string {
  const id = serviceModel(service).metadata.serviceId;
  return id.split(' ').flatMap((word) => word.split(/(?<=[a-z0-9])(?=[A-Z])/))
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()).join('');
}

/**
 * The `ErrorEquals` names a Task calling this operation can see: `States.*`, the operation's declared
 * errors as `<Prefix>.<Name>` with an `Exception` suffix added when the model's name lacks one (the Step
 * Functions guide: S3's BucketAlreadyExists is `S3.BucketAlreadyExistsException`), and the service's
 * catch-all `<Prefix>.<Prefix>Exception` (the SDK's base exception, e.g. `DynamoDb.DynamoDbException`).
 */
/**
 * The name Step Functions gives an SDK integration's error: `<Prefix>.<Name>`, with an `Exception`
 * suffix added when the name lacks one.
 */
export function taskErrorName(service: string, name: string): string {
  return `${errorPrefix(service)}.${name.endsWith('Exception') ? name : `${name}Exception`}`;
}

export function declaredErrorNames(service: string, operation: string): string[] {
  const { op } = operationOf(service, operation);
  return [...(op.errors ?? []).map((e) => e.shape), `${errorPrefix(service)}Exception`].map((name) => taskErrorName(service, name));
}

/** Whether a Retry/Catch error name can be raised by a Task calling this operation. */
export function errorProblems(service: string, operation: string, errorName: string): string[] {
  if (errorName.startsWith('States.')) {
    return [];
  }
  const declared = declaredErrorNames(service, operation);
  return declared.includes(errorName) ? []
    : [`${operation}: error ${errorName} is not declared by the operation (declared: ${declared.join(', ')})`];
}
