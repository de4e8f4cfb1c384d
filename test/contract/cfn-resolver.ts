/**
 * Resolves CloudFormation intrinsics (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split) in a
 * template fragment into the values CloudFormation would produce at deploy time, so that a policy linter
 * sees real ARNs.
 *
 * Each reference becomes a value of the referenced resource's own service and resource type (a bucket's
 * `Arn` is `arn:aws:s3:::<name>`, a state machine's `Ref` is its `arn:aws:states:...:stateMachine:<name>`),
 * using the name the template gives the resource or a plausible one made from its logical id. A resource
 * type or attribute this file does not know is an error, never a guess: add it here with its real form.
 */
import { createHash } from 'crypto';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-north-1';
const PARTITION = 'aws';

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': ACCOUNT,
  'AWS::Region': REGION,
  'AWS::Partition': PARTITION,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'TestStack',
};

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

type Resources = Record<string, CfnResource>;

/** What `Ref` and `Fn::GetAtt` return for one resource type, from the resource's name. */
interface ResourceKind {
  /** The physical name: from the template when it sets one, else made from the logical id. */
  readonly name: (id: string, properties: Record<string, any>, resolve: (v: unknown) => string) => string;
  readonly ref: (name: string) => string;
  readonly attributes: Record<string, (name: string) => string>;
}

const region = `${REGION}:${ACCOUNT}`;

/** A stable hex string from a logical id, for service-assigned ids (key ids, application ids). */
function hexOf(id: string, length: number): string {
  return createHash('sha256').update(id).digest('hex').slice(0, length);
}

function named(property: string, fallback: (id: string) => string = (id) => id) {
  return (id: string, properties: Record<string, any>, resolve: (v: unknown) => string) =>
    properties[property] !== undefined ? resolve(properties[property]) : fallback(id);
}

const KINDS: Record<string, ResourceKind> = {
  'AWS::S3::Bucket': {
    name: named('BucketName', (id) => `teststack-${id.toLowerCase()}`),
    ref: (name) => name,
    attributes: {
      Arn: (name) => `arn:${PARTITION}:s3:::${name}`,
      DomainName: (name) => `${name}.s3.amazonaws.com`,
      RegionalDomainName: (name) => `${name}.s3.${REGION}.amazonaws.com`,
    },
  },
  'AWS::KMS::Key': {
    // A key id is a UUID assigned by KMS.
    name: (id) => { const h = hexOf(id, 32); return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`; },
    ref: (keyId) => keyId,
    attributes: {
      Arn: (keyId) => `arn:${PARTITION}:kms:${region}:key/${keyId}`,
      KeyId: (keyId) => keyId,
    },
  },
  'AWS::DynamoDB::Table': {
    name: named('TableName', (id) => `TestStack-${id}`),
    ref: (name) => name,
    attributes: {
      Arn: (name) => `arn:${PARTITION}:dynamodb:${region}:table/${name}`,
      StreamArn: (name) => `arn:${PARTITION}:dynamodb:${region}:table/${name}/stream/2025-01-01T00:00:00.000`,
    },
  },
  'AWS::Lambda::Function': {
    name: named('FunctionName', (id) => `TestStack-${id}`.slice(0, 64)),
    ref: (name) => name,
    attributes: { Arn: (name) => `arn:${PARTITION}:lambda:${region}:function:${name}` },
  },
  'AWS::StepFunctions::StateMachine': {
    name: named('StateMachineName', (id) => `${id}-${hexOf(id, 12)}`),
    ref: (name) => `arn:${PARTITION}:states:${region}:stateMachine:${name}`,
    attributes: {
      Arn: (name) => `arn:${PARTITION}:states:${region}:stateMachine:${name}`,
      Name: (name) => name,
    },
  },
  'AWS::EMRServerless::Application': {
    // Application ids are assigned by the service: lower case letters and digits.
    name: (id) => `00${hexOf(id, 16)}`,
    ref: (applicationId) => applicationId,
    attributes: {
      Arn: (applicationId) => `arn:${PARTITION}:emr-serverless:${region}:/applications/${applicationId}`,
      ApplicationId: (applicationId) => applicationId,
    },
  },
  'AWS::IAM::Role': {
    name: named('RoleName', (id) => `TestStack-${id}`.slice(0, 64)),
    ref: (name) => name,
    attributes: { Arn: (name) => `arn:${PARTITION}:iam::${ACCOUNT}:role/${name}` },
  },
  'AWS::Logs::LogGroup': {
    name: named('LogGroupName', (id) => `TestStack-${id}`),
    ref: (name) => name,
    attributes: { Arn: (name) => `arn:${PARTITION}:logs:${region}:log-group:${name}:*` },
  },
  'AWS::Glue::Database': {
    name: (id, properties, resolve) => properties.DatabaseInput?.Name !== undefined ? resolve(properties.DatabaseInput.Name) : id.toLowerCase(),
    ref: (name) => name,
    attributes: {},
  },
};

/** Resolves intrinsics in `value` against `resources`; throws on any reference it cannot honestly resolve. */
export function resolveIntrinsics(value: unknown, resources: Resources): any {
  const resolveString = (v: unknown): string => {
    const resolved = resolveIntrinsics(v, resources);
    if (typeof resolved !== 'string') {
      throw new Error(`expected a string, got ${JSON.stringify(resolved)}`);
    }
    return resolved;
  };
  const resource = (id: string) => {
    const found = resources[id];
    if (!found) {
      throw new Error(`reference to ${id}, which is neither a pseudo parameter nor a resource of the template`);
    }
    const kind = KINDS[found.Type];
    if (!kind) {
      throw new Error(`no resolver for ${found.Type} (${id}): add its Ref and attributes to cfn-resolver.ts`);
    }
    return { kind, name: kind.name(id, found.Properties ?? {}, resolveString), type: found.Type };
  };

  if (Array.isArray(value)) {
    return value.map((v) => resolveIntrinsics(v, resources));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    const [fn, arg] = entries[0] as [string, any];
    switch (fn) {
      case 'Ref': {
        if (PSEUDO[arg] !== undefined) {
          return PSEUDO[arg];
        }
        const { kind, name } = resource(arg);
        return kind.ref(name);
      }
      case 'Fn::GetAtt': {
        const [id, attribute] = typeof arg === 'string' ? arg.split('.') : arg;
        const { kind, name, type } = resource(id);
        const get = kind.attributes[attribute];
        if (!get) {
          throw new Error(`no resolver for ${type} attribute ${attribute} (${id}): add it to cfn-resolver.ts`);
        }
        return get(name);
      }
      case 'Fn::Join':
        return (arg[1] as unknown[]).map(resolveString).join(arg[0]);
      case 'Fn::Select':
        return resolveIntrinsics(arg[1], resources)[Number(resolveIntrinsics(arg[0], resources))];
      case 'Fn::Split':
        return resolveString(arg[1]).split(arg[0]);
      case 'Fn::Sub': {
        const [text, variables] = typeof arg === 'string' ? [arg, {}] : arg;
        return (text as string).replace(/\$\{([^}!]+)\}/g, (_, reference: string) => {
          if (variables[reference] !== undefined) {
            return resolveString(variables[reference]);
          }
          return resolveString(reference.includes('.') ? { 'Fn::GetAtt': reference.split('.') } : { Ref: reference });
        }).replace(/\$\{!/g, '${'); // ${!Literal} stands for the text ${Literal}
      }
      default:
        throw new Error(`no resolver for ${fn}`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, resources)]));
}
