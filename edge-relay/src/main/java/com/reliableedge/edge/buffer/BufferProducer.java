package com.reliableedge.edge.buffer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import com.reliableedge.edge.config.DeviceIdentity;
import com.reliableedge.edge.config.RelayConfig;

/**
 * The durable store, {@code relay.db} in {@code relay.data-dir}. A {@code @Singleton} (no client proxy), so it is
 * opened when the relay starts ({@code EdgeRelay}), and closed when the application ends, after every loop that
 * uses it has stopped.
 */
@ApplicationScoped
public class BufferProducer {

    @Produces
    @Singleton
    @Typed({BatchBuffer.class, SqliteBuffer.class})
    SqliteBuffer buffer(RelayConfig config, DeviceIdentity device, DropListener drops) {
        return new SqliteBuffer(config.dataDir().resolve("relay.db"), device.deviceId(), config.buffer().maxBytes(),
                config.buffer().reserveBytes(), drops);
    }

    void close(@Disposes SqliteBuffer buffer) {
        buffer.close();
    }
}
