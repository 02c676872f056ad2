package com.reliableedge.cloud.api;

import com.reliableedge.protocol.ProtocolException;

/**
 * Reads the operator API's query parameters by hand: the framework would answer 404 to {@code ?limit=abc}, where a
 * 400 naming the parameter is what the caller needs.
 */
final class QueryParams {

    private QueryParams() {
    }

    /** {@code raw} as an integer in {@code 1..max}, or {@code otherwise} when absent. */
    static int limit(String raw, int otherwise, int max) {
        if (raw == null || raw.isEmpty()) {
            return otherwise;
        }
        int limit;
        try {
            limit = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new ProtocolException("limit", raw, "must be an integer between 1 and " + max, e);
        }
        if (limit < 1 || limit > max) {
            throw new ProtocolException("limit", raw, "must be between 1 and " + max);
        }
        return limit;
    }
}
