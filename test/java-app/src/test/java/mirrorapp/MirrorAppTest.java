package mirrorapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dynamoicebergmirror.ColumnType;
import io.github.dynamoicebergmirror.DynamoIcebergMirror;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Synthesizes the Java app with the built jar and checks the cloud assembly. */
class MirrorAppTest {
    @TempDir
    static Path outdir;
    static Template orders;
    static Template imported;

    @BeforeAll
    static void synth() {
        App app = MirrorApp.build(outdir.toString());
        app.synth();
        orders = Template.fromStack((Stack) app.getNode().findChild("JavaOrders"));
        imported = Template.fromStack((Stack) app.getNode().findChild("JavaImported"));
    }

    @Test
    void mirrorResources() {
        orders.resourceCountIs("AWS::StepFunctions::StateMachine", 1);
        orders.resourceCountIs("AWS::Scheduler::Schedule", 3);
        orders.resourceCountIs("AWS::CloudWatch::Alarm", 3);
        orders.resourceCountIs("AWS::Athena::WorkGroup", 1);
        orders.hasResourceProperties("AWS::EMRServerless::Application", Map.of(
                "ReleaseLabel", "emr-7.12.0",
                "MaximumCapacity", Map.of("Cpu", "8 vCPU", "Memory", "32 GB")));
        orders.hasResourceProperties("AWS::Glue::Database", Map.of("DatabaseInput", Map.of("Name", "orders_db")));
        orders.hasResourceProperties("AWS::Lambda::Function", Map.of("Runtime", "nodejs24.x"));
        orders.hasResourceProperties("AWS::Scheduler::Schedule", Map.of("ScheduleExpression", "cron(0 3 * * ? *)"));
        orders.hasResourceProperties("AWS::Scheduler::Schedule", Map.of("ScheduleExpression", "cron(15 4 ? * SUN *)"));
        imported.resourceCountIs("AWS::S3::Bucket", 1);
        imported.hasResourceProperties("AWS::Glue::Database", Map.of("DatabaseInput", Map.of("Name", "analytics")));
    }

    @Test
    void alarmActionsEventRuleAndMetrics() {
        Map<String, Object> alerts = Map.of("Ref", Match.stringLikeRegexp("^Alerts"));
        Map<String, Map<String, Object>> alarms = orders.findResources("AWS::CloudWatch::Alarm");
        assertEquals(3, alarms.size());
        for (Map<String, Object> alarm : alarms.values()) {
            String actions = String.valueOf(((Map<?, ?>) alarm.get("Properties")).get("AlarmActions"));
            assertTrue(actions.contains("Alerts"), actions);
        }
        orders.hasResourceProperties("AWS::Events::Rule", Map.of(
                "EventPattern", Match.objectLike(Map.of(
                        "source", List.of("aws.states"),
                        "detail", Match.objectLike(Map.of("status", List.of("FAILED", "TIMED_OUT", "ABORTED"))))),
                "Targets", List.of(Match.objectLike(Map.of("Arn", alerts)))));
        String dashboard = orders.findResources("AWS::CloudWatch::Dashboard").toString();
        for (String expected : List.of("FreshnessLagSeconds", "ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted")) {
            assertTrue(dashboard.contains(expected), expected);
        }
    }

    @Test
    void propsReachTheJobArguments() throws IOException {
        // The definition is JSON text inside the template: without its escapes, the key reads as the job gets it.
        String template = Files.readString(outdir.resolve("JavaOrders.template.json")).replace("\\", "");
        String key = "[[\"customerId\",\"S\"],[\"orderId\",\"N\"]]";
        for (String expected : List.of("--partition-buckets", "decimal(38,2)", "orders_db.orders", key)) {
            assertTrue(template.contains(expected), expected);
        }
    }

    @Test
    void publicMembers() {
        Stack stack = new Stack(new App(), "Members");
        DynamoIcebergMirror mirror = MirrorApp.ordersMirror(stack);
        assertEquals("orders_db", mirror.getDatabaseName());
        assertEquals("orders", mirror.getTableName());
        assertEquals("emr-7.12.0", mirror.getApplication().getReleaseLabel());
        assertNotNull(mirror.getBucket().getBucketName());
        assertNotNull(mirror.getDatabase().getDatabaseName());
        assertNotNull(mirror.getStateMachine().getStateMachineArn());
        assertNotNull(mirror.getJobRole().getRoleArn());
        assertNotNull(mirror.getFreshnessMetric().toMetricConfig());
        assertNotNull(mirror.getFreshnessAlarm().getAlarmArn());
        assertNotNull(mirror.getFailureAlarm().getAlarmArn());
        assertNotNull(mirror.getVerificationAlarm().getAlarmArn());
        assertNotNull(mirror.getWorkGroup().getName());
        assertEquals("decimal(38,2)", ColumnType.decimal(2).getTypeName());
    }

    @Test
    void packagedAssetsAreStaged() throws IOException {
        List<Path> staged;
        try (Stream<Path> files = Files.list(outdir)) {
            staged = files.filter(p -> p.getFileName().toString().startsWith("asset.")).collect(Collectors.toList());
        }
        assertTrue(staged.stream().anyMatch(p -> Files.isRegularFile(p.resolve("mirror_job/main.py"))
                && Files.isRegularFile(p.resolve("entry.py"))), "no Spark job folder in " + staged);
        assertTrue(staged.stream().anyMatch(p -> Files.isRegularFile(p.resolve("index.js"))), "no bundled plan Lambda");
        Path entry = staged.stream().filter(p -> p.toString().endsWith(".py")).findFirst().orElseThrow();
        assertTrue(Files.readString(entry).contains("from mirror_job.main import main"));
    }

    /** The README's Java block is a whole app: compile it with this classpath and run it. */
    @Test
    void readmeJavaUsageCompilesAndRuns(@TempDir final Path work) throws Exception {
        String readme = Files.readString(Path.of("../../README.md"));
        Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(), "README has no java block");
        Matcher className = Pattern.compile("public class (\\w+)").matcher(block.group(1));
        assertTrue(className.find());
        Path source = work.resolve(className.group(1) + ".java");
        Files.writeString(source, block.group(1));
        String classpath = System.getProperty("java.class.path");
        int compiled = ToolProvider.getSystemJavaCompiler()
                .run(null, null, null, "-cp", classpath, "-d", work.toString(), source.toString());
        assertEquals(0, compiled, "the README's Java block does not compile");

        Path cdkOut = work.resolve("cdk.out");
        ProcessBuilder run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", work + java.io.File.pathSeparator + classpath, className.group(1)).inheritIO();
        run.environment().put("CDK_OUTDIR", cdkOut.toString());
        assertEquals(0, run.start().waitFor(), "the README's Java block fails to run");
        try (Stream<Path> templates = Files.list(cdkOut)) {
            List<Path> found = templates.filter(p -> p.toString().endsWith(".template.json")).collect(Collectors.toList());
            assertFalse(found.isEmpty());
            assertTrue(Files.readString(found.get(0)).contains("AWS::StepFunctions::StateMachine"));
        }
    }
}
