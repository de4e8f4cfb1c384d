import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { narrowAutoDeletePermissions } from '../../src/storage/auto-delete-permissions';
import { MirrorStorage } from '../../src/storage/mirror-storage';
import { newStack } from '../helpers';

function storage(bucket?: boolean, options: { removalPolicy?: RemovalPolicy; key?: boolean; queryResultsPrefix?: string } = {}) {
  const stack = newStack();
  const store = new MirrorStorage(stack, 'Storage', {
    bucket: bucket ? s3.Bucket.fromBucketName(stack, 'Lake', 'my-lake') : undefined,
    exportPrefix: 'exports',
    warehousePrefix: 'warehouse',
    logPrefix: 'emr-logs',
    queryResultsPrefix: options.queryResultsPrefix,
    databaseName: 'sales',
    tableName: 'orders',
    exportRetention: Duration.days(7),
    removalPolicy: options.removalPolicy ?? RemovalPolicy.RETAIN,
    encryptionKey: options.key ? new kms.Key(stack, 'Key') : undefined,
  });
  return { stack, store };
}

describe('MirrorStorage', () => {
  test('GIVEN an existing bucket THEN URIs and ARNs use its name and prefixes', () => {
    const { stack, store } = storage(true);
    expect(store.warehouseUri).toBe('s3://my-lake/warehouse');
    expect(store.logUri).toBe('s3://my-lake/emr-logs/');
    expect(stack.resolve(store.objectsArn('exports'))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::my-lake/exports/*']],
    });
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 0);
  });

  test('Glue ARNs cover the catalog, the database and the table, and the work tables only when asked', () => {
    const { stack, store } = storage();
    const render = (arns: string[]) => arns.map((a) => JSON.stringify(stack.resolve(a)));
    const narrow = render(store.glueArns({ includeWorkTables: false }));
    const wide = render(store.glueArns({ includeWorkTables: true }));
    expect(narrow).toHaveLength(3);
    expect(narrow[0]).toContain(':glue:eu-north-1:123456789012:catalog');
    expect(narrow[1]).toContain(':glue:eu-north-1:123456789012:database/sales');
    expect(narrow[2]).toContain(':glue:eu-north-1:123456789012:table/sales/orders"');
    expect(wide).toEqual([...narrow, expect.stringContaining('table/sales/orders_*')]);
  });

  test('the created bucket enforces bucket-owner object ownership', () => {
    const { stack } = storage();
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test('GIVEN DESTROY THEN the created bucket is emptied before it is deleted', () => {
    const { stack } = storage(false, { removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
  });

  test('GIVEN DESTROY THEN the emptying function may tag-check, list versions and delete objects, not rewrite the bucket policy', () => {
    const { stack } = storage(false, { removalPolicy: RemovalPolicy.DESTROY });
    const statements: any[] = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement;
    const emptying = statements.filter((s) => JSON.stringify(s.Principal).includes('CustomS3AutoDeleteObjects'));
    expect(emptying.map((s) => s.Action)).toEqual([['s3:GetBucketTagging', 's3:ListBucketVersions', 's3:DeleteObject', 's3:DeleteObjectVersion']]);
  });

  test('GIVEN a bucket policy without CDK\'s auto-delete statement THEN narrowing it fails synth', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Plain', { enforceSSL: true });
    narrowAutoDeletePermissions(bucket);
    expect(() => Template.fromStack(stack)).toThrow(/expected one auto-delete statement/);
  });

  test('GIVEN RETAIN, or a bucket of the user, THEN no object is ever deleted for the stack', () => {
    for (const { stack } of [storage(false), storage(true, { removalPolicy: RemovalPolicy.DESTROY })]) {
      Template.fromStack(stack).resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    }
  });

  test('grantReadTable returns every statement it adds, GetBucketLocation outside the prefix condition', () => {
    const { stack, store } = storage(false, { key: true });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = store.grantReadTable(reader);
    expect(grant.success).toBe(true);
    const statements = grant.principalStatements.map((s) => stack.resolve(s.toStatementJson()));
    expect(statements.flatMap((s) => [s.Action].flat()).sort()).toEqual([
      'glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables',
      'kms:Decrypt', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket',
    ]);
    const location = statements.find((s) => s.Action === 's3:GetBucketLocation');
    expect(location.Condition).toBeUndefined();
    expect(statements.find((s) => s.Action === 's3:ListBucket').Condition).toEqual({
      StringLike: { 's3:prefix': ['warehouse/*', 'warehouse'] },
    });
  });
});

describe('MirrorStorage grants to the mirror\'s own parts', () => {
  const objects = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^StorageBucket/), 'Arn'] }, `/${prefix}/*`]] });

  test('grantExportWrites: object writes under the export prefix only, as one named statement', () => {
    const { stack, store } = storage();
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = store.grantExportWrites(caller);
    expect(grant.principalStatements.map((s) => stack.resolve(s.toStatementJson()))).toEqual([{
      Sid: 'WriteExports',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:PutObjectAcl'],
      Resource: objects('exports'),
    }]);
  });

  test('grantReadTableMetadata: the Glue entry of the table (not its work tables) and the warehouse objects', () => {
    const { stack, store } = storage();
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    const statements = store.grantReadTableMetadata(reader).principalStatements.map((s) => stack.resolve(s.toStatementJson()));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'glue:GetTable', Resource: stack.resolve(store.glueArns({ includeWorkTables: false })) },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: objects('warehouse') },
    ]);
  });

  test('grantJobAccess: one named statement per need, combined into one grant with the key\'s', () => {
    for (const key of [false, true]) {
      const { stack, store } = storage(false, { key });
      const job = new iam.Role(stack, 'Job', { assumedBy: new iam.AccountRootPrincipal() });
      const grant = store.grantJobAccess(job);
      expect(grant.success).toBe(true);
      const statements = grant.principalStatements.map((s) => stack.resolve(s.toStatementJson()));
      // The key's statement has no Sid: it is named by its actions.
      expect(statements.map((s) => s.Sid ?? [s.Action].flat().join(' '))).toEqual([
        'ReadExports', 'ReadWriteWarehouse', 'WriteJobLogs', 'CheckVerificationReports', 'LocateMirrorBucket',
        'ListMirrorPrefixes', 'IcebergGlueCatalog', ...(key ? ['kms:Decrypt kms:Encrypt kms:ReEncrypt* kms:GenerateDataKey*'] : []),
      ]);
      expect(statements.find((s) => s.Sid === 'ListMirrorPrefixes').Condition).toEqual({
        StringLike: { 's3:prefix': ['exports', 'exports/*', 'warehouse', 'warehouse/*', 'emr-logs/verification', 'emr-logs/verification/*'] },
      });
      expect(statements.find((s) => s.Sid === 'IcebergGlueCatalog').Resource).toEqual(stack.resolve(store.glueArns({ includeWorkTables: true })));
    }
  });

  test('the key grants: the key\'s own with a key, none without', () => {
    for (const key of [false, true]) {
      const { stack, store } = storage(false, { key });
      const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
      const actions = [store.grantDecrypt(user), store.grantEncryptDecrypt(user)]
        .map((grant) => grant.principalStatements.flatMap((s) => s.actions));
      expect(actions).toEqual(key
        ? [['kms:Decrypt'], ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']]
        : [[], []]);
    }
  });
});

describe('MirrorStorage grants on Athena\'s query results', () => {
  test('grantQueryResults: objects and listing under the results prefix only, GenerateDataKey with a key', () => {
    for (const key of [false, true]) {
      const { stack, store } = storage(false, { key, queryResultsPrefix: 'athena-results' });
      expect(stack.resolve(store.queryResultsUri)).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^StorageBucket/) }, '/athena-results/']] });
      const analyst = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
      const statements = store.grantQueryResults(analyst).principalStatements.map((s) => stack.resolve(s.toStatementJson()));
      const bucketArn = { 'Fn::GetAtt': [expect.stringMatching(/^StorageBucket/), 'Arn'] };
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          Resource: { 'Fn::Join': ['', [bucketArn, '/athena-results/*']] },
        },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: bucketArn,
          Condition: { StringLike: { 's3:prefix': ['athena-results/*', 'athena-results'] } },
        },
        ...(key ? [{ Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } }] : []),
      ]);
    }
  });

  test('GIVEN no query results prefix THEN asking for the results is a synth error that names the storage', () => {
    const { stack, store } = storage();
    const analyst = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    const error = 'TestStack/Storage: the mirror storage has no query results prefix (no Athena workgroup)';
    expect(() => store.grantQueryResults(analyst)).toThrow(error);
    expect(() => store.queryResultsUri).toThrow(error);
  });
});
