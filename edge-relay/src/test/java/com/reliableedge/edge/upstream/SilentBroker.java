package com.reliableedge.edge.upstream;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough of an MQTT 3.1.1 broker to accept a client (CONNACK, SUBACK, PINGRESP) that never acknowledges a
 * publish: what a broker looks like that took a message but could not make it safe.
 */
final class SilentBroker implements AutoCloseable {

    private final ServerSocket server;
    private final List<String> published = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;

    SilentBroker() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        Thread accept = new Thread(this::accept, "silent-broker");
        accept.setDaemon(true);
        accept.start();
    }

    String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** Topics of the publishes received (and never acknowledged). */
    List<String> published() {
        return List.copyOf(published);
    }

    private void accept() {
        while (open) {
            try {
                Socket s = server.accept();
                clients.add(s);
                Thread t = new Thread(() -> serve(s), "silent-broker-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                int header = in.readUnsignedByte();
                int length = 0;
                int shift = 0;
                int b;
                do {
                    b = in.readUnsignedByte();
                    length |= (b & 0x7F) << shift;
                    shift += 7;
                } while ((b & 0x80) != 0);
                byte[] body = new byte[length];
                in.readFully(body);
                switch (header >> 4) {
                    case 1 -> out.write(new byte[]{0x20, 2, 0, 0});
                    case 3 -> {
                        int topicLength = (body[0] & 0xFF) << 8 | body[1] & 0xFF;
                        published.add(new String(body, 2, topicLength, StandardCharsets.UTF_8));
                    }
                    case 8 -> out.write(new byte[]{(byte) 0x90, 3, body[0], body[1], 1});
                    case 12 -> out.write(new byte[]{(byte) 0xD0, 0});
                    case 14 -> {
                        return;
                    }
                    default -> {
                        // Nothing else needs an answer here.
                    }
                }
                out.flush();
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
        for (Socket s : clients) {
            s.close();
        }
    }
}
