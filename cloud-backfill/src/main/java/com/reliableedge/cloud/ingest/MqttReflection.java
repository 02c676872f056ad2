package com.reliableedge.cloud.ingest;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What Paho loads by name, kept for a native image: its logger and its network modules (found through
 * {@code META-INF/services}); its message bundles are included as resources (application.properties). Not verified
 * on a native build here.
 */
@RegisterForReflection(classNames = {"org.eclipse.paho.client.mqttv3.logging.JSR47Logger",
        "org.eclipse.paho.client.mqttv3.internal.TCPNetworkModuleFactory",
        "org.eclipse.paho.client.mqttv3.internal.SSLNetworkModuleFactory"})
final class MqttReflection {

    private MqttReflection() {
    }
}
