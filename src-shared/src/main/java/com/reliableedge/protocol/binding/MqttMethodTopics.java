package com.reliableedge.protocol.binding;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.Identifiers;

/**
 * The topics a direct method travels on over MQTT (PROTOCOL.md section 7). On a plain broker they are device-scoped:
 * the cloud publishes {@code devices/{deviceId}/methods/POST/{method}/?$rid={rid}} and the device answers on
 * {@code devices/{deviceId}/methods/res/{status}/?$rid={rid}}. IoT Hub's MQTT side uses the same shape under
 * {@code $iothub/methods/} (the connection names the device). Parsing accepts both forms.
 */
public final class MqttMethodTopics {

    private static final String DEVICES = "devices/";
    private static final String METHODS = "/methods/";
    private static final String HUB = "$iothub/methods/";
    private static final String POST = "POST/";
    private static final String RES = "res/";
    private static final String RID = "/?$rid=";
    private static final String TOPIC = "topic";

    private MqttMethodTopics() {
    }

    /** A method call as its topic names it; {@code deviceId} is null on IoT Hub's {@code $iothub} form. */
    public record Request(String deviceId, String method, String rid) {
    }

    /** A method answer as its topic names it; {@code deviceId} is null on IoT Hub's {@code $iothub} form. */
    public record Response(String deviceId, int status, String rid) {
    }

    /** Where the cloud publishes a call of {@code method} to {@code deviceId} on a plain broker. */
    public static String request(String deviceId, String method, String rid) {
        return device(deviceId) + POST + Identifiers.require("method", method) + RID + Identifiers.require("$rid",
                rid);
    }

    /** Where {@code deviceId} answers call {@code rid} with {@code status} on a plain broker. */
    public static String response(String deviceId, int status, String rid) {
        return device(deviceId) + RES + requireStatus(status) + RID + Identifiers.require("$rid", rid);
    }

    /** What a device subscribes to for its calls on a plain broker. */
    public static String requestFilter(String deviceId) {
        return device(deviceId) + POST + "#";
    }

    /** What the cloud subscribes to for every device's answers on a plain broker. */
    public static String responseFilter() {
        return DEVICES + "+" + METHODS + RES + "#";
    }

    /** Where IoT Hub delivers a call of {@code method} to the connected device. */
    public static String hubRequest(String method, String rid) {
        return HUB + POST + Identifiers.require("method", method) + RID + Identifiers.require("$rid", rid);
    }

    /** Where a device connected to IoT Hub answers call {@code rid}. */
    public static String hubResponse(int status, String rid) {
        return HUB + RES + requireStatus(status) + RID + Identifiers.require("$rid", rid);
    }

    /** What a device connected to IoT Hub subscribes to for its calls. */
    public static String hubRequestFilter() {
        return HUB + POST + "#";
    }

    /** What the hub side subscribes to for the answers of its devices. */
    public static String hubResponseFilter() {
        return HUB + RES + "#";
    }

    /**
     * Reads a call's topic, plain or {@code $iothub} form.
     *
     * @throws ProtocolException naming the topic when it is not a method call's
     */
    public static Request parseRequest(String topic) {
        Parts p = split(topic, POST);
        return new Request(p.deviceId, Identifiers.require("method", p.name), p.rid);
    }

    /**
     * Reads an answer's topic, plain or {@code $iothub} form.
     *
     * @throws ProtocolException naming the topic when it is not a method answer's
     */
    public static Response parseResponse(String topic) {
        Parts p = split(topic, RES);
        int status;
        try {
            status = Integer.parseInt(p.name);
        } catch (NumberFormatException e) {
            throw new ProtocolException(TOPIC, topic, "has a status that is not a number");
        }
        if (status < 100 || status > 599) {
            throw new ProtocolException(TOPIC, topic, "has a status outside 100-599");
        }
        return new Response(p.deviceId, status, p.rid);
    }

    private record Parts(String deviceId, String name, String rid) {
    }

    private static Parts split(String topic, String kind) {
        if (topic == null) {
            throw ProtocolException.missing(TOPIC);
        }
        String deviceId = null;
        int rest;
        if (topic.startsWith(HUB)) {
            rest = HUB.length();
        } else if (topic.startsWith(DEVICES)) {
            int end = topic.indexOf('/', DEVICES.length());
            if (end < 0 || !topic.startsWith(METHODS, end)) {
                throw new ProtocolException(TOPIC, topic, "must be devices/{deviceId}/methods/...");
            }
            deviceId = Identifiers.require("deviceId", topic.substring(DEVICES.length(), end));
            rest = end + METHODS.length();
        } else {
            throw new ProtocolException(TOPIC, topic, "must start with devices/ or $iothub/methods/");
        }
        if (!topic.startsWith(kind, rest)) {
            throw new ProtocolException(TOPIC, topic, "must continue with " + kind);
        }
        int nameStart = rest + kind.length();
        int ridAt = topic.indexOf(RID, nameStart);
        if (ridAt < 0) {
            throw new ProtocolException(TOPIC, topic, "must end with /?$rid={rid}");
        }
        String name = topic.substring(nameStart, ridAt);
        String rid = topic.substring(ridAt + RID.length());
        // IoT Hub may add further query parameters after the request id.
        int amp = rid.indexOf('&');
        if (amp >= 0) {
            rid = rid.substring(0, amp);
        }
        return new Parts(deviceId, name, Identifiers.require("$rid", rid));
    }

    private static int requireStatus(int status) {
        if (status < 100 || status > 599) {
            throw new ProtocolException("status", Integer.toString(status), "must be 100-599");
        }
        return status;
    }

    private static String device(String deviceId) {
        return DEVICES + Identifiers.require("deviceId", deviceId) + METHODS;
    }
}
