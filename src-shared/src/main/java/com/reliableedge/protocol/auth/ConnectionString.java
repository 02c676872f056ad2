package com.reliableedge.protocol.auth;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.index.Identifiers;

/**
 * An IoT Hub connection string: {@code HostName=…;DeviceId=…;SharedAccessKey=…}, optionally with
 * {@code ModuleId} and {@code GatewayHostName}; a service (policy) string has {@code SharedAccessKeyName} instead
 * of {@code DeviceId}. Keys are matched as IoT Hub does, without regard to case. {@link #toString()} never shows
 * the key, and neither do the errors.
 */
public record ConnectionString(String hostName, String deviceId, String sharedAccessKey, String sharedAccessKeyName,
        String moduleId, String gatewayHostName) {

    public static final String HOST_NAME = "HostName";
    public static final String DEVICE_ID = "DeviceId";
    public static final String SHARED_ACCESS_KEY = "SharedAccessKey";
    public static final String SHARED_ACCESS_KEY_NAME = "SharedAccessKeyName";
    public static final String MODULE_ID = "ModuleId";
    public static final String GATEWAY_HOST_NAME = "GatewayHostName";

    public ConnectionString {
        if (hostName == null || hostName.isBlank()) {
            throw ProtocolException.missing(HOST_NAME);
        }
        if (hostName.contains("/") || hostName.contains(";") || hostName.chars().anyMatch(Character::isWhitespace)) {
            throw new ProtocolException(HOST_NAME, hostName, "must be a bare host name");
        }
        if (deviceId == null && sharedAccessKeyName == null) {
            throw ProtocolException.missing(DEVICE_ID);
        }
        if (deviceId != null) {
            Identifiers.require(DEVICE_ID, deviceId);
        }
        if (moduleId != null) {
            Identifiers.require(MODULE_ID, moduleId);
        }
        requireKey(sharedAccessKey);
    }

    /** A device connection string. */
    public static ConnectionString forDevice(String hostName, String deviceId, String sharedAccessKey) {
        return new ConnectionString(hostName, deviceId, sharedAccessKey, null, null, null);
    }

    /**
     * Parses a connection string.
     *
     * @throws ProtocolException naming the missing or malformed part (never showing the key)
     */
    public static ConnectionString parse(String value) {
        if (value == null || value.isBlank()) {
            throw ProtocolException.missing("connectionString");
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : value.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                String shown = part.length() > 20 ? part.substring(0, 20) + "…" : part;
                throw new ProtocolException("connectionString", shown, "has a part that is not Name=value");
            }
            String name = canonical(part.substring(0, eq).trim());
            parts.put(name, part.substring(eq + 1).trim());
        }
        return new ConnectionString(parts.get(HOST_NAME), parts.get(DEVICE_ID), parts.get(SHARED_ACCESS_KEY),
                parts.get(SHARED_ACCESS_KEY_NAME), parts.get(MODULE_ID), parts.get(GATEWAY_HOST_NAME));
    }

    /** The SAS resource of this device: {@code <HostName>/devices/<DeviceId>}. */
    public String deviceResource() {
        if (deviceId == null) {
            throw ProtocolException.missing(DEVICE_ID);
        }
        return SasToken.deviceResource(hostName, deviceId);
    }

    /** The connection string, key included: for handing to its device, never for logs. */
    public String format() {
        StringBuilder sb = new StringBuilder(HOST_NAME).append('=').append(hostName);
        appendIfPresent(sb, DEVICE_ID, deviceId);
        appendIfPresent(sb, MODULE_ID, moduleId);
        appendIfPresent(sb, SHARED_ACCESS_KEY_NAME, sharedAccessKeyName);
        appendIfPresent(sb, SHARED_ACCESS_KEY, sharedAccessKey);
        appendIfPresent(sb, GATEWAY_HOST_NAME, gatewayHostName);
        return sb.toString();
    }

    @Override
    public String toString() {
        return format().replace(SHARED_ACCESS_KEY + "=" + sharedAccessKey, SHARED_ACCESS_KEY + "=***");
    }

    /** Checks a base64 device or policy key; the error shows its length, never the key. */
    static byte[] requireKey(String key) {
        if (key == null || key.isBlank()) {
            throw ProtocolException.missing(SHARED_ACCESS_KEY);
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(key);
            if (bytes.length == 0) {
                throw new ProtocolException(SHARED_ACCESS_KEY, "(hidden)", "decodes to no bytes");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            if (e instanceof ProtocolException pe) {
                throw pe;
            }
            throw new ProtocolException(SHARED_ACCESS_KEY, "(hidden, " + key.length() + " characters)",
                    "is not base64", e);
        }
    }

    private static String canonical(String name) {
        for (String known : new String[]{HOST_NAME, DEVICE_ID, SHARED_ACCESS_KEY, SHARED_ACCESS_KEY_NAME, MODULE_ID,
                GATEWAY_HOST_NAME}) {
            if (known.equalsIgnoreCase(name)) {
                return known;
            }
        }
        return name;
    }

    private static void appendIfPresent(StringBuilder sb, String name, String value) {
        if (value != null) {
            sb.append(';').append(name).append('=').append(value);
        }
    }
}
