import * as path from 'path';
import { Annotations, Aws, Stack, Token } from 'aws-cdk-lib';
import * as emrs from 'aws-cdk-lib/aws-emrserverless';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { ApplicationCapacity } from './capacity';
import { combineGrants, grantWithSid } from '../private/grant-with-sid';
import { JOB_CATALOGS, JOB_COMMANDS, JOB_OPTIONS, keyArgument } from '../private/job-contract';
import { KeyAttribute } from '../source-table';
import { MirrorStorage } from '../storage/mirror-storage';

/** The Spark job's files inside this package. */
export const SPARK_ASSET_DIR = path.join(__dirname, '..', '..', 'assets', 'spark');

/** The job's JVM reader (assets/spark/engine/src), built by the `spark:engine` task. */
export const ENGINE_JAR = path.join(SPARK_ASSET_DIR, 'engine', 'mirror-engine.jar');

/** EMR Serverless's own Iceberg runtime. */
const ICEBERG_JAR = '/usr/share/aws/iceberg/lib/iceberg-spark3-runtime.jar';

/** Static Spark settings that enable Iceberg on EMR Serverless. */
export const SPARK_CONF: ReadonlyArray<[string, string]> = [
  ['spark.sql.extensions', 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions'],
];

/** Settings of the Spark engine. */
export interface SparkEngineProps {
  readonly storage: MirrorStorage;
  readonly releaseLabel: string;
  /** Maximum capacity of the application, checked and rendered by `applicationCapacity`. */
  readonly capacity: ApplicationCapacity;
  /** Key attributes, partition key first, with their types when known. */
  readonly keyAttributes: KeyAttribute[];
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
  public readonly engineJar: s3assets.Asset;
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
      maximumCapacity: props.capacity,
    });

    this.entryPoint = new s3assets.Asset(this, 'EntryPoint', {
      path: path.join(SPARK_ASSET_DIR, 'entry.py'),
    });
    // The zip root holds mirror_job/ (and entry.py, harmless): `--py-files` puts it on the path.
    this.pythonFiles = new s3assets.Asset(this, 'PythonFiles', {
      path: SPARK_ASSET_DIR,
      exclude: [
        '__pycache__', '**/__pycache__', '*.pyc', '**/*.pyc', '.pytest_cache', '.ruff_cache', '.mypy_cache', 'engine',
      ],
    });
    this.engineJar = new s3assets.Asset(this, 'EngineJar', { path: ENGINE_JAR });

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
      resources: [this.entryPoint, this.pythonFiles, this.engineJar].map((asset) =>
        `arn:${Aws.PARTITION}:s3:::${asset.s3BucketName}/${asset.s3ObjectKey}`),
    }));
    storage.grantJobAccess(this.jobRole);
    if (storage.encryptionKey) {
      this.letServiceEncryptJobLogs(storage.encryptionKey);
    }
  }

  /**
   * EMR Serverless itself writes the job logs with `EncryptionKeyArn`: its service principal needs the
   * key, for this application only (EMR Serverless guide, "Encrypting logs"). A key policy can only be
   * changed here when the key is defined in this stack; otherwise the warning says what to add.
   */
  private letServiceEncryptJobLogs(key: kms.IKey): void {
    const conditions = {
      StringLike: { 'aws:SourceArn': this.application.attrArn },
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    };
    const statement = new iam.PolicyStatement({
      sid: 'EmrServerlessJobLogs',
      principals: [new iam.ServicePrincipal('emr-serverless.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions,
    });
    // A key of another stack would reference this stack's application: a cycle between the stacks.
    const sameStack = Stack.of(key) === Stack.of(this);
    if (sameStack && key.addToResourcePolicy(statement).statementAdded) {
      return;
    }
    const stack = Stack.of(this);
    const literal = (value: string, placeholder: string) => (Token.isUnresolved(value) ? placeholder : value);
    const account = literal(stack.account, '<account>');
    const applicationArn = `arn:${literal(stack.partition, 'aws')}:emr-serverless:${literal(stack.region, '<region>')}:${account}:/applications/<application id>`;
    const documented = {
      Effect: 'Allow',
      Principal: { Service: 'emr-serverless.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
      Condition: { StringLike: { 'aws:SourceArn': applicationArn }, StringEquals: { 'aws:SourceAccount': account } },
    };
    Annotations.of(this).addWarningV2('dynamo-iceberg-mirror:encryptionKey',
      `encryptionKey ${key.node.path} is imported or defined in another stack, so the mirror cannot change its key policy. EMR Serverless encrypts the job logs with this key: add this statement to the key policy, with the id of the mirror's application (application.attrApplicationId), or EMR Serverless cannot write the job logs: ${JSON.stringify(documented)}`);
  }

  /** ARN of the application's job runs. */
  public get jobRunsArn(): string {
    return `${this.application.attrArn}/jobruns/*`;
  }

  /**
   * Starting job runs of the application with the job role, and watching and cancelling them: what
   * Step Functions' `emr-serverless:startJobRun.sync` integration documents, except its EventBridge
   * rule, which belongs to the caller. The job role may only be passed to EMR Serverless.
   */
  public grantStartJobRun(grantee: iam.IGrantable): iam.Grant {
    return combineGrants([
      grantWithSid('StartSparkJobRuns', {
        grantee,
        actions: ['emr-serverless:StartJobRun'],
        resourceArns: [this.application.attrArn],
      }),
      grantWithSid('WatchSparkJobRuns', {
        grantee,
        actions: ['emr-serverless:GetJobRun', 'emr-serverless:CancelJobRun'],
        resourceArns: [this.jobRunsArn],
      }),
      grantWithSid('PassJobRole', {
        grantee,
        actions: ['iam:PassRole'],
        resourceArns: [this.jobRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'emr-serverless.amazonaws.com' } },
      }),
    ]);
  }

  /** `sparkSubmitParameters` of every run. */
  public get sparkSubmitParameters(): string {
    return [
      `--py-files ${this.pythonFiles.s3ObjectUrl}`,
      `--conf spark.jars=${ICEBERG_JAR},${this.engineJar.s3ObjectUrl}`,
      ...SPARK_CONF.map(([key, value]) => `--conf ${key}=${value}`),
    ].join(' ');
  }

  /** The arguments every run shares: catalog, warehouse, table (names from the job's contract.json). */
  private tableArguments(): string[] {
    const { storage } = this.props;
    return [
      JOB_OPTIONS.catalog, JOB_CATALOGS.glue,
      JOB_OPTIONS.warehouse, storage.warehouseUri,
      JOB_OPTIONS.table, `${storage.databaseName}.${storage.tableName}`,
    ];
  }

  /** `apply ...` without the export folders, which the state machine appends; `--key` in its JSON form. */
  public applyArguments(): string[] {
    const columnTypes = Object.keys(this.props.columnTypes).length > 0
      ? [JOB_OPTIONS.columnTypes, JSON.stringify(this.props.columnTypes)]
      : [];
    const buckets = this.props.partitionBuckets > 0 ? [JOB_OPTIONS.partitionBuckets, `${this.props.partitionBuckets}`] : [];
    const key = [JOB_OPTIONS.key, keyArgument(this.props.keyAttributes)];
    return [JOB_COMMANDS.apply, ...this.tableArguments(), ...key, ...columnTypes, ...buckets];
  }

  /**
   * `verify ...` without `--report URI` and the export folder, which the state machine appends. A
   * difference exits 0 here: the state machine publishes the report's counts and the verification
   * alarm fires on them, while a failed job run keeps meaning a broken run.
   */
  public verifyArguments(): string[] {
    return [JOB_COMMANDS.verify, ...this.tableArguments(), JOB_OPTIONS.exitZeroWhenDifferent];
  }

  /** `maintain ...` */
  public maintainArguments(): string[] {
    return [JOB_COMMANDS.maintain, ...this.tableArguments()];
  }
}
