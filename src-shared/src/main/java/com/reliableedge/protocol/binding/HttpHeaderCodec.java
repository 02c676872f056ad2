package com.reliableedge.protocol.binding;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.message.Envelope;
import com.reliableedge.protocol.message.MessageProperties;
import com.reliableedge.protocol.message.PropertyNames;

/**
 * The HTTP binding's headers (PROTOCOL.md section 7): {@code iothub-app-<name>} per application property,
 * {@code iothub-messageid}, {@code Content-Type} and {@code Content-Encoding}. The {@code Authorization} header is
 * the caller's ({@code SasToken}).
 * <p>
 * HTTP header names are case-insensitive and proxies or HTTP/2 may lower-case them, so decoding matches header and
 * property names without regard to case and restores the protocol's spelling ({@code iothub-app-batchid} is
 * {@code batchId}).
 */
public final class HttpHeaderCodec {

    public static final String APP_PREFIX = "iothub-app-";
    public static final String MESSAGE_ID = "iothub-messageid";
    public static final String CONTENT_TYPE = "Content-Type";
    public static final String CONTENT_ENCODING = "Content-Encoding";
    public static final String AUTHORIZATION = "Authorization";

    private static final Map<String, String> CANONICAL_NAMES = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    static {
        PropertyNames.APPLICATION.forEach(name -> CANONICAL_NAMES.put(name, name));
    }

    private HttpHeaderCodec() {
    }

    /** The headers that carry {@code envelope}, in a fixed order. */
    public static Map<String, String> encode(Envelope envelope) {
        Map<String, String> headers = new LinkedHashMap<>();
        envelope.properties().toApplicationProperties().forEach((name, value) -> headers.put(APP_PREFIX + name, value));
        headers.put(MESSAGE_ID, envelope.messageId());
        headers.put(CONTENT_TYPE, MessageProperties.CONTENT_TYPE_JSON);
        if (envelope.properties().contentEncoding() != null) {
            headers.put(CONTENT_ENCODING, envelope.properties().contentEncoding());
        }
        return headers;
    }

    /**
     * Reads an envelope from request headers (one value per name; names in any case).
     *
     * @throws ProtocolException naming the missing or malformed header or property
     */
    public static Envelope decode(Map<String, String> headers) {
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, value) -> {
            if (name != null) {
                byName.put(name, value);
            }
        });
        requireJson(byName.get(CONTENT_TYPE));
        Map<String, String> application = new LinkedHashMap<>();
        byName.forEach((name, value) -> {
            if (name.length() > APP_PREFIX.length()
                    && name.regionMatches(true, 0, APP_PREFIX, 0, APP_PREFIX.length())) {
                String property = name.substring(APP_PREFIX.length());
                application.put(CANONICAL_NAMES.getOrDefault(property, property), value);
            }
        });
        String messageId = byName.get(MESSAGE_ID);
        if (messageId == null) {
            throw ProtocolException.missing(MESSAGE_ID);
        }
        return new Envelope(messageId, MessageProperties.parse(application, byName.get(CONTENT_ENCODING)));
    }

    /** Accepts {@code application/json}, with parameters such as {@code charset=utf-8}, in any case. */
    static void requireJson(String contentType) {
        if (contentType == null) {
            throw ProtocolException.missing(CONTENT_TYPE);
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        if (!mediaType.toLowerCase(Locale.ROOT).equals(MessageProperties.CONTENT_TYPE_JSON)) {
            throw new ProtocolException(CONTENT_TYPE, contentType, "must be application/json");
        }
    }
}
