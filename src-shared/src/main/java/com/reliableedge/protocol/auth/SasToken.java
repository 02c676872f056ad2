package com.reliableedge.protocol.auth;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.reliableedge.protocol.ProtocolException;

/**
 * A shared access signature in IoT Hub's format:
 * {@code SharedAccessSignature sr=<url-encoded resource>&sig=<url-encoded signature>&se=<expiry>[&skn=<policy>]},
 * where the signature is base64 of HMAC-SHA256, keyed with the base64-decoded key, over
 * {@code <url-encoded resource> + "\n" + <expiry in epoch seconds>}.
 */
public record SasToken(String resource, String signature, long expiry, String keyName) {

    public static final String SCHEME = "SharedAccessSignature";
    private static final String FIELD = "Authorization";
    /** A Mac per thread: looking the algorithm up costs more than the signature itself. */
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    });

    /** What a check of a presented token found. */
    public enum Verdict {
        VALID,
        /** Its expiry has passed. */
        EXPIRED,
        /** It was made for another device or hub. */
        WRONG_RESOURCE,
        /** Its signature is not this key's. */
        BAD_SIGNATURE
    }

    /** The resource a device signs for: {@code <host>/devices/<deviceId>}. */
    public static String deviceResource(String hostName, String deviceId) {
        return hostName + "/devices/" + deviceId;
    }

    /** Makes the {@code Authorization} value for {@code resource}, valid until {@code expiry}. */
    public static String sign(String resource, String base64Key, Instant expiry) {
        long se = expiry.getEpochSecond();
        return SCHEME + " sr=" + urlEncode(resource) + "&sig=" + urlEncode(signature(resource, base64Key, se)) + "&se="
                + se;
    }

    /** Signs for the device of {@code connection}, valid for {@code ttl} from {@code now}. */
    public static String sign(ConnectionString connection, Instant now, Duration ttl) {
        return sign(connection.deviceResource(), connection.sharedAccessKey(), now.plus(ttl));
    }

    /** The base64 signature over {@code resource} and {@code expiry}. */
    public static String signature(String resource, String base64Key, long expiry) {
        byte[] key = ConnectionString.requireKey(base64Key);
        try {
            Mac mac = MAC.get();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((urlEncode(resource) + "\n" + expiry).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /**
     * Parses an {@code Authorization} value.
     *
     * @throws ProtocolException naming {@code Authorization} when it is not a SAS token
     */
    public static SasToken parse(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ProtocolException.missing(FIELD);
        }
        String value = authorization.trim();
        if (!value.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
            throw new ProtocolException(FIELD, abbreviate(value), "must start with 'SharedAccessSignature '");
        }
        String resource = null;
        String signature = null;
        String expiry = null;
        String keyName = null;
        for (String pair : value.substring(SCHEME.length() + 1).trim().split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ProtocolException(FIELD, abbreviate(value), "has a part that is not name=value");
            }
            String name = pair.substring(0, eq).toLowerCase(Locale.ROOT);
            String part = urlDecode(value, pair.substring(eq + 1));
            switch (name) {
                case "sr" -> resource = part;
                case "sig" -> signature = part;
                case "se" -> expiry = part;
                case "skn" -> keyName = part;
                default -> {
                    // Unknown fields are ignored, as IoT Hub does.
                }
            }
        }
        if (resource == null || resource.isEmpty()) {
            throw new ProtocolException(FIELD, abbreviate(value), "has no sr (resource)");
        }
        if (signature == null || signature.isEmpty()) {
            throw new ProtocolException(FIELD, abbreviate(value), "has no sig (signature)");
        }
        if (expiry == null || !expiry.matches("[0-9]{1,18}")) {
            throw new ProtocolException(FIELD, abbreviate(value), "has no valid se (expiry in epoch seconds)");
        }
        return new SasToken(resource, signature, Long.parseLong(expiry), keyName);
    }

    /**
     * Checks this token against the expected resource and key at {@code now}. The signature is compared in
     * constant time; the host part of the resource without regard to case, the rest exactly.
     */
    public Verdict verify(String expectedResource, String base64Key, Instant now) {
        if (!sameResource(resource, expectedResource)) {
            return Verdict.WRONG_RESOURCE;
        }
        byte[] expected = signature(resource, base64Key, expiry).getBytes(StandardCharsets.US_ASCII);
        byte[] presented = signature.getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, presented)) {
            return Verdict.BAD_SIGNATURE;
        }
        if (now.getEpochSecond() >= expiry) {
            return Verdict.EXPIRED;
        }
        return Verdict.VALID;
    }

    /** Parses and verifies an {@code Authorization} value in one step; a malformed value is never valid. */
    public static Verdict verify(String authorization, String expectedResource, String base64Key, Instant now) {
        return parse(authorization).verify(expectedResource, base64Key, now);
    }

    private static boolean sameResource(String presented, String expected) {
        int a = presented.indexOf('/');
        int b = expected.indexOf('/');
        if (a < 0 || b < 0) {
            return presented.equalsIgnoreCase(expected);
        }
        return presented.substring(0, a).equalsIgnoreCase(expected.substring(0, b))
                && presented.substring(a).equals(expected.substring(b));
    }

    private static String urlEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String urlDecode(String whole, String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(FIELD, abbreviate(whole), "has malformed URL encoding", e);
        }
    }

    private static String abbreviate(String s) {
        // Enough to recognise the value in a log, not enough to replay the signature.
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    @Override
    public String toString() {
        return "SasToken[sr=" + resource + ", se=" + expiry + (keyName == null ? "" : ", skn=" + keyName) + "]";
    }
}
