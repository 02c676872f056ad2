package com.reliableedge.cloud.invoker;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What the invokers' libraries reach by reflection, registered for a native image: the IoT Hub service SDK's types
 * that Gson reads and writes, Paho's logger and message catalog (their resource bundles are in application.properties).
 */
@RegisterForReflection(targets = {com.microsoft.azure.sdk.iot.service.methods.serializers.MethodParser.class,
        com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse.class}, classNames = {
                "com.microsoft.azure.sdk.iot.service.exceptions.ErrorMessageParser$ErrorMessage",
                "com.microsoft.azure.sdk.iot.service.exceptions.ErrorMessageParser",
                // Paho loads its logger and message catalog by class name.
                "org.eclipse.paho.client.mqttv3.logging.JSR47Logger",
                "org.eclipse.paho.client.mqttv3.internal.ResourceBundleCatalog"})
final class InvokerReflection {

    private InvokerReflection() {
    }
}
