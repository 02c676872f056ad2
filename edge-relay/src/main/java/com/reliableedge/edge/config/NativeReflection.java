package com.reliableedge.edge.config;

import com.reliableedge.edge.buffer.BackfillJob;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The one place that registers types for reflection in a native image. The protocol library reads and writes JSON
 * through Jackson's tree model and SQLite brings its own native metadata, so only the payload records and the
 * enums read by name are listed, to keep a future switch to data binding safe, plus what Paho loads by name (its
 * resource bundles are included in application.properties).
 */
@RegisterForReflection(targets = {BackfillRequest.class, BackfillResponse.class, BackfillResponse.Result.class,
        BackfillStatus.class, BackfillStatus.Outcome.class, BackfillJob.State.class}, classNames = {
                // Paho (under the IoT Hub device SDK) loads its logger, message catalog and network modules by name.
                "org.eclipse.paho.client.mqttv3.logging.JSR47Logger",
                "org.eclipse.paho.client.mqttv3.internal.ResourceBundleCatalog",
                "org.eclipse.paho.client.mqttv3.internal.TCPNetworkModuleFactory",
                "org.eclipse.paho.client.mqttv3.internal.SSLNetworkModuleFactory",
                "org.eclipse.paho.client.mqttv3.internal.websocket.WebSocketNetworkModuleFactory",
                "org.eclipse.paho.client.mqttv3.internal.websocket.WebSocketSecureNetworkModuleFactory"})
public final class NativeReflection {

    private NativeReflection() {
    }
}
