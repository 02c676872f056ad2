package com.reliableedge.edge.upstream;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import com.microsoft.azure.sdk.iot.device.hsm.UnixDomainSocketChannel;

/**
 * The device SDK's {@link UnixDomainSocketChannel} on the JDK's own Unix domain sockets (JDK 16+: {@link SocketChannel}
 * with {@link UnixDomainSocketAddress}), so the IoT Edge workload API ({@code unix:///var/run/iotedge/workload.sock})
 * is reached without native libraries. The SDK opens one connection per request, writes the request, reads until the
 * end of the stream (it asks for {@code Connection: close}) and closes.
 */
final class JdkUnixDomainSocketChannel implements UnixDomainSocketChannel {

    private SocketChannel channel;

    @Override
    public void open(String address) throws IOException {
        close();
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            c.connect(UnixDomainSocketAddress.of(address));
        } catch (IOException | RuntimeException e) {
            c.close();
            throw new IOException("cannot connect to the IoT Edge workload API at " + address + ": " + e, e);
        }
        channel = c;
    }

    @Override
    public void write(byte[] output) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(output);
        while (buffer.hasRemaining()) {
            open().write(buffer);
        }
    }

    @Override
    public int read(byte[] inputBuffer) throws IOException {
        // Blocking: at least one byte, or -1 at the end of the stream (never 0 for a non-empty buffer).
        return open().read(ByteBuffer.wrap(inputBuffer));
    }

    @Override
    public void close() throws IOException {
        SocketChannel c = channel;
        channel = null;
        if (c != null) {
            c.close();
        }
    }

    private SocketChannel open() throws IOException {
        if (channel == null) {
            throw new IOException("the workload API socket is not open");
        }
        return channel;
    }
}
