package com.reliableedge.systemtest.proxy;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on 127.0.0.1 that injects network faults between two processes under test: refuse, black-hole,
 * delay, cut a request mid-way, or duplicate HTTP requests. {@link #setFault} applies to connections accepted from
 * then on; {@link #dropConnections()} also ends the ones already open, as a cable pull would.
 */
public final class FaultProxy implements Closeable {

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.PASS);
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target, ServerSocket server) {
        this.target = target;
        this.server = server;
    }

    /** Starts a proxy on a free port of 127.0.0.1 in front of {@code targetPort} on 127.0.0.1. */
    public static FaultProxy start(int targetPort) throws IOException {
        return start(0, targetPort);
    }

    /** Starts a proxy on {@code listenPort} (0 for a free one) of 127.0.0.1 in front of {@code targetPort}. */
    public static FaultProxy start(int listenPort, int targetPort) throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(loopback, listenPort));
        FaultProxy proxy = new FaultProxy(new InetSocketAddress(loopback, targetPort), server);
        proxy.threads.execute(proxy::acceptLoop);
        return proxy;
    }

    public int port() {
        return server.getLocalPort();
    }

    public Fault fault() {
        return fault.get();
    }

    /** Applies {@code next} to connections accepted from now on. */
    public void setFault(Fault next) {
        fault.set(next);
    }

    /** Ends every open connection at once, both sides. */
    public void dropConnections() {
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    /** Connections accepted so far. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** HTTP requests sent to the target a second time so far. */
    public long duplicatedRequests() {
        return duplicated.get();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        dropConnections();
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            Fault current = fault.get();
            threads.execute(() -> handle(client, current));
        }
    }

    private void handle(Socket client, Fault current) {
        open.add(client);
        try {
            if (current instanceof Fault.Refuse) {
                client.setSoLinger(true, 0);
                client.close();
            } else if (current instanceof Fault.BlackHole) {
                drain(client);
            } else if (current instanceof Fault.Delay d) {
                forward(client, d.delay().toMillis(), -1, false);
            } else if (current instanceof Fault.CutAfter c) {
                forward(client, 0, c.bytes(), false);
            } else {
                forward(client, 0, -1, current instanceof Fault.DuplicateRequests);
            }
        } catch (IOException e) {
            // The peer went away: nothing to do but close.
        } finally {
            open.remove(client);
            closeQuietly(client);
        }
    }

    private void drain(Socket client) throws IOException {
        byte[] buffer = new byte[8192];
        InputStream in = client.getInputStream();
        while (in.read(buffer) >= 0) {
            // Swallow everything, answer nothing.
        }
    }

    private void forward(Socket client, long delayMillis, long cutAfter, boolean duplicate) throws IOException {
        try (Socket upstream = new Socket()) {
            upstream.connect(target, 5_000);
            open.add(upstream);
            try {
                threads.execute(() -> pump(upstream, client, delayMillis, -1));
                if (duplicate) {
                    forwardDuplicatingRequests(client, upstream);
                } else {
                    pump(client, upstream, delayMillis, cutAfter);
                }
            } finally {
                open.remove(upstream);
            }
        }
    }

    /** Copies bytes from one socket to the other; after {@code cutAfter} bytes (if >= 0) it cuts both. */
    private void pump(Socket from, Socket to, long delayMillis, long cutAfter) {
        byte[] buffer = new byte[16 * 1024];
        long sent = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (delayMillis > 0) {
                    pause(delayMillis);
                }
                int length = n;
                if (cutAfter >= 0 && sent + n >= cutAfter) {
                    length = (int) (cutAfter - sent);
                    out.write(buffer, 0, length);
                    out.flush();
                    break;
                }
                out.write(buffer, 0, length);
                out.flush();
                sent += length;
            }
        } catch (IOException e) {
            // One side closed; closing both below ends the other pump too.
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void forwardDuplicatingRequests(Socket client, Socket upstream) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = upstream.getOutputStream();
        byte[] request;
        while ((request = readHttpRequest(in)) != null) {
            out.write(request);
            out.flush();
            byte[] copy = request;
            threads.execute(() -> sendCopy(copy));
        }
        closeQuietly(upstream);
    }

    private void sendCopy(byte[] request) {
        try (Socket s = new Socket()) {
            s.connect(target, 5_000);
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            // Read the whole answer before closing: a server may drop a request whose connection is half-closed.
            if (readHttpStatus(s.getInputStream()) / 100 == 2) {
                duplicated.incrementAndGet();
            }
        } catch (IOException e) {
            // A lost duplicate is just a duplicate that did not happen.
        }
    }

    /** Reads one HTTP response with a Content-Length body (or none) and answers its status code. */
    static int readHttpStatus(InputStream in) throws IOException {
        byte[] head = readHead(in);
        if (head == null) {
            throw new IOException("no answer");
        }
        String headers = new String(head, StandardCharsets.ISO_8859_1);
        String[] statusLine = headers.substring(0, headers.indexOf("\r\n")).split(" ");
        in.readNBytes((int) contentLength(headers));
        return Integer.parseInt(statusLine[1]);
    }

    /** Reads up to and including the blank line that ends the headers; {@code null} at end of stream. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int tail = 0; // the last four bytes read
        while (tail != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            tail = (tail << 8) | b;
        }
        return head.toByteArray();
    }

    private static long contentLength(String headers) throws IOException {
        long length = 0;
        for (String line : headers.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring("content-length:".length()).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                throw new IOException("chunked bodies are not supported");
            }
        }
        return length;
    }

    /** Reads one HTTP/1.1 request with a Content-Length body (or none); {@code null} at end of stream. */
    static byte[] readHttpRequest(InputStream in) throws IOException {
        byte[] head = readHead(in);
        if (head == null) {
            return null;
        }
        long length = contentLength(new String(head, StandardCharsets.ISO_8859_1));
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            return null;
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream(head.length + body.length);
        whole.write(head);
        whole.write(body);
        return whole.toByteArray();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Already closed.
        }
    }
}
