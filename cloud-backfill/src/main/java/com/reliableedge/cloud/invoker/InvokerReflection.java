package com.reliableedge.cloud.invoker;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The IoT Hub service SDK's types that Gson reads and writes by reflection, registered for a native image. */
@RegisterForReflection(targets = {com.microsoft.azure.sdk.iot.service.methods.serializers.MethodParser.class,
        com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse.class}, classNames = {
                "com.microsoft.azure.sdk.iot.service.exceptions.ErrorMessageParser$ErrorMessage",
                "com.microsoft.azure.sdk.iot.service.exceptions.ErrorMessageParser"})
final class InvokerReflection {

    private InvokerReflection() {
    }
}
