package com.reliableedge.systemtest.opcua;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The test-fixtures' {@code OpcUaTestServer} run standalone (its {@code main}) as a child process on this JVM's
 * classpath: it prints its endpoint URL on stdout and its node ids on stderr (kept in {@code log}).
 */
public final class OpcUaServerProcess implements Closeable {

    private static final String MAIN = "com.reliableedge.fixtures.OpcUaTestServer";

    private final Process process;
    private final String endpointUrl;
    private final Map<String, String> nodeIds;
    private final Path log;

    private OpcUaServerProcess(Process process, String endpointUrl, Map<String, String> nodeIds, Path log) {
        this.process = process;
        this.endpointUrl = endpointUrl;
        this.nodeIds = nodeIds;
        this.log = log;
    }

    /** Starts a server with these nodes, each getting a new value every {@code period}; ready on return. */
    public static OpcUaServerProcess start(List<String> nodes, Duration period, Path log) throws IOException,
            InterruptedException {
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m", "-cp", System.getProperty("java.class.path"), MAIN, "0",
                String.join(",",
                        nodes),
                Long.toString(period.toMillis())));
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String url;
        try {
            url = firstLine.get(180, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            url = null;
        }
        if (url == null || !url.startsWith("opc.tcp://")) {
            p.destroyForcibly();
            throw new IOException("the OPC UA test server did not print its endpoint URL (log " + log + ")");
        }
        Map<String, String> ids = new LinkedHashMap<>();
        for (String line : Files.readAllLines(log)) {
            // "node ns=2;s=line-1", printed before the URL.
            if (line.startsWith("node ")) {
                String id = line.substring(5).trim();
                ids.put(id.substring(id.lastIndexOf("s=") + 2), id);
            }
        }
        if (!ids.keySet().containsAll(nodes)) {
            p.destroyForcibly();
            throw new IOException("the OPC UA test server named nodes " + ids + ", not " + nodes + " (log " + log
                    + ")");
        }
        return new OpcUaServerProcess(p, url, ids, log);
    }

    public String endpointUrl() {
        return endpointUrl;
    }

    /** Node name to node id ({@code ns=2;s=line-1}). */
    public Map<String, String> nodeIds() {
        return nodeIds;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the server with SIGTERM (its shutdown hook closes it), SIGKILL after 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
