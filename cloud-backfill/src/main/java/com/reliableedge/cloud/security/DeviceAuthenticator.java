package com.reliableedge.cloud.security;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.api.ApiException;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.store.DeviceEntity;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.binding.HttpHeaderCodec;

/**
 * Checks that a message comes from the device in its path: a SAS token signed with that device's key over
 * {@code <hubHostName>/devices/<deviceId>}, not expired. A device can never write another's streams.
 */
@ApplicationScoped
public class DeviceAuthenticator {

    private static final int MAX_CACHED_KEYS = 100_000;

    private final BackfillConfig config;
    private final Clock clock;
    /** Device keys read recently, so that a message costs no database read before its own transaction. */
    private final Map<String, CachedKey> keys = new ConcurrentHashMap<>();

    private record CachedKey(String sharedKey, long readAtNanos) {
    }

    public DeviceAuthenticator(BackfillConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Forgets a device's key at once (it was deleted). */
    public void forget(String deviceId) {
        keys.remove(deviceId);
    }

    /**
     * @throws ApiException 404 for an unknown device, 401 for a missing, malformed, forged, expired or
     *         other-device token
     */
    public void authenticate(String deviceId, String authorization) {
        String sharedKey = sharedKey(deviceId);
        SasToken token;
        try {
            token = SasToken.parse(authorization);
        } catch (ProtocolException e) {
            throw new ApiException(401, e.getMessage(), HttpHeaderCodec.AUTHORIZATION, null);
        }
        String resource = SasToken.deviceResource(config.hubHostName(), deviceId);
        SasToken.Verdict verdict = token.verify(resource, sharedKey, clock.instant());
        String problem = switch (verdict) {
            case VALID -> null;
            case EXPIRED -> "the SAS token has expired";
            case WRONG_RESOURCE -> "the SAS token was made for another resource than " + resource;
            case BAD_SIGNATURE -> "the SAS token's signature is not this device's";
        };
        if (problem != null) {
            throw new ApiException(401, problem, HttpHeaderCodec.AUTHORIZATION, null);
        }
    }

    private String sharedKey(String deviceId) {
        long ttl = config.ingest().deviceKeyCache().toNanos();
        long now = System.nanoTime();
        CachedKey cached = keys.get(deviceId);
        if (cached != null && now - cached.readAtNanos() < ttl) {
            return cached.sharedKey();
        }
        DeviceEntity device = DeviceEntity.findById(deviceId);
        if (device == null) {
            keys.remove(deviceId);
            throw new ApiException(404, "device is not registered", "deviceId", deviceId);
        }
        if (ttl > 0) {
            if (keys.size() >= MAX_CACHED_KEYS) {
                keys.clear();
            }
            keys.put(deviceId, new CachedKey(device.sharedKey, now));
        }
        return device.sharedKey;
    }
}
