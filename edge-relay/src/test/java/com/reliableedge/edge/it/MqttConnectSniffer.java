package com.reliableedge.edge.it;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

import org.awaitility.Awaitility;

/**
 * Stands in for edgeHub's TLS MQTT port: listens with TLS on 127.0.0.1:{port}, reads each client's MQTT 3.1.1
 * CONNECT (client id, user name, password: the SAS token), and passes everything on, in plain TCP, to a broker. So a
 * test sees the credentials a device SDK presented, which a broker would not tell it.
 */
final class MqttConnectSniffer implements Closeable {

    /** One client's CONNECT. */
    record Connect(String clientId, String username, String password) {
    }

    private final ServerSocket server;
    private final int brokerPort;
    private final List<Connect> connects = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** Waits (up to a minute) for the port to be free: another test's broker on 8883 may still be closing. */
    MqttConnectSniffer(int port, SSLContext tls, int brokerPort) {
        this.brokerPort = brokerPort;
        AtomicReference<ServerSocket> bound = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> {
                    SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
                    try {
                        s.setReuseAddress(true);
                        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    } catch (IOException e) {
                        s.close();
                        throw e;
                    }
                    bound.set(s);
                    return true;
                });
        server = bound.get();
        Thread acceptor = new Thread(this::accept, "mqtt-sniffer");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    List<Connect> connects() {
        return List.copyOf(connects);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
                sockets.add(client);
                sockets.add(broker);
                Thread up = new Thread(() -> pumpFirstConnect(client, broker), "mqtt-sniffer-up");
                up.setDaemon(true);
                up.start();
                Thread down = new Thread(() -> pump(broker, client), "mqtt-sniffer-down");
                down.setDaemon(true);
                down.start();
            } catch (IOException e) {
                // closed, or the broker is away: the client sees its connection fail
            }
        }
    }

    private void pumpFirstConnect(Socket client, Socket broker) {
        try {
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = broker.getOutputStream();
            int type = in.readUnsignedByte();
            int remaining = 0;
            int multiplier = 1;
            int b;
            java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
            header.write(type);
            do {
                b = in.readUnsignedByte();
                header.write(b);
                remaining += (b & 0x7f) * multiplier;
                multiplier *= 128;
            } while ((b & 0x80) != 0);
            byte[] packet = new byte[remaining];
            in.readFully(packet);
            if ((type & 0xf0) == 0x10) {
                connects.add(parseConnect(ByteBuffer.wrap(packet)));
            }
            out.write(header.toByteArray());
            out.write(packet);
            out.flush();
            pump(client, broker);
        } catch (IOException e) {
            closeQuietly(client, broker);
        }
    }

    /** The variable header and payload of a CONNECT (MQTT 3.1.1, 3.1). */
    static Connect parseConnect(ByteBuffer p) {
        string(p); // protocol name
        p.get(); // level
        int flags = p.get() & 0xff;
        p.getShort(); // keep-alive
        String clientId = string(p);
        if ((flags & 0x04) != 0) {
            string(p);
            string(p);
        }
        String username = (flags & 0x80) != 0 ? string(p) : null;
        String password = (flags & 0x40) != 0 ? string(p) : null;
        return new Connect(clientId, username, password);
    }

    private static String string(ByteBuffer p) {
        byte[] bytes = new byte[p.getShort() & 0xffff];
        p.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from, to);
        }
    }

    private static void closeQuietly(Socket... sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        sockets.forEach(MqttConnectSniffer::closeQuietly);
    }
}
