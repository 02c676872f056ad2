package com.reliableedge.systemtest.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The container files, checked without a container engine (none runs on the development machines):
 * {@code docker/compose.yml} is validated by Debian's {@code docker-compose} ({@code config -q}, which checks it
 * against the Compose schema and interpolates its variables), every environment variable it gives an app names a
 * configuration key that app knows, and each app's Dockerfiles copy what {@code mvnw package} makes and expose the
 * app's port. Runs after the reactor has packaged both apps, like the other system tests.
 */
class ContainerFilesIT {

    private static final Path ROOT = Path.of(System.getProperty("relay.root", "..")).toAbsolutePath().normalize();
    private static final Path COMPOSE = ROOT.resolve("docker/compose.yml");
    private static final List<Path> DOCKER_COMPOSE = List.of(Path.of("/usr/bin/docker-compose"),
            Path.of("/usr/local/bin/docker-compose"));

    /** The app modules, by the build context compose.yml names them with, and their configuration roots. */
    private static final Map<String, String> MAPPING_ROOTS = Map.of("edge-relay",
            "com.reliableedge.edge.config.RelayConfig",
            "cloud-backfill", "com.reliableedge.cloud.config.BackfillConfig");

    private static JsonNode compose;

    @BeforeAll
    static void readCompose() throws IOException {
        compose = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
    }

    @Test
    void composeFileIsValidForDockerCompose() throws Exception {
        Path tool = dockerCompose();
        // The file requires these (${VAR:?…}); they come from docker/.env in a real run.
        ProcessBuilder pb = new ProcessBuilder(tool.toString(), "-f", COMPOSE.toString(), "config", "-q")
                .redirectErrorStream(true);
        pb.environment().put("BACKFILL_OPERATOR_KEY", "compose-check");
        pb.environment().put("RELAY_CONNECTION_STRING", "HostName=127.0.0.1;DeviceId=edge-1;SharedAccessKey=a2V5");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("docker-compose config finishes").isTrue();
        assertThat(p.exitValue()).as("docker-compose -f docker/compose.yml config -q says:\n" + out).isZero();
    }

    @Test
    void everyEnvironmentVariableOfAnAppIsAConfigurationKeyItKnows() throws Exception {
        List<String> unknown = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, JsonNode> service : fields(compose.path("services"))) {
            String module = appModule(service.getValue());
            if (module == null) {
                continue; // postgres: not ours
            }
            ConfigKeys known = configKeys(module);
            for (String name : environment(service.getValue()).keySet()) {
                checked++;
                boolean ours = name.startsWith("RELAY_") || name.startsWith("BACKFILL_") || name.startsWith("QUARKUS_");
                if (!ours || !known.knows(name)) {
                    unknown.add(service.getKey() + ": " + name);
                }
            }
        }
        assertThat(checked).as("environment variables checked").isPositive();
        assertThat(unknown).as("environment variables in docker/compose.yml that set no configuration key of the app"
                + " (relay.* / backfill.* from its @ConfigMapping root, quarkus.* from its application.properties)")
                .isEmpty();
    }

    @Test
    void composePublishesEachAppOnItsPortAndBuildsFromDockerfilesThatExist() throws Exception {
        for (Map.Entry<String, JsonNode> service : fields(compose.path("services"))) {
            String module = appModule(service.getValue());
            if (module == null) {
                continue;
            }
            int port = httpPort(module);
            JsonNode build = service.getValue().path("build");
            Path dockerfile = ROOT.resolve(module).resolve(build.path("dockerfile").asText("Dockerfile"));
            assertThat(dockerfile).as(service.getKey() + "'s build.dockerfile").isRegularFile();
            Map<String, String> args = new LinkedHashMap<>();
            fields(build.path("args")).forEach(e -> args.put(e.getKey(), e.getValue().asText()));
            checkJvmDockerfile(module, Dockerfile.read(dockerfile, args));
            List<Integer> published = new ArrayList<>();
            for (JsonNode mapping : service.getValue().path("ports")) {
                String[] parts = mapping.asText().split(":");
                published.add(Integer.parseInt(parts[parts.length - 1].replaceAll("/.*", "")));
            }
            assertThat(published).as(service.getKey() + "'s ports: the container side is the app's port").containsOnly(
                    port);
        }
    }

    @Test
    void jvmDockerfilesCopyThePackagesTheBuildMakes() throws Exception {
        for (String module : MAPPING_ROOTS.keySet()) {
            Path file = ROOT.resolve(module).resolve("src/main/docker/Dockerfile.jvm");
            checkJvmDockerfile(module, Dockerfile.read(file, Map.of()));
            // The cloud's other packages (PostgreSQL, SQL Server) go into the same image with --build-arg APP_DIR.
            try (Stream<Path> dirs = Files.list(ROOT.resolve(module).resolve("target"))) {
                for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("quarkus-app-")).toList()) {
                    checkJvmDockerfile(module, Dockerfile.read(file, Map.of("APP_DIR", dir.getFileName().toString())));
                }
            }
        }
    }

    @Test
    void nativeDockerfilesCopyTheRunnerTheNativeBuildNamesAndExposeTheAppsPort() throws Exception {
        for (String module : MAPPING_ROOTS.keySet()) {
            Dockerfile native_ = Dockerfile.read(
                    ROOT.resolve(module).resolve("src/main/docker/Dockerfile.native-micro"),
                    Map.of());
            assertThat(native_.exposed()).as(native_.file() + " EXPOSE").containsExactly(httpPort(module));
            // No native toolchain here: check the pattern against the name the native build gives its executable.
            String runner = "target/" + packagedJarName(module).replaceAll("\\.jar$", "") + "-runner";
            assertThat(native_.copySources()).as(native_.file() + " COPY").hasSize(1);
            PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + native_.copySources().get(0));
            assertThat(glob.matches(Path.of(runner))).as(native_.file() + " copies " + native_.copySources()
                    + ", which must match the native build's " + runner).isTrue();
        }
    }

    @Test
    void edgeJvmImageRunsWithTheFlagsMeasuredForTheEdge() throws Exception {
        Dockerfile jvm = Dockerfile.read(ROOT.resolve("edge-relay/src/main/docker/Dockerfile.jvm"), Map.of());
        String readme = Files.readString(ROOT.resolve("edge-relay/README.md"));
        int heading = readme.indexOf("### Recommended JVM flags");
        assertThat(heading).as("edge-relay/README.md has a \"Recommended JVM flags\" section").isNotNegative();
        int start = readme.indexOf("```", heading) + 3;
        String block = readme.substring(start, readme.indexOf("```", start)).replace("\\\n", " ");
        List<String> measured = Arrays.stream(block.split("\\s+")).filter(w -> w.startsWith("-X")).toList();
        assertThat(measured).as("flags in the README's block").isNotEmpty();
        List<String> appended = Arrays.asList(jvm.env().getOrDefault("JAVA_OPTS_APPEND", "").split("\\s+"));
        assertThat(appended).as("the edge image's JAVA_OPTS_APPEND carries the README's flags").containsAll(measured);
        if (block.contains("MALLOC_ARENA_MAX=")) {
            String arenas = block.replaceAll("(?s).*MALLOC_ARENA_MAX=(\\S+).*", "$1");
            assertThat(jvm.env()).as("the edge image's environment").containsEntry("MALLOC_ARENA_MAX", arenas);
        }
        // run-java.sh adds -XX:+UseParallelGC unless GC_CONTAINER_OPTIONS names another collector; two collectors
        // on one command line stop the JVM.
        List<String> collectors = appended.stream().filter(f -> f.matches("-XX:\\+Use[A-Za-z]+GC")).toList();
        if (!collectors.isEmpty()) {
            assertThat(jvm.env().get("GC_CONTAINER_OPTIONS")).as("GC_CONTAINER_OPTIONS").isEqualTo(collectors.get(0));
        }
    }

    private static void checkJvmDockerfile(String module, Dockerfile file) throws IOException {
        Path context = ROOT.resolve(module);
        assertThat(file.exposed()).as(file.file() + " EXPOSE").containsExactly(httpPort(module));
        assertThat(file.copySources()).as(file.file() + " COPY").isNotEmpty();
        for (String source : file.copySources()) {
            if (source.endsWith("/")) {
                assertThat(context.resolve(source)).as(file.file() + " copies the directory " + source
                        + ", which ./mvnw package makes in " + context).isDirectory();
            } else {
                PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + source);
                Path dir = context.resolve(source).getParent();
                assertThat(dir).as(file.file() + " copies " + source).isDirectory();
                try (Stream<Path> files = Files.list(dir)) {
                    assertThat(files.map(context::relativize).filter(glob::matches).toList())
                            .as(file.file() + " copies " + source + ", which must match a file ./mvnw package makes")
                            .isNotEmpty();
                }
            }
        }
        String jar = file.env().get("JAVA_APP_JAR");
        if (jar != null) {
            assertThat(jar).as(file.file() + " JAVA_APP_JAR").startsWith("/deployments/");
            assertThat(context.resolve("target/quarkus-app").resolve(jar.substring("/deployments/".length())))
                    .as(file.file() + " runs " + jar).isRegularFile();
        }
    }

    /** The app module a compose service builds, from its build context ({@code ../edge-relay}); null for others. */
    private static String appModule(JsonNode service) {
        JsonNode context = service.path("build").path("context");
        if (context.isMissingNode()) {
            return null;
        }
        String module = COMPOSE.getParent().resolve(context.asText()).normalize().getFileName().toString();
        assertThat(MAPPING_ROOTS).as("compose.yml builds " + context.asText() + ", which is not an app module")
                .containsKey(module);
        return module;
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode node = service.path("environment");
        if (node.isArray()) {
            node.forEach(e -> {
                String[] kv = e.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            });
        } else {
            fields(node).forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        return env;
    }

    private static ConfigKeys configKeys(String module) throws Exception {
        Path classes = ROOT.resolve(module).resolve("target/classes");
        assertThat(classes).as("the compiled " + module + " (the reactor builds it before system-tests)")
                .isDirectory();
        // Parent-first: the edge's classes are on this module's test classpath too, and resolve to the same ones.
        URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()},
                ContainerFilesIT.class.getClassLoader());
        Class<?> root = Class.forName(MAPPING_ROOTS.get(module), false, loader);
        return ConfigKeys.of(root, ROOT.resolve(module).resolve("src/main/resources/application.properties"));
    }

    private static int httpPort(String module) throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(ROOT.resolve(module).resolve(
                "src/main/resources/application.properties"))) {
            props.load(in);
        }
        return Integer.parseInt(props.getProperty("quarkus.http.port", "8080"));
    }

    /** The application jar the JVM package holds ({@code target/quarkus-app/app/<artifactId>-<version>.jar}). */
    private static String packagedJarName(String module) throws IOException {
        try (Stream<Path> jars = Files.list(ROOT.resolve(module).resolve("target/quarkus-app/app"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).toList();
            assertThat(names).as(module + "'s target/quarkus-app/app").hasSize(1);
            return names.get(0);
        }
    }

    private static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        node.fields().forEachRemaining(out::add);
        return out;
    }

    /** Debian's docker-compose, installed first when it is missing and the test runs as root. */
    private static synchronized Path dockerCompose() throws IOException, InterruptedException {
        for (Path p : DOCKER_COMPOSE) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String missing = "Checking docker/compose.yml needs Debian's docker-compose (no container engine is needed)";
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
            throw new IllegalStateException(missing + ": install it (sudo apt-get install -y docker-compose)");
        }
        Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "reliable-edge-docker-compose-install.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            if (!Files.isExecutable(DOCKER_COMPOSE.get(0))) {
                List<String> install = List.of("apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y",
                        "--no-install-recommends", "docker-compose");
                if (run(install) != 0 && (run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=300", "update")) != 0
                        || run(install) != 0)) {
                    throw new IllegalStateException(missing + " and apt-get could not install it: install it "
                            + "(apt-get install -y docker-compose) and run again");
                }
            }
        }
        return DOCKER_COMPOSE.get(0);
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("docker-compose-install", ".log").toFile());
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
