package com.reliableedge.systemtest.process;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged Quarkus app ({@code target/quarkus-app/quarkus-run.jar}) run as a child process, as it runs in
 * production: configured through system properties, its output appended to a log file, stopped gracefully or
 * killed with SIGKILL, and started again with the same configuration.
 */
public final class AppProcess implements Closeable {

    private final String name;
    private final Path jar;
    private final Map<String, String> config;
    private final List<String> jvmFlags;
    private final Path log;
    private final int httpPort;
    private Process process;
    private int starts;

    public AppProcess(String name, Path jar, int httpPort, Map<String, String> config, List<String> jvmFlags,
            Path log) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: package the app first (./mvnw -B package "
                    + "-DskipTests)");
        }
        this.name = name;
        this.jar = jar;
        this.httpPort = httpPort;
        this.config = new LinkedHashMap<>(config);
        this.config.put("quarkus.http.port", Integer.toString(httpPort));
        this.config.put("quarkus.http.host", "127.0.0.1");
        this.jvmFlags = List.copyOf(jvmFlags);
        this.log = log;
    }

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /** How many times the process was started. */
    public int starts() {
        return starts;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Starts the process (it must not be running) without waiting for it to be ready. */
    public synchronized void start() throws IOException {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // As in the Dockerfiles: an OutOfMemoryError ends the process (a supervisor restarts it) instead of leaving
        // it half alive.
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.addAll(jvmFlags);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        Files.createDirectories(log.getParent());
        Files.writeString(log, "---- start " + (starts + 1) + " at " + Instant.now() + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        starts++;
    }

    /** Starts the process and waits until its readiness check answers UP. */
    public void startAndAwaitReady(Duration timeout) throws IOException, InterruptedException {
        start();
        awaitReady(timeout);
    }

    /** Waits until {@code /q/health/ready} answers 200, failing early if the process dies. */
    public void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(baseUri().resolve("/q/health/ready")).timeout(Duration.ofSeconds(
                2)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was "
                        + "ready; see " + log);
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            // Polling a child process's port: there is no event to wait on.
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public synchronized void kill() throws InterruptedException {
        if (isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** SIGTERM and wait for a graceful exit. */
    public synchronized void stop(Duration grace) throws InterruptedException {
        if (isAlive()) {
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
        }
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
