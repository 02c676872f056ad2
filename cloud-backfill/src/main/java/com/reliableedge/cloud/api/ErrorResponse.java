package com.reliableedge.cloud.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Every 4xx answer's body: what is wrong, and the field and value at fault when there is one. The value is what the
 * client sent, cut to {@link #MAX_VALUE} characters and with control characters replaced, so that an answer never
 * carries a large piece of a payload back.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ErrorResponse(String error, String field, String value) {

    static final int MAX_VALUE = 200;
    static final int MAX_ERROR = 600;

    public ErrorResponse {
        error = sanitize(error, MAX_ERROR);
        field = sanitize(field, MAX_VALUE);
        value = sanitize(value, MAX_VALUE);
    }

    static String sanitize(String s, int max) {
        if (s == null) {
            return null;
        }
        String cut = s.length() > max ? s.substring(0, max) + "…" : s;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(Character.isISOControl(c) || Character.isSurrogate(c) && !validPair(cut, i) ? '?' : c);
        }
        return out.toString();
    }

    private static boolean validPair(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
