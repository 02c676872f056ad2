package com.reliableedge.cloud.api;

/** Limits of the operator API's request bodies, which are a handful of short fields. */
final class OperatorBodies {

    /** Largest operator request body; larger ones are refused with 400 before parsing. */
    static final int MAX_BYTES = 16 * 1024;

    private OperatorBodies() {
    }
}
