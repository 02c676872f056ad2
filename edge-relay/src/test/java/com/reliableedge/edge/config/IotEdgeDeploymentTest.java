package com.reliableedge.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * {@code deploy/iotedge/deployment.template.json}, with its {@code ${…}} placeholders filled in, is a valid IoT Edge
 * deployment manifest (the published JSON Schema, shipped under src/test/resources/iotedge), and every environment
 * variable it sets for the relay is a key of {@link RelayConfig} whose value converts; its createOptions bind the
 * buffer to the host and cap the memory. A misspelt key and a schema violation each fail, naming what is wrong.
 */
class IotEdgeDeploymentTest {

    static final Path TEMPLATE = Path.of("deploy", "iotedge", "deployment.template.json");
    static final String MODULE = "edge-relay";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    /** Values as a deployment would give them (README.md of deploy/iotedge names each). */
    static final Map<String, String> VALUES = Map.of("MODULE_IMAGE", "example.invalid/edge-relay:0.1.0",
            "EDGE_AGENT_IMAGE", "example.invalid/azureiotedge-agent:1.5", "EDGE_HUB_IMAGE",
            "example.invalid/azureiotedge-hub:1.5", "RELAY_DATA_HOST_DIR", "/var/lib/edge-relay",
            "EDGE_HUB_STORAGE_HOST_DIR", "/var/lib/iotedge-hub", "RELAY_BUFFER_MAX_BYTES", "1073741824",
            "RELAY_STREAMS", "line-1,line-2");

    @Test
    void theTemplateIsAValidDeploymentManifest() throws IOException {
        JsonNode manifest = manifest(Files.readString(TEMPLATE));
        assertThat(schemaErrors(manifest)).isEmpty();
    }

    @Test
    void everyVariableItSetsIsARelayKeyWhoseValueConverts() throws IOException {
        JsonNode manifest = manifest(Files.readString(TEMPLATE));
        assertThat(unknownVariables(manifest)).isEmpty();

        Map<String, String> env = relayEnv(manifest);
        // Quarkus's own Duration form (30s, 7d), as the running relay reads it.
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(RelayConfig.class).withConverter(
                Duration.class, 200, new DurationConverter()).withSources(new EnvConfigSource(env, 300)).build();
        RelayConfig relay = config.getConfigMapping(RelayConfig.class);
        assertThat(relay.upstream().kind()).isEqualTo("iothub");
        assertThat(relay.upstream().iothub().identity()).isEqualTo("module");
        assertThat(relay.buffer().maxBytes()).isEqualTo(1_073_741_824L);
        assertThat(relay.batch().maxBytes()).isLessThan(262_144);

        // The buffer lives on the host, so it outlives the container; the memory is capped, without swap.
        JsonNode create = JSON.readTree(manifest.at("/modulesContent/$edgeAgent/properties.desired/modules/" + MODULE
                + "/settings/createOptions").asText());
        assertThat(create.at("/HostConfig/Binds").toString()).contains("\"/var/lib/edge-relay:" + relay.dataDir()
                + "\"");
        long memory = create.at("/HostConfig/Memory").asLong();
        assertThat(memory).isBetween(200L << 20, 512L << 20);
        assertThat(create.at("/HostConfig/MemorySwap").asLong()).isEqualTo(memory);
        JsonNode module = manifest.at("/modulesContent/$edgeAgent/properties.desired/modules/" + MODULE);
        assertThat(module.path("restartPolicy").asText()).isEqualTo("always");
        assertThat(module.path("status").asText()).isEqualTo("running");
        assertThat(manifest.at("/modulesContent/$edgeHub/properties.desired/routes").toString()).contains(
                "FROM /messages/modules/" + MODULE + "/outputs/" + relay.upstream().iothub().output()
                        + " INTO $upstream");
    }

    @Test
    void aMisspeltKeyFailsNamingIt() throws IOException {
        ObjectNode manifest = (ObjectNode) manifest(Files.readString(TEMPLATE));
        ObjectNode env = (ObjectNode) manifest.at("/modulesContent/$edgeAgent/properties.desired/modules/" + MODULE
                + "/env");
        env.set("RELAY_UPSTREAM_IOTHUB_IDENTIY", env.get("RELAY_UPSTREAM_IOTHUB_IDENTITY"));
        env.remove("RELAY_UPSTREAM_IOTHUB_IDENTITY");
        assertThat(schemaErrors(manifest)).isEmpty();
        assertThat(unknownVariables(manifest)).containsExactly("RELAY_UPSTREAM_IOTHUB_IDENTIY");
    }

    @Test
    void aSchemaViolationFailsNamingIt() throws IOException {
        ObjectNode manifest = (ObjectNode) manifest(Files.readString(TEMPLATE));
        ObjectNode module = (ObjectNode) manifest.at("/modulesContent/$edgeAgent/properties.desired/modules/"
                + MODULE);
        module.put("restartPolicy", "sometimes");
        module.put("restartPolcy", "always");
        List<String> errors = schemaErrors(manifest);
        assertThat(errors).anyMatch(e -> e.contains("restartPolicy") && e.contains("enum"));
        assertThat(errors).anyMatch(e -> e.contains("restartPolcy"));
    }

    @Test
    void anUnfilledPlaceholderFailsNamingIt() {
        String template = "{\"image\": \"${MODULE_IMAGE}\", \"other\": \"${NOT_A_PLACEHOLDER_WE_FILL}\"}";
        try {
            manifest(template);
        } catch (IllegalStateException | IOException e) {
            assertThat(e.getMessage()).contains("NOT_A_PLACEHOLDER_WE_FILL");
            return;
        }
        throw new AssertionError("an unknown placeholder was accepted");
    }

    /** The template with every placeholder filled in. */
    static JsonNode manifest(String template) throws IOException {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = VALUES.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("the template's placeholder ${" + m.group(1) + "} has no value");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return JSON.readTree(out.toString());
    }

    /** What the published deployment schema finds wrong, each message naming the path and the field. */
    static List<String> schemaErrors(JsonNode manifest) throws IOException {
        try (InputStream in = IotEdgeDeploymentTest.class.getResourceAsStream(
                "/iotedge/azure-iot-edge-deployment-2.0.json")) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
            Set<ValidationMessage> errors = schema.validate(manifest);
            List<String> messages = new ArrayList<>();
            errors.forEach(e -> messages.add(e.getMessage()));
            return messages;
        }
    }

    /** The relay module's environment variables that are not keys of the relay's configuration. */
    static Set<String> unknownVariables(JsonNode manifest) {
        Map<String, String> known = RelayConfigKeys.byEnvironmentName();
        Set<String> unknown = new TreeSet<>();
        for (String name : relayEnv(manifest).keySet()) {
            if (!known.containsKey(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    static Map<String, String> relayEnv(JsonNode manifest) {
        JsonNode env = manifest.at("/modulesContent/$edgeAgent/properties.desired/modules/" + MODULE + "/env");
        assertThat(env.isObject()).as("the manifest's %s module has an env", MODULE).isTrue();
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            values.put(e.getKey(), e.getValue().path("value").asText());
        }
        return values;
    }
}
