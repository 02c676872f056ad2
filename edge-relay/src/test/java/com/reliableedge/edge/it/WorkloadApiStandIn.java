package com.reliableedge.edge.it;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Plays the IoT Edge workload API (the security daemon's {@code workload.sock}) on a Unix domain socket, as far as the
 * device SDK's {@code HttpsHsmClient} uses it: {@code POST /modules/{module}/genid/{generation}/sign?api-version=…}
 * with {@code {"keyId":"primary","algo":"HMACSHA256","data":<base64>}} answers {@code {"digest":<base64 HMAC-SHA256 of
 * the data under the module's key>}}, and {@code GET /trust-bundle?api-version=…} answers {@code {"certificate":<PEM>}}.
 * One request per connection, answered and closed (the SDK reads to the end of the stream).
 */
final class WorkloadApiStandIn implements Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One sign request: for which module and generation, the data (decoded) and the digest answered. */
    record Signed(String module, String generationId, String apiVersion, String data, String digest) {
    }

    private final Path socket;
    private final byte[] moduleKey;
    private final String trustBundle;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final List<Signed> signed = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    WorkloadApiStandIn(Path socket, byte[] moduleKey, Path trustBundlePem) throws IOException {
        this.socket = socket;
        this.moduleKey = moduleKey.clone();
        this.trustBundle = Files.readString(trustBundlePem);
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = new Thread(this::accept, "workload-api");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code unix://…}: the {@code IOTEDGE_WORKLOADURI} that reaches this stand-in. */
    String uri() {
        return "unix://" + socket.toAbsolutePath();
    }

    List<Signed> signed() {
        return List.copyOf(signed);
    }

    /** Every request line received, in order. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                serve(client);
            } catch (IOException e) {
                // closed, or a client gone mid-request: the next one is served
            }
        }
    }

    private void serve(SocketChannel client) throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        int headEnd = -1;
        int contentLength = 0;
        while (true) {
            buffer.clear();
            int n = client.read(buffer);
            if (n < 0) {
                break;
            }
            in.write(buffer.array(), 0, n);
            String text = in.toString(StandardCharsets.ISO_8859_1);
            if (headEnd < 0 && (headEnd = text.indexOf("\r\n\r\n")) >= 0) {
                for (String line : text.substring(0, headEnd).split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        contentLength = Integer.parseInt(line.substring(15).trim());
                    }
                }
            }
            if (headEnd >= 0 && in.size() >= headEnd + 4 + contentLength) {
                break;
            }
        }
        String text = in.toString(StandardCharsets.UTF_8);
        if (headEnd < 0) {
            return;
        }
        String requestLine = text.substring(0, text.indexOf("\r\n"));
        requests.add(requestLine);
        String body = text.substring(headEnd + 4);
        String[] parts = requestLine.split(" ");
        String target = parts.length == 3 ? parts[1] : "";
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        String apiVersion = target.contains("api-version=")
                ? target.substring(target.indexOf("api-version=") + 12)
                : null;
        String[] segments = path.split("/");
        if ("GET".equals(parts[0]) && "/trust-bundle".equals(path) && apiVersion != null) {
            answer(client, 200, JSON.createObjectNode().put("certificate", trustBundle).toString());
        } else if ("POST".equals(parts[0]) && segments.length == 6 && "modules".equals(segments[1]) && "genid".equals(
                segments[3]) && "sign".equals(segments[5]) && apiVersion != null) {
            JsonNode request = JSON.readTree(body);
            if (!"primary".equals(request.path("keyId").asText()) || !"HMACSHA256".equals(request.path("algo")
                    .asText())) {
                answer(client, 400, "{\"message\":\"unsupported keyId or algo\"}");
                return;
            }
            byte[] data = Base64.getDecoder().decode(request.path("data").asText());
            String digest = Base64.getEncoder().encodeToString(hmac(data));
            signed.add(new Signed(segments[2], segments[4], apiVersion, new String(data, StandardCharsets.UTF_8),
                    digest));
            answer(client, 200, JSON.createObjectNode().put("digest", digest).toString());
        } else {
            answer(client, 404, "{\"message\":\"no such API: " + requestLine.replace("\"", "") + "\"}");
        }
    }

    private byte[] hmac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(moduleKey, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(SocketChannel client, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        // One-word reasons: the SDK splits the status line into exactly three parts.
        String reason = status == 200 ? "OK" : status == 404 ? "NotFound" : "BadRequest";
        byte[] head = ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
        while (out.hasRemaining()) {
            client.write(out);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
        Files.deleteIfExists(socket);
    }
}
