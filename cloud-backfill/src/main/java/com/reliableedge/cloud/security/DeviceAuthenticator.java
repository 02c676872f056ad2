package com.reliableedge.cloud.security;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.Refusal;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.store.DeviceEntity;
import com.reliableedge.cloud.store.DeviceRepository;
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
    private final DeviceRepository devices;
    /** Device keys read recently, so that a message costs no database read before its own transaction. */
    private final Map<String, CachedKey> keys = new ConcurrentHashMap<>();

    private record CachedKey(String sharedKey, long readAtNanos) {
    }

    public DeviceAuthenticator(BackfillConfig config, Clock clock, DeviceRepository devices) {
        this.config = config;
        this.clock = clock;
        this.devices = devices;
    }

    /** Forgets a device's key at once (it was deleted). */
    public void forget(String deviceId) {
        keys.remove(deviceId);
    }

    /**
     * @throws Refusal {@code NOT_FOUND} for an unknown device, {@code UNAUTHENTICATED} for a missing, malformed,
     *         forged, expired or other-device token
     */
    public void authenticate(String deviceId, String authorization) {
        CachedKey cached = cachedKey(deviceId);
        String sharedKey = cached != null ? cached.sharedKey() : readKey(deviceId);
        SasToken token;
        try {
            token = SasToken.parse(authorization);
        } catch (ProtocolException e) {
            throw new Refusal(Refusal.Kind.UNAUTHENTICATED, e.getMessage(), HttpHeaderCodec.AUTHORIZATION, null);
        }
        String resource = SasToken.deviceResource(config.hubHostName(), deviceId);
        SasToken.Verdict verdict = token.verify(resource, sharedKey, clock.instant());
        if (verdict == SasToken.Verdict.BAD_SIGNATURE && cached != null) {
            // The device may have been deleted and registered again with a new key, on another instance.
            verdict = token.verify(resource, readKey(deviceId), clock.instant());
        }
        String problem = switch (verdict) {
            case VALID -> null;
            case EXPIRED -> "the SAS token has expired";
            case WRONG_RESOURCE -> "the SAS token was made for another resource than " + resource;
            case BAD_SIGNATURE -> "the SAS token's signature is not this device's";
        };
        if (problem != null) {
            throw new Refusal(Refusal.Kind.UNAUTHENTICATED, problem, HttpHeaderCodec.AUTHORIZATION, null);
        }
    }

    /**
     * For adapters whose broker authenticated the device (MQTT): only that it is registered, read as
     * {@link #authenticate} reads the key.
     *
     * @throws Refusal {@code NOT_FOUND} for an unknown device
     */
    public void requireRegistered(String deviceId) {
        if (cachedKey(deviceId) == null) {
            readKey(deviceId);
        }
    }

    /** The key read less than {@code backfill.ingest.device-key-cache} ago, or null. */
    private CachedKey cachedKey(String deviceId) {
        CachedKey cached = keys.get(deviceId);
        long ttl = config.ingest().deviceKeyCache().toNanos();
        return cached != null && System.nanoTime() - cached.readAtNanos() < ttl ? cached : null;
    }

    private String readKey(String deviceId) {
        DeviceEntity device = devices.find(deviceId);
        if (device == null) {
            keys.remove(deviceId);
            throw new Refusal(Refusal.Kind.NOT_FOUND, "device is not registered", "deviceId", deviceId);
        }
        if (config.ingest().deviceKeyCache().toNanos() > 0) {
            if (keys.size() >= MAX_CACHED_KEYS) {
                keys.clear();
            }
            keys.put(deviceId, new CachedKey(device.sharedKey, System.nanoTime()));
        }
        return device.sharedKey;
    }
}
