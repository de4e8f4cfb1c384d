import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { narrowAutoDeletePermissions } from './auto-delete-permissions';
import {
  EXPORT_READ_ACTIONS, EXPORT_WRITE_ACTIONS, ICEBERG_CATALOG_ACTIONS, JOB_LOG_WRITE_ACTIONS, JOB_PREFIX_LIST_ACTIONS,
  TABLE_METADATA_READ_ACTIONS, VERIFICATION_REPORT_CHECK_ACTIONS, WAREHOUSE_METADATA_READ_ACTIONS, WAREHOUSE_READ_WRITE_ACTIONS,
} from './mirror-access-actions';
import { QUERY_RESULTS_KEY_ACTIONS, QUERY_RESULTS_LIST_ACTIONS, QUERY_RESULTS_OBJECT_ACTIONS } from './query-results-actions';
import { BUCKET_LOCATION_ACTIONS, CATALOG_READ_ACTIONS, WAREHOUSE_LIST_ACTIONS, WAREHOUSE_OBJECT_READ_ACTIONS } from './table-read-actions';
import { combineGrants, grantWithSid } from '../private/grant-with-sid';

/** How long Athena keeps a query in the workgroup's history. */
const QUERY_RESULTS_RETENTION = Duration.days(45);

/** Settings of the storage part of the mirror. */
export interface MirrorStorageProps {
  readonly bucket?: s3.IBucket;
  readonly exportPrefix: string;
  readonly warehousePrefix: string;
  readonly logPrefix: string;
  /** Key prefix of Athena query results, when the mirror has a workgroup. */
  readonly queryResultsPrefix?: string;
  readonly database?: glue.IDatabase;
  readonly databaseName: string;
  readonly tableName: string;
  readonly encryptionKey?: kms.IKey;
  readonly exportRetention: Duration;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The bucket (exports, warehouse, job logs), the Glue database, and the IAM statements that scope
 * access to them. The Iceberg table itself is created by the Spark job through Spark's Glue catalog.
 */
export class MirrorStorage extends Construct {
  public readonly bucket: s3.IBucket;
  public readonly database: glue.IDatabase;
  public readonly databaseName: string;
  public readonly tableName: string;
  public readonly exportPrefix: string;
  public readonly warehousePrefix: string;
  public readonly logPrefix: string;
  /** Key prefix of Athena query results; undefined when the mirror has no workgroup. */
  public readonly queryResultsPrefix?: string;
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: MirrorStorageProps) {
    super(scope, id);
    this.exportPrefix = props.exportPrefix;
    this.warehousePrefix = props.warehousePrefix;
    this.logPrefix = props.logPrefix;
    this.queryResultsPrefix = props.queryResultsPrefix;
    this.encryptionKey = props.encryptionKey;
    this.tableName = props.tableName;

    if (props.bucket) {
      this.bucket = props.bucket;
    } else {
      const bucket = new s3.Bucket(this, 'Bucket', {
        encryption: props.encryptionKey ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
        encryptionKey: props.encryptionKey,
        bucketKeyEnabled: props.encryptionKey ? true : undefined,
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removalPolicy: props.removalPolicy,
        // CloudFormation cannot delete a bucket that holds objects, and this one always holds exports.
        autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY ? true : undefined,
        lifecycleRules: [
          {
            id: 'ExpireAppliedExports',
            prefix: `${props.exportPrefix}/`,
            expiration: props.exportRetention,
            abortIncompleteMultipartUploadAfter: Duration.days(1),
          },
          {
            id: 'ExpireJobLogs',
            prefix: `${props.logPrefix}/`,
            expiration: Duration.days(30),
          },
          {
            id: 'AbortIncompleteUploads',
            abortIncompleteMultipartUploadAfter: Duration.days(7),
          },
          // As long as Athena's query history lists the query, so that its results can be downloaded.
          ...(props.queryResultsPrefix ? [{
            id: 'ExpireQueryResults',
            prefix: `${props.queryResultsPrefix}/`,
            expiration: QUERY_RESULTS_RETENTION,
          }] : []),
        ],
      });
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason: 'Only the mirror\'s own roles write this bucket (exports, Iceberg files, job logs); object-level auditing belongs to CloudTrail data events, which the account owner enables, not to a second log bucket per mirror.',
      });
      if (props.removalPolicy === RemovalPolicy.DESTROY) {
        narrowAutoDeletePermissions(bucket);
      }
      this.bucket = bucket;
    }

    if (props.database) {
      this.database = props.database;
    } else {
      const database = new glue.Database(this, 'Database', {
        databaseName: props.databaseName,
        description: 'Apache Iceberg tables mirrored from DynamoDB by dynamo-iceberg-mirror',
      });
      (database.node.defaultChild as glue.CfnDatabase).applyRemovalPolicy(props.removalPolicy);
      this.database = database;
    }
    // The literal name where it is known: readable templates and job arguments.
    this.databaseName = props.database ? props.database.databaseName : props.databaseName;
  }

  /** `s3://bucket/warehouse` */
  public get warehouseUri(): string {
    return `s3://${this.bucket.bucketName}/${this.warehousePrefix}`;
  }

  /** `s3://bucket/logs/` */
  /** Key prefix of the verification reports: under the job logs, so they expire with them. */
  public get verificationPrefix(): string {
    return `${this.logPrefix}/verification`;
  }

  public get logUri(): string {
    return `s3://${this.bucket.bucketName}/${this.logPrefix}/`;
  }

  /** `s3://bucket/athena-results/`: where the Athena workgroup writes query results. */
  public get queryResultsUri(): string {
    return `s3://${this.bucket.bucketName}/${this.requireQueryResultsPrefix()}/`;
  }

  /** ARN of the objects under a prefix. */
  public objectsArn(prefix: string): string {
    return this.bucket.arnForObjects(`${prefix}/*`);
  }

  /** Glue ARNs of the catalog, the database and the mirrored table (plus its `<table>_*` work tables). */
  public glueArns(options: { readonly includeWorkTables: boolean }): string[] {
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'glue', resource, resourceName });
    return [
      stack.formatArn({ service: 'glue', resource: 'catalog' }),
      arn('database', this.databaseName),
      arn('table', `${this.databaseName}/${this.tableName}`),
      ...(options.includeWorkTables ? [arn('table', `${this.databaseName}/${this.tableName}_*`)] : []),
    ];
  }

  /**
   * Read access to the Iceberg table: objects under the warehouse prefix, Glue metadata, the key.
   * One combined grant of every statement added, so that callers can depend on all of them.
   */
  public grantReadTable(grantee: iam.IGrantable): iam.Grant {
    const grants = [
      iam.Grant.addToPrincipal({
        grantee,
        actions: WAREHOUSE_OBJECT_READ_ACTIONS,
        resourceArns: [this.objectsArn(this.warehousePrefix)],
      }),
      // s3:prefix exists on list requests only: GetBucketLocation under that condition is never allowed.
      iam.Grant.addToPrincipal({
        grantee,
        actions: BUCKET_LOCATION_ACTIONS,
        resourceArns: [this.bucket.bucketArn],
      }),
      iam.Grant.addToPrincipal({
        grantee,
        actions: WAREHOUSE_LIST_ACTIONS,
        resourceArns: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${this.warehousePrefix}/*`, this.warehousePrefix] } },
      }),
      iam.Grant.addToPrincipal({
        grantee,
        actions: CATALOG_READ_ACTIONS,
        resourceArns: this.glueArns({ includeWorkTables: false }),
      }),
      ...(this.encryptionKey ? [this.encryptionKey.grantDecrypt(grantee)] : []),
    ];
    return grants.reduce((all, grant) => all.combine(grant));
  }

  /**
   * What the caller of ExportTableToPointInTime needs in the bucket: DynamoDB writes the export's
   * objects with the caller's permissions, under the export prefix only. The key is
   * `grantEncryptDecrypt`'s, granted once for everything the caller writes and reads.
   */
  public grantExportWrites(grantee: iam.IGrantable): iam.Grant {
    return grantWithSid('WriteExports', {
      grantee,
      actions: EXPORT_WRITE_ACTIONS,
      resourceArns: [this.objectsArn(this.exportPrefix)],
    });
  }

  /**
   * Reading where the Iceberg table stands: its Glue entry (which names the current metadata file) and
   * the metadata files under the warehouse prefix. The key is `grantDecrypt`'s.
   */
  public grantReadTableMetadata(grantee: iam.IGrantable): iam.Grant {
    return combineGrants([
      iam.Grant.addToPrincipal({
        grantee,
        actions: TABLE_METADATA_READ_ACTIONS,
        resourceArns: this.glueArns({ includeWorkTables: false }),
      }),
      iam.Grant.addToPrincipal({
        grantee,
        actions: WAREHOUSE_METADATA_READ_ACTIONS,
        resourceArns: [this.objectsArn(this.warehousePrefix)],
      }),
    ]);
  }

  /**
   * What the Spark job's role needs of the storage: read the exports, read and write the warehouse,
   * write the job logs, check for verification reports, list those prefixes, manage the table (and its
   * `<table>_*` work tables) in the Glue catalog, and encrypt and decrypt with the key. One named
   * statement each, combined into one grant.
   */
  public grantJobAccess(grantee: iam.IGrantable): iam.Grant {
    return combineGrants([
      grantWithSid('ReadExports', {
        grantee,
        actions: EXPORT_READ_ACTIONS,
        resourceArns: [this.objectsArn(this.exportPrefix)],
      }),
      grantWithSid('ReadWriteWarehouse', {
        grantee,
        actions: WAREHOUSE_READ_WRITE_ACTIONS,
        resourceArns: [this.objectsArn(this.warehousePrefix)],
      }),
      grantWithSid('WriteJobLogs', {
        grantee,
        actions: JOB_LOG_WRITE_ACTIONS,
        resourceArns: [this.objectsArn(this.logPrefix)],
      }),
      // The reports' prefix only, under the job logs, which the job may already write.
      grantWithSid('CheckVerificationReports', {
        grantee,
        actions: VERIFICATION_REPORT_CHECK_ACTIONS,
        resourceArns: [this.objectsArn(this.verificationPrefix)],
      }),
      // s3:prefix exists on list requests only: a bucket-level action under that condition is never allowed.
      grantWithSid('LocateMirrorBucket', {
        grantee,
        actions: BUCKET_LOCATION_ACTIONS,
        resourceArns: [this.bucket.bucketArn],
      }),
      grantWithSid('ListMirrorPrefixes', {
        grantee,
        actions: JOB_PREFIX_LIST_ACTIONS,
        resourceArns: [this.bucket.bucketArn],
        conditions: {
          StringLike: {
            's3:prefix': [this.exportPrefix, this.warehousePrefix, this.verificationPrefix]
              .flatMap((prefix) => [prefix, `${prefix}/*`]),
          },
        },
      }),
      grantWithSid('IcebergGlueCatalog', {
        grantee,
        actions: ICEBERG_CATALOG_ACTIONS,
        resourceArns: this.glueArns({ includeWorkTables: true }),
      }),
      this.grantEncryptDecrypt(grantee),
    ]);
  }

  /**
   * Reading and writing Athena's query results under their prefix, and encrypting them with the key
   * (decrypting is `grantReadTable`'s). One combined grant of every statement added.
   */
  public grantQueryResults(grantee: iam.IGrantable): iam.Grant {
    const prefix = this.requireQueryResultsPrefix();
    return combineGrants([
      iam.Grant.addToPrincipal({
        grantee,
        actions: QUERY_RESULTS_OBJECT_ACTIONS,
        resourceArns: [this.objectsArn(prefix)],
      }),
      iam.Grant.addToPrincipal({
        grantee,
        actions: QUERY_RESULTS_LIST_ACTIONS,
        resourceArns: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}/*`, prefix] } },
      }),
      ...(this.encryptionKey ? [this.encryptionKey.grant(grantee, ...QUERY_RESULTS_KEY_ACTIONS)] : []),
    ]);
  }

  /** Decrypting with the mirror's key; nothing without one. */
  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.encryptionKey?.grantDecrypt(grantee) ?? iam.Grant.drop(grantee, 'the mirror has no KMS key');
  }

  /** Encrypting and decrypting with the mirror's key; nothing without one. */
  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.encryptionKey?.grantEncryptDecrypt(grantee) ?? iam.Grant.drop(grantee, 'the mirror has no KMS key');
  }

  /** The query results prefix, which only a mirror with a workgroup has. */
  private requireQueryResultsPrefix(): string {
    if (this.queryResultsPrefix === undefined) {
      throw new Error(`${this.node.path}: the mirror storage has no query results prefix (no Athena workgroup)`);
    }
    return this.queryResultsPrefix;
  }
}
