package com.reliableedge.cloud.oneshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.config.BackfillMode;

/**
 * The serverless deployment files parse, are shaped as their platforms read them, size their timeouts from the
 * one-shot bound, and set only environment variables that are configuration keys of the service.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    /** Quarkus's own keys the deployment may set (the README's database section names them). */
    private static final Set<String> QUARKUS_KEYS = Set.of("quarkus.datasource.jdbc.url",
            "quarkus.datasource.username", "quarkus.datasource.password");
    /** Read by the image's entry point (Dockerfile.jvm), not by the service. */
    private static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS");

    @Test
    void theContainerAppsJobIsAScheduledSingleRunSizedFromTheBound() throws Exception {
        JsonNode job = new ObjectMapper(new YAMLFactory()).readTree(DEPLOY.resolve("containerapps/job.yaml")
                .toFile());
        assertThat(job.path("type").asText()).isEqualTo("Microsoft.App/jobs");
        JsonNode configuration = job.path("properties").path("configuration");
        assertThat(configuration.path("triggerType").asText()).isEqualTo("Schedule");
        JsonNode schedule = configuration.path("scheduleTriggerConfig");
        assertThat(schedule.path("cronExpression").asText().split(" ")).as("five cron fields").hasSize(5);
        assertThat(schedule.path("parallelism").asInt()).isEqualTo(1);
        assertThat(schedule.path("replicaCompletionCount").asInt()).isEqualTo(1);
        assertThat(configuration.path("replicaRetryLimit").isInt()).isTrue();

        JsonNode containers = job.path("properties").path("template").path("containers");
        assertThat(containers).hasSize(1);
        Set<String> secrets = new HashSet<>();
        configuration.path("secrets").forEach(s -> secrets.add(s.path("name").asText()));
        Set<String> known = knownVariables();
        Duration maxWait = null;
        boolean oneShot = false;
        for (JsonNode env : containers.get(0).path("env")) {
            String name = env.path("name").asText();
            assertThat(known).as("%s is a configuration key of the service", name).contains(name);
            if (env.has("secretRef")) {
                assertThat(secrets).as("secret of " + name).contains(env.path("secretRef").asText());
            } else {
                assertThat(env.path("value").isValueNode()).as(name).isTrue();
            }
            if (name.equals("BACKFILL_MODE")) {
                oneShot = BackfillMode.isOneShot(env.path("value").asText());
            }
            if (name.equals("BACKFILL_ONE_SHOT_MAX_WAIT")) {
                maxWait = Duration.parse("PT" + env.path("value").asText().toUpperCase(Locale.ROOT));
            }
        }
        assertThat(oneShot).as("BACKFILL_MODE=one-shot").isTrue();
        assertThat(maxWait).as("BACKFILL_ONE_SHOT_MAX_WAIT").isNotNull();
        long timeout = configuration.path("replicaTimeout").asLong();
        assertThat(timeout).as("replicaTimeout: the bound plus a minute for start and stop")
                .isGreaterThanOrEqualTo(maxWait.toSeconds() + 60);
        assertThat(timeout).as("replicaTimeout below the schedule's period (every 5 minutes)").isLessThan(300);
    }

    @Test
    void theFunctionsTimerRunsTheOneShotHandlerWithinTheFunctionTimeout() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode host = json.readTree(DEPLOY.resolve("functions/host.json").toFile());
        assertThat(host.path("version").asText()).isEqualTo("2.0");
        JsonNode description = host.path("customHandler").path("description");
        assertThat(description.path("defaultExecutablePath").asText()).isEqualTo("node");
        String script = description.path("arguments").get(0).asText();
        assertThat(DEPLOY.resolve("functions").resolve(script)).exists();
        Duration functionTimeout = Duration.ofSeconds(LocalTime.parse(host.path("functionTimeout").asText())
                .toSecondOfDay());
        assertThat(functionTimeout).as("functionTimeout: the default bound (2m) plus start and stop")
                .isGreaterThanOrEqualTo(Duration.ofMinutes(3));

        JsonNode function = json.readTree(DEPLOY.resolve("functions/one-shot/function.json").toFile());
        JsonNode trigger = function.path("bindings").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("timerTrigger");
        assertThat(trigger.path("direction").asText()).isEqualTo("in");
        assertThat(trigger.path("schedule").asText().split(" ")).as("six NCRONTAB fields").hasSize(6);
        assertThat(Files.readString(DEPLOY.resolve("functions").resolve(script))).as("the function's route")
                .contains("'/one-shot'");
    }

    @Test
    void theHandlerScriptIsValidJavaScript() throws Exception {
        Process node;
        try {
            node = new ProcessBuilder("node", "--check", DEPLOY.resolve("functions/handler.js").toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("node is needed to check deploy/functions/handler.js: apt-get install nodejs",
                    e);
        }
        assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(new String(node.getInputStream().readAllBytes())).isZero();
    }

    /** The environment variable of every key of {@link BackfillConfig}, and of {@link #QUARKUS_KEYS}. */
    static Set<String> knownVariables() {
        Set<String> keys = new TreeSet<>(QUARKUS_KEYS);
        collect(BackfillConfig.class, "backfill", keys);
        Set<String> variables = new TreeSet<>(IMAGE_VARIABLES);
        for (String key : keys) {
            variables.add(key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT));
        }
        return variables;
    }

    private static void collect(Class<?> group, String prefix, Set<String> keys) {
        for (Method m : group.getMethods()) {
            if (m.getParameterCount() != 0 || m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String key = prefix + "." + m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            Class<?> type = m.getReturnType();
            if (type.isInterface() && type.getEnclosingClass() == BackfillConfig.class) {
                collect(type, key, keys);
            } else {
                keys.add(key);
            }
        }
    }
}
