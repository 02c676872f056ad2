package com.reliableedge.edge.upstream;

/**
 * Where every transport delivers the direct method calls it receives (PROTOCOL.md section 5), whichever way they came:
 * an HTTP request, an MQTT publish on the device's method topic, or the IoT Hub SDK's method callback. The transport
 * authenticates the caller its own way, hands over the method's name and payload, and carries the reply back with
 * the reply's status.
 */
@FunctionalInterface
public interface MethodHandler {

    /**
     * Answers one call; never throws for bad input (that is a 4xx reply).
     *
     * @param methodName the method's name as the caller gave it ({@code backfill}, {@code BackfillRequest.METHOD_NAME})
     * @param payload the request payload, as received (may be empty)
     */
    MethodReply handle(String methodName, byte[] payload);
}
