package com.reliableedge.systemtest.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client over a plain socket, one connection per request, so that a fuzzer can send what a
 * well-behaved client library refuses to: duplicate headers, header values that are not ASCII or not UTF-8, any
 * method. An answer that never comes (the connection reset or closed before a status line) is an {@link IOException}.
 */
final class RawHttp {

    /** One header line; the value as raw bytes. */
    record Header(String name, byte[] value) {

        static Header of(String name, String value) {
            return new Header(name, value.getBytes(StandardCharsets.UTF_8));
        }

        String text() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    /** A request, complete: the fuzzer mutates it, the replay re-sends it. */
    record Request(String method, String path, List<Header> headers, byte[] body) {

        Request withHeaders(List<Header> replaced) {
            return new Request(method, path, replaced, body);
        }

        /** The first value of a header, by name in any case; {@code null} when absent. */
        String header(String name) {
            for (Header h : headers) {
                if (h.name().equalsIgnoreCase(name)) {
                    return h.text();
                }
            }
            return null;
        }
    }

    /** What came back. */
    record Response(int status, List<Header> headers, byte[] body) {

        String header(String name) {
            for (Header h : headers) {
                if (h.name().equalsIgnoreCase(name)) {
                    return h.text();
                }
            }
            return null;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private RawHttp() {
    }

    static Response send(int port, Request request, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            head.writeBytes((request.method() + " " + request.path() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\nContent-Length: " + request.body().length + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            for (Header h : request.headers()) {
                head.writeBytes((h.name() + ": ").getBytes(StandardCharsets.ISO_8859_1));
                head.writeBytes(h.value());
                head.writeBytes(new byte[]{'\r', '\n'});
            }
            head.writeBytes(new byte[]{'\r', '\n'});
            OutputStream out = socket.getOutputStream();
            out.write(head.toByteArray());
            try {
                out.write(request.body());
                out.flush();
            } catch (IOException answeredEarly) {
                // The server may answer (413) and close before reading the whole body: read what it said.
            }
            return read(socket.getInputStream());
        }
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headEnd = -1;
        long contentLength = -1;
        List<Header> headers = new ArrayList<>();
        int status = -1;
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                if (status > 0) {
                    break;
                }
                throw new IOException("no answer: " + e.getMessage(), e);
            }
            if (n < 0) {
                break;
            }
            all.write(buffer, 0, n);
            byte[] bytes = all.toByteArray();
            if (headEnd < 0) {
                headEnd = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                if (headEnd >= 0) {
                    String[] lines = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n");
                    String[] statusLine = lines[0].split(" ", 3);
                    status = Integer.parseInt(statusLine[1]);
                    for (int i = 1; i < lines.length; i++) {
                        int colon = lines[i].indexOf(':');
                        if (colon > 0) {
                            String name = lines[i].substring(0, colon).trim();
                            String value = lines[i].substring(colon + 1).trim();
                            headers.add(new Header(name, value.getBytes(StandardCharsets.ISO_8859_1)));
                            if (name.toLowerCase(Locale.ROOT).equals("content-length")) {
                                contentLength = Long.parseLong(value);
                            }
                        }
                    }
                }
            }
            if (headEnd >= 0 && contentLength >= 0 && bytes.length - headEnd - 4 >= contentLength) {
                break;
            }
        }
        if (status < 0) {
            throw new IOException("no answer: the connection closed before a status line (" + all.size()
                    + " bytes)");
        }
        byte[] bytes = all.toByteArray();
        byte[] body = java.util.Arrays.copyOfRange(bytes, headEnd + 4, bytes.length);
        Response response = new Response(status, headers, body);
        String encoding = response.header("Transfer-Encoding");
        return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")
                ? new Response(status, headers, unchunk(body))
                : response;
    }

    /** The body of a chunked answer (read to its end: the connection closes after it). */
    private static byte[] unchunk(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < data.length) {
            int lineEnd = indexOf(java.util.Arrays.copyOfRange(data, pos, data.length), new byte[]{'\r', '\n'});
            if (lineEnd < 0) {
                throw new IOException("a chunked answer cut short");
            }
            String sizeLine = new String(data, pos, lineEnd, StandardCharsets.ISO_8859_1);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            pos += lineEnd + 2;
            if (size == 0) {
                break;
            }
            if (pos + size > data.length) {
                throw new IOException("a chunked answer cut short");
            }
            out.write(data, pos, size);
            pos += size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer : for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
