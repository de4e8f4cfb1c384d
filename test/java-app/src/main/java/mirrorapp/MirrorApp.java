package mirrorapp;

import io.github.dynamoicebergmirror.ColumnType;
import io.github.dynamoicebergmirror.DynamoIcebergMirror;
import io.github.dynamoicebergmirror.ExportViewType;
import io.github.dynamoicebergmirror.RebootstrapPolicy;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpressionOptions;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awscdk.services.events.OnEventOptions;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.glue.Database;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.scheduler.CronOptionsWithTimezone;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.sns.Topic;

/**
 * A Java CDK app that uses every public type and prop of dynamo-iceberg-mirror: it does not compile
 * when one cannot be used from Java. test/cross-language.test.ts checks that every prop of the .jsii
 * manifest appears here.
 */
public final class MirrorApp {
    private MirrorApp() {
    }

    /** Every optional prop that goes with a table of this app and a bucket the construct creates. */
    static DynamoIcebergMirror ordersMirror(final Stack stack) {
        TableV2 table = TableV2.Builder.create(stack, "Orders")
                .partitionKey(Attribute.builder().name("customerId").type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name("orderId").type(AttributeType.NUMBER).build())
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .build();
        DynamoIcebergMirror mirror = DynamoIcebergMirror.Builder.create(stack, "OrdersMirror")
                .table(table)
                .partitionKeyName("customerId")
                .sortKeyName("orderId")
                .exportPrefix("dynamodb/exports")
                .warehousePrefix("iceberg")
                .databaseName("orders_db")
                .icebergTableName("orders")
                .scheduleInterval(Duration.minutes(30))
                .maxWindow(Duration.hours(6))
                .exportViewType(ExportViewType.NEW_AND_OLD_IMAGES)
                .releaseLabel("emr-7.12.0")
                .maxVcpu(8)
                .maxMemory(Size.gibibytes(32))
                .columnTypes(Map.of(
                        "quantity", ColumnType.LONG,
                        "weight", ColumnType.DOUBLE,
                        "price", ColumnType.decimal(2),
                        "reference", ColumnType.NUMBER_AS_TEXT,
                        "legacyReference", ColumnType.STRING, // deprecated name of NUMBER_AS_TEXT, still accepted
                        "details", ColumnType.JSON))
                .partitionBuckets(16)
                .maintenanceSchedule(ScheduleExpression.cron(CronOptionsWithTimezone.builder()
                        .hour("3").minute("0").build()))
                .verificationSchedule(ScheduleExpression.cron(CronOptionsWithTimezone.builder()
                        .weekDay("SUN").hour("4").minute("15").build()))
                .rebootstrapPolicy(RebootstrapPolicy.ALARM_AND_WAIT)
                .encryptionKey(Key.Builder.create(stack, "MirrorKey").enableKeyRotation(true).build())
                .exportRetention(Duration.days(3))
                .freshnessThreshold(Duration.hours(2))
                .removalPolicy(RemovalPolicy.DESTROY)
                .athenaWorkGroup(true)
                .build();
        mirror.grantRead(Role.Builder.create(stack, "Analyst").assumedBy(new AccountRootPrincipal()).build());

        // Alarm actions, the run-failed event and the metrics, as an operator wires them.
        Topic alerts = new Topic(stack, "Alerts");
        mirror.getFreshnessAlarm().addAlarmAction(new SnsAction(alerts));
        mirror.getFailureAlarm().addAlarmAction(new SnsAction(alerts));
        mirror.getVerificationAlarm().addAlarmAction(new SnsAction(alerts));
        mirror.onRunFailed("RunFailed", OnEventOptions.builder().target(new SnsTopic(alerts)).build());
        Dashboard dashboard = new Dashboard(stack, "MirrorDashboard");
        dashboard.addWidgets(GraphWidget.Builder.create()
                .title("Orders mirror")
                .left(List.<IMetric>of(mirror.metricFreshnessLag(MetricOptions.builder().period(Duration.hours(1)).build())))
                .right(List.<IMetric>of(
                        mirror.metricFailedRuns(MathExpressionOptions.builder().period(Duration.days(1)).build()),
                        mirror.metricVerificationDifferences(MetricOptions.builder().period(Duration.days(1)).build())))
                .build());
        return mirror;
    }

    /** An imported table with an existing bucket and Glue database: the props that go with those. */
    static DynamoIcebergMirror importedMirror(final Stack stack) {
        return DynamoIcebergMirror.Builder.create(stack, "EventsMirror")
                .table(Table.fromTableName(stack, "Events", "events"))
                .partitionKeyName("pk")
                .sortKeyName("sk")
                .bucket(new Bucket(stack, "Lake"))
                .database(Database.Builder.create(stack, "Analytics").databaseName("analytics").build())
                .exportViewType(ExportViewType.NEW_IMAGE)
                .rebootstrapPolicy(RebootstrapPolicy.AUTOMATIC)
                .build();
    }

    /** The app with its two stacks, JavaOrders and JavaImported. */
    public static App build(final String outdir) {
        App app = new App(AppProps.builder().outdir(outdir).build());
        ordersMirror(new Stack(app, "JavaOrders"));
        importedMirror(new Stack(app, "JavaImported"));
        return app;
    }

    public static void main(final String[] args) {
        build(System.getenv().getOrDefault("CDK_OUTDIR", "cdk.out")).synth();
    }
}
