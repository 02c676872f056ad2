package com.reliableedge.protocol.binding;

import com.reliableedge.protocol.index.Identifiers;

/**
 * The HTTP binding's paths (PROTOCOL.md section 7), shared by the edge's transport and method resource and the
 * cloud's ingest resource and method invoker. The templates are compile-time constants so that JAX-RS
 * {@code @Path} annotations can name them.
 */
public final class HttpPaths {

    /** The path parameter of {@link #MESSAGES_TEMPLATE}. */
    public static final String DEVICE_ID_PARAM = "deviceId";

    /** Edge to cloud: a device's messages, {@code POST}. */
    public static final String MESSAGES_TEMPLATE = "/api/v1/devices/{" + DEVICE_ID_PARAM + "}/messages";

    /** Cloud to edge: the {@code backfill} direct method, {@code POST} to the device's method URL. */
    public static final String BACKFILL_METHOD = "/api/v1/methods/backfill";

    private HttpPaths() {
    }

    /**
     * The messages path of {@code deviceId}. A device id is 1-128 URL-safe characters (PROTOCOL.md section 1), so it
     * goes in as it is once {@link Identifiers} has checked it.
     *
     * @throws com.reliableedge.protocol.ProtocolException (field {@code deviceId}) for an id outside that rule
     */
    public static String messages(String deviceId) {
        return "/api/v1/devices/" + Identifiers.require(DEVICE_ID_PARAM, deviceId) + "/messages";
    }
}
