package com.reliableedge.edge.config;

import com.reliableedge.edge.buffer.BackfillJob;
import com.reliableedge.protocol.method.BackfillRequest;
import com.reliableedge.protocol.method.BackfillResponse;
import com.reliableedge.protocol.method.BackfillStatus;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The one place that registers types for reflection in a native image. The protocol library reads and writes JSON
 * through Jackson's tree model and SQLite brings its own native metadata, so only the payload records and the
 * enums read by name are listed, to keep a future switch to data binding safe. Paho (the mqtt transport) loads its
 * logger and message catalog by class name and its network modules through ServiceLoader; its resource bundles are
 * included by {@code quarkus.native.additional-build-args} in application.properties. As an IoT Edge module the device
 * SDK reads and writes the workload API's JSON (sign request and response, trust bundle, error) with Gson reflection.
 * The buffer tool runs before Quarkus, with picocli's annotations read by reflection.
 */
@RegisterForReflection(targets = {BackfillRequest.class, BackfillResponse.class, BackfillResponse.Result.class,
        BackfillStatus.class, BackfillStatus.Outcome.class, BackfillJob.State.class}, classNames = {
                "org.eclipse.paho.client.mqttv3.logging.JSR47Logger",
                "org.eclipse.paho.client.mqttv3.internal.ResourceBundleCatalog",
                "org.eclipse.paho.client.mqttv3.internal.TCPNetworkModuleFactory",
                "org.eclipse.paho.client.mqttv3.internal.SSLNetworkModuleFactory",
                "com.microsoft.azure.sdk.iot.device.hsm.parser.SignRequest",
                "com.microsoft.azure.sdk.iot.device.hsm.parser.SignResponse",
                "com.microsoft.azure.sdk.iot.device.hsm.parser.TrustBundleResponse",
                "com.microsoft.azure.sdk.iot.device.hsm.parser.ErrorResponse",
                // The jdbc source finds PostgreSQL's driver through DriverManager (ServiceLoader); its events are
                // written with Jackson's streaming generator, which needs no reflection.
                "org.postgresql.Driver",
                // The buffer tool's --help/--version options: picocli reads this mixin of its own reflectively (the
                // tool's command classes carry their own @RegisterForReflection).
                "picocli.CommandLine$AutoHelpMixin"})
public final class NativeReflection {

    private NativeReflection() {
    }
}
