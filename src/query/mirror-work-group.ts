import { Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { WORK_GROUP_QUERY_ACTIONS } from './work-group-query-actions';
import { combineGrants } from '../private/grant-with-sid';
import { MirrorStorage } from '../storage/mirror-storage';

/** Settings of the mirror's Athena workgroup. */
export interface MirrorWorkGroupProps {
  /** The mirror's storage, with its query results prefix. */
  readonly storage: MirrorStorage;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * An Athena workgroup for querying the mirror: results in the mirror's bucket under their own prefix,
 * encrypted like the bucket, and enforced so that no client setting writes them elsewhere or in clear.
 */
export class MirrorWorkGroup extends Construct {
  public readonly workGroup: athena.CfnWorkGroup;
  private readonly storage: MirrorStorage;

  constructor(scope: Construct, id: string, props: MirrorWorkGroupProps) {
    super(scope, id);
    const { storage } = props;
    this.storage = storage;

    const encryption: athena.CfnWorkGroup.EncryptionConfigurationProperty = storage.encryptionKey
      ? { encryptionOption: 'SSE_KMS', kmsKey: storage.encryptionKey.keyArn }
      : { encryptionOption: 'SSE_S3' };
    this.workGroup = new athena.CfnWorkGroup(this, 'Resource', {
      name: Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      description: `Queries of the Iceberg mirror ${storage.databaseName}.${storage.tableName} (dynamo-iceberg-mirror)`,
      // Saved queries would otherwise block the deletion of the workgroup.
      recursiveDeleteOption: props.removalPolicy === RemovalPolicy.DESTROY ? true : undefined,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'AUTO' },
        resultConfiguration: {
          outputLocation: storage.queryResultsUri,
          encryptionConfiguration: encryption,
        },
      },
    });
    this.workGroup.applyRemovalPolicy(props.removalPolicy);
  }

  /** ARN of the workgroup. */
  public get workGroupArn(): string {
    return Stack.of(this).formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroup.name });
  }

  /**
   * Running queries in the workgroup, and reading and writing their results (`MirrorStorage.grantQueryResults`);
   * reading the table itself is `MirrorStorage.grantReadTable`'s. One combined grant of every statement added.
   */
  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    return combineGrants([
      iam.Grant.addToPrincipal({ grantee, actions: WORK_GROUP_QUERY_ACTIONS, resourceArns: [this.workGroupArn] }),
      this.storage.grantQueryResults(grantee),
    ]);
  }
}
