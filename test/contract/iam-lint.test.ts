/**
 * Every IAM policy the construct synthesizes, linted by parliament: with defaults, with every prop that
 * changes permissions set (plus grantRead), and with everything imported. A finding above LOW fails; a
 * LOW or INFO finding fails unless ALLOWED explains it; an ALLOWED entry that matches nothing fails too.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DynamoIcebergMirror } from '../../src';
import { everyProp, newStack, ordersTable } from '../helpers';
import { ParliamentFinding, runParliament } from './parliament';
import { NamedPolicy, policiesOf } from './template-policies';

const SEVERITIES = ['MUTE', 'INFO', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** A finding that stays: the policy (`<stack>/<logical id>`), and its exact detail or exact actions. */
interface Explained {
  readonly issue: string;
  readonly policy: RegExp;
  readonly detail?: string;
  /** For community auditor findings, which name the actions in their location (lower case). */
  readonly actions?: string[];
  readonly reason: string;
}

const MIRROR_POLICY = (role: string) => new RegExp(`^(defaults|every-prop|imported)/OrdersMirror\\w*${role}DefaultPolicy\\w+$`);
const APP_KEY_POLICY = /^every-prop\/Key\w+$/;

/**
 * Findings above LOW that stay. Only two kinds: a known error in parliament's data, pinned to the exact
 * action; and the "permissions management actions" review flag of parliament's community auditors,
 * which lists sensitive actions to look at, pinned to the exact set.
 */
const ACCEPTED_ABOVE_LOW: Explained[] = [
  {
    issue: 'RESOURCE_MISMATCH',
    policy: MIRROR_POLICY('PlanFunctionServiceRole'),
    detail: "[{'action': 'states:DescribeExecution', 'required_format': 'arn:*:states:*:*:express:*:*:*'}]",
    reason: 'parliament requires every starred resource type of an action; AWS lists execution* and express* for '
      + 'DescribeExecution as alternatives (DescribeExecution does not serve Express executions but for those a Map Run started). '
      + 'The mirror\'s state machine is STANDARD, so the execution ARN is the whole need; granting express:* would widen it.',
  },
  {
    issue: 'PERMISSIONS_MANAGEMENT_ACTIONS',
    policy: MIRROR_POLICY('StateMachineRole'),
    actions: ['iam:passrole', 'logs:putresourcepolicy', 's3:putobjectacl'],
    reason: 'iam:PassRole: only the job role, only to emr-serverless.amazonaws.com (iam:PassedToService), to start job runs. '
      + 'logs:PutResourcePolicy: Step Functions\' log delivery to CloudWatch Logs (AWS\'s documented actions, which take no resource). '
      + 's3:PutObjectAcl: in DynamoDB\'s documented policy for exports to S3, on the export prefix only; the bucket it creates enforces bucket-owner ownership, so ACLs cannot be changed anyway.',
  },
  {
    issue: 'PERMISSIONS_MANAGEMENT_ACTIONS',
    policy: APP_KEY_POLICY,
    actions: ['kms:creategrant', 'kms:createkey', 'kms:putkeypolicy', 'kms:retiregrant', 'kms:revokegrant'],
    reason: 'The app\'s own key (test stack), with CDK\'s default key policy: the account root may administer it (kms:*), '
      + 'as KMS needs so that the key never becomes unmanageable. Not written by the construct.',
  },
];

/** LOW and INFO findings that stay. */
const ALLOWED: Explained[] = [
  {
    issue: 'RESOURCE_STAR',
    policy: APP_KEY_POLICY,
    detail: "['kms:Decrypt', 'kms:GenerateDataKey']",
    reason: 'The statement the construct adds to a key policy for EMR Serverless\' job logs: in a key policy, Resource "*" '
      + 'is the key itself (AWS\'s only form); it is limited by aws:SourceArn (the application) and aws:SourceAccount.',
  },
  {
    issue: 'RESOURCE_STAR',
    policy: APP_KEY_POLICY,
    detail: "['kms:CancelKeyDeletion', 'kms:CreateAlias', 'kms:CreateGrant', 'kms:Decrypt', 'kms:DeleteAlias', 'kms:DeleteImportedKeyMaterial', 'kms:DeriveSharedSecret', 'kms:DescribeKey', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:EnableKey', 'kms:EnableKeyRotation', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyPair', 'kms:GenerateDataKeyPairWithoutPlaintext', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:GenerateMac', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:GetParametersForImport', 'kms:GetPublicKey', 'kms:ImportKeyMaterial', 'kms:ListGrants', 'kms:ListKeyPolicies', 'kms:ListKeyRotations', 'kms:ListResourceTags', 'kms:PutKeyPolicy', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:ReplicateKey', 'kms:RetireGrant', 'kms:RevokeGrant', 'kms:RotateKeyOnDemand', 'kms:ScheduleKeyDeletion', 'kms:Sign', 'kms:SynchronizeMultiRegionKey', 'kms:TagResource', 'kms:UntagResource', 'kms:UpdateAlias', 'kms:UpdateKeyDescription', 'kms:UpdatePrimaryRegion', 'kms:Verify', 'kms:VerifyMac']",
    reason: 'CDK\'s default key policy of the app\'s own key (account root, kms:*); Resource "*" in a key policy is the key itself.',
  },
];

function explains(e: Explained, f: ParliamentFinding): boolean {
  const sorted = (list: unknown) => JSON.stringify([...(list as string[] ?? [])].sort());
  return e.issue === f.issue
    && e.policy.test(f.policy)
    && (e.detail === undefined || e.detail === f.detail)
    && (e.actions === undefined || sorted(e.actions) === sorted(f.location.actions));
}

const aboveLow = (f: ParliamentFinding) => SEVERITIES.indexOf(f.severity) > SEVERITIES.indexOf('LOW');

function defaults(): Stack {
  const stack = newStack();
  new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack) });
  return stack;
}

/** Every prop set; its KMS key is in the stack (the key policy gets the EMR Serverless statement). */
function everyPropAndGrantRead(): Stack {
  const stack = newStack();
  const mirror = new DynamoIcebergMirror(stack, 'OrdersMirror', { table: ordersTable(stack), ...everyProp(stack) });
  mirror.grantRead(new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() }));
  return stack;
}

/** Table, bucket, database and key imported: the policies name them by their ARNs. */
function imported(): Stack {
  const stack = newStack();
  new DynamoIcebergMirror(stack, 'OrdersMirror', {
    table: dynamodb.Table.fromTableName(stack, 'Legacy', 'legacy'),
    partitionKeyName: 'pk',
    sortKeyName: 'sk',
    bucket: s3.Bucket.fromBucketName(stack, 'Lake', 'my-lake'),
    database: glue.Database.fromDatabaseArn(stack, 'Db', 'arn:aws:glue:eu-north-1:123456789012:database/analytics'),
    encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-north-1:123456789012:key/0b7e4b7e-2c1d-4f53-9d0e-5c8d1a2b3c4d'),
  });
  return stack;
}

function policiesOfStacks(): NamedPolicy[] {
  const stacks: Record<string, () => Stack> = { 'defaults': defaults, 'every-prop': everyPropAndGrantRead, 'imported': imported };
  return Object.entries(stacks).flatMap(([label, make]) => policiesOf(label, Template.fromStack(make()).toJSON() as any));
}

function describeFinding(f: ParliamentFinding): string {
  return `${f.severity} ${f.issue} in ${f.policy}: ${f.detail} at ${JSON.stringify(f.location)}`;
}

describe('parliament on every synthesized policy', () => {
  const policies = policiesOfStacks();
  const { version, findings } = runParliament(policies);

  test('the policies are read: identity and resource policies of each stack', () => {
    expect(version).toBe('1.6.4');
    const names = policies.map((p) => p.name);
    for (const label of ['defaults', 'every-prop', 'imported']) {
      expect(names).toEqual(expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${label}/\\w*JobRoleDefaultPolicy`)),
        expect.stringMatching(new RegExp(`^${label}/\\w*StateMachineRoleDefaultPolicy`)),
        expect.stringMatching(new RegExp(`^${label}/\\w*PlanFunctionServiceRoleDefaultPolicy`)),
      ]));
    }
    expect(names).toEqual(expect.arrayContaining([
      expect.stringMatching(/^every-prop\/Key\w+$/),
      expect.stringMatching(/^every-prop\/\w*BucketPolicy\w+$/),
      expect.stringMatching(/^every-prop\/Analyst\w*Policy\w+$/),
    ]));
    expect(JSON.stringify(policies)).not.toMatch(/"(Ref|Fn::\w+)"/);
  });

  test('no finding above LOW, but for the accepted ones', () => {
    const severe = findings.filter((f) => aboveLow(f) && !ACCEPTED_ABOVE_LOW.some((e) => explains(e, f)));
    expect(severe.map(describeFinding)).toEqual([]);
  });

  test('each LOW or INFO finding is explained', () => {
    const minor = findings.filter((f) => !aboveLow(f) && f.severity !== 'MUTE');
    const unexplained = minor.filter((f) => !ALLOWED.some((e) => explains(e, f)));
    expect(unexplained.map(describeFinding)).toEqual([]);
  });

  test('each explanation still matches a finding', () => {
    const stale = [...ACCEPTED_ABOVE_LOW, ...ALLOWED].filter((e) => !findings.some((f) => explains(e, f)));
    expect(stale.map((e) => `${e.issue} ${e.policy} ${e.detail ?? e.actions}`)).toEqual([]);
  });
});
