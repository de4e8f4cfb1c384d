import * as path from 'path';
import { Aws, Size } from 'aws-cdk-lib';
import * as emrs from 'aws-cdk-lib/aws-emrserverless';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { MirrorStorage } from '../storage/mirror-storage';

/** The Spark job's files inside this package. */
export const SPARK_ASSET_DIR = path.join(__dirname, '..', '..', 'assets', 'spark');

/** Static Spark settings that enable Iceberg on EMR Serverless. */
export const SPARK_CONF: ReadonlyArray<[string, string]> = [
  ['spark.jars', '/usr/share/aws/iceberg/lib/iceberg-spark3-runtime.jar'],
  ['spark.sql.extensions', 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions'],
];

/** Settings of the Spark engine. */
export interface SparkEngineProps {
  readonly storage: MirrorStorage;
  readonly releaseLabel: string;
  readonly maxVcpu: number;
  readonly maxMemory: Size;
  /** Key attribute names, partition key first. */
  readonly keyAttributes: string[];
  /** Attribute name to Iceberg type name. */
  readonly columnTypes: Record<string, string>;
  /** Buckets of the partition key for a new table; 0 for none. */
  readonly partitionBuckets: number;
}

/**
 * The EMR Serverless application, the job execution role, the Spark job shipped as S3 assets,
 * and the job-run arguments of the Spark job's contract.
 */
export class SparkEngine extends Construct {
  public readonly application: emrs.CfnApplication;
  public readonly jobRole: iam.Role;
  public readonly entryPoint: s3assets.Asset;
  public readonly pythonFiles: s3assets.Asset;
  private readonly props: SparkEngineProps;

  constructor(scope: Construct, id: string, props: SparkEngineProps) {
    super(scope, id);
    this.props = props;
    const { storage } = props;

    this.application = new emrs.CfnApplication(this, 'Application', {
      type: 'SPARK',
      releaseLabel: props.releaseLabel,
      autoStartConfiguration: { enabled: true },
      autoStopConfiguration: { enabled: true, idleTimeoutMinutes: 15 },
      maximumCapacity: {
        cpu: `${props.maxVcpu} vCPU`,
        memory: `${props.maxMemory.toGibibytes()} GB`,
      },
    });

    this.entryPoint = new s3assets.Asset(this, 'EntryPoint', {
      path: path.join(SPARK_ASSET_DIR, 'entry.py'),
    });
    // The zip root holds mirror_job/ (and entry.py, harmless): `--py-files` puts it on the path.
    this.pythonFiles = new s3assets.Asset(this, 'PythonFiles', {
      path: SPARK_ASSET_DIR,
      exclude: ['__pycache__', '**/__pycache__', '*.pyc', '**/*.pyc', '.pytest_cache', '.ruff_cache'],
    });

    this.jobRole = new iam.Role(this, 'JobRole', {
      description: 'Runs the dynamo-iceberg-mirror Spark job on EMR Serverless',
      assumedBy: new iam.ServicePrincipal('emr-serverless.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': this.application.attrArn },
        },
      }),
    });
    this.jobRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadSparkJob',
      actions: ['s3:GetObject'],
      resources: [this.entryPoint, this.pythonFiles].map((asset) =>
        `arn:${Aws.PARTITION}:s3:::${asset.s3BucketName}/${asset.s3ObjectKey}`),
    }));
    this.jobRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadExports',
      actions: ['s3:GetObject'],
      resources: [storage.objectsArn(storage.exportPrefix)],
    }));
    this.jobRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ReadWriteWarehouse',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      resources: [storage.objectsArn(storage.warehousePrefix)],
    }));
    this.jobRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'WriteJobLogs',
      actions: ['s3:PutObject'],
      resources: [storage.objectsArn(storage.logPrefix)],
    }));
    this.jobRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'ListMirrorPrefixes',
      actions: ['s3:ListBucket', 's3:GetBucketLocation'],
      resources: [storage.bucket.bucketArn],
      conditions: {
        StringLike: {
          's3:prefix': [
            storage.exportPrefix, `${storage.exportPrefix}/*`,
            storage.warehousePrefix, `${storage.warehousePrefix}/*`,
          ],
        },
      },
    }));
    this.jobRole.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'IcebergGlueCatalog',
      actions: [
        'glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:CreateTable', 'glue:UpdateTable',
        'glue:DeleteTable', 'glue:GetPartitions',
      ],
      resources: storage.glueArns({ includeWorkTables: true }),
    }));
    storage.encryptionKey?.grantEncryptDecrypt(this.jobRole);
  }

  /** ARN of the application's job runs. */
  public get jobRunsArn(): string {
    return `${this.application.attrArn}/jobruns/*`;
  }

  /** `sparkSubmitParameters` of every run. */
  public get sparkSubmitParameters(): string {
    return [
      `--py-files ${this.pythonFiles.s3ObjectUrl}`,
      ...SPARK_CONF.map(([key, value]) => `--conf ${key}=${value}`),
    ].join(' ');
  }

  /** The arguments every run shares: catalog, warehouse, table. */
  private tableArguments(): string[] {
    const { storage } = this.props;
    return [
      '--catalog', 'glue',
      '--warehouse', storage.warehouseUri,
      '--table', `${storage.databaseName}.${storage.tableName}`,
    ];
  }

  /** `apply ...` without the export folders, which the state machine appends. */
  public applyArguments(): string[] {
    const columnTypes = Object.keys(this.props.columnTypes).length > 0
      ? ['--column-types', JSON.stringify(this.props.columnTypes)]
      : [];
    const buckets = this.props.partitionBuckets > 0 ? ['--partition-buckets', `${this.props.partitionBuckets}`] : [];
    return ['apply', ...this.tableArguments(), '--key', this.props.keyAttributes.join(','), ...columnTypes, ...buckets];
  }

  /** `maintain ...` */
  public maintainArguments(): string[] {
    return ['maintain', ...this.tableArguments()];
  }
}
