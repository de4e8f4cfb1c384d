import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MirrorStorage } from '../../src/storage/mirror-storage';
import { newStack } from '../helpers';

function storage(bucket?: boolean) {
  const stack = newStack();
  const store = new MirrorStorage(stack, 'Storage', {
    bucket: bucket ? s3.Bucket.fromBucketName(stack, 'Lake', 'my-lake') : undefined,
    exportPrefix: 'exports',
    warehousePrefix: 'warehouse',
    logPrefix: 'emr-logs',
    databaseName: 'sales',
    tableName: 'orders',
    exportRetention: Duration.days(7),
    removalPolicy: RemovalPolicy.RETAIN,
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
});
