package com.reliableedge.cloud.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.reliableedge.cloud.Refusal;
import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.request.RequestDecisions;
import com.reliableedge.cloud.request.RequestService;
import com.reliableedge.cloud.store.BackfillRequestEntity;
import com.reliableedge.cloud.store.DeviceEntity;
import com.reliableedge.cloud.store.DeviceRepository;
import com.reliableedge.cloud.store.RequestRepository;
import com.reliableedge.cloud.store.RequestState;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.protocol.ProtocolException;
import com.reliableedge.protocol.auth.ConnectionString;
import com.reliableedge.protocol.index.Identifiers;

/** The device registry: each device's generated key and, for the http invoker, its method URL. */
@ApplicationScoped
public class DeviceRegistry {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final BackfillConfig config;
    private final Clock clock;
    private final StreamStore streams;
    private final DeviceRepository devices;
    private final RequestRepository requestRows;
    private final RequestService requests;

    public DeviceRegistry(BackfillConfig config, Clock clock, StreamStore streams, DeviceRepository devices,
            RequestRepository requestRows, RequestService requests) {
        this.config = config;
        this.clock = clock;
        this.streams = streams;
        this.devices = devices;
        this.requestRows = requestRows;
        this.requests = requests;
    }

    /**
     * Registers a device with a new 256-bit key.
     *
     * @param methodUrl where the {@code http} invoker calls it; null for a device reached over MQTT or IoT Hub
     * @throws ProtocolException for a malformed id or URL
     * @throws Refusal {@code CONFLICT} when the id is taken
     */
    @Transactional
    public DeviceEntity create(String deviceId, String methodUrl) {
        Identifiers.require("deviceId", deviceId);
        if (methodUrl != null) {
            requireMethodUrl(methodUrl);
        }
        if (devices.find(deviceId) != null) {
            throw new Refusal(Refusal.Kind.CONFLICT, "device is already registered", "deviceId", deviceId);
        }
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        DeviceEntity d = new DeviceEntity();
        d.deviceId = deviceId;
        d.methodUrl = methodUrl;
        d.sharedKey = Base64.getEncoder().encodeToString(key);
        d.createdAt = clock.instant();
        d.persist();
        return d;
    }

    /** The IoT Hub-style connection string the device uses. */
    public ConnectionString connectionString(DeviceEntity device) {
        return ConnectionString.forDevice(config.hubHostName(), device.deviceId, device.sharedKey);
    }

    /** Deletes a device; its open requests fail (PROTOCOL.md section 9). Its streams and data stay. */
    @Transactional
    public boolean delete(String deviceId) {
        DeviceEntity device = devices.find(deviceId);
        if (device == null) {
            return false;
        }
        Instant now = clock.instant();
        // In id order, as the ingest writers lock streams, so that the two never deadlock.
        List<StreamEntity> owned = streams.ownedBy(deviceId);
        for (StreamEntity s : owned) {
            streams.lock(s.id);
            for (BackfillRequestEntity r : requestRows.inStates(s.id, RequestDecisions.ACTIVE)) {
                requests.finish(r, RequestState.FAILED, "device " + deviceId + " was deleted", now);
            }
        }
        device.delete();
        return true;
    }

    /** The length of the {@code method_url} column. */
    static final int MAX_METHOD_URL_LENGTH = 2048;

    private static void requireMethodUrl(String methodUrl) {
        // The column holds 2048 characters; a longer URL failed the insert with a 500 (found by HttpFuzzIT).
        if (methodUrl.length() > MAX_METHOD_URL_LENGTH) {
            throw new ProtocolException("methodUrl", methodUrl.length() + " characters", "is longer than "
                    + MAX_METHOD_URL_LENGTH + " characters");
        }
        try {
            URI uri = new URI(methodUrl);
            String scheme = uri.getScheme();
            if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || uri.getHost() == null) {
                throw new ProtocolException("methodUrl", methodUrl, "must be an absolute http or https URL");
            }
        } catch (URISyntaxException e) {
            throw new ProtocolException("methodUrl", methodUrl, "is not a URL", e);
        }
    }
}
