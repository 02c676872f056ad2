package com.reliableedge.cloud.security;

import java.time.Clock;

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

    private final BackfillConfig config;
    private final Clock clock;

    public DeviceAuthenticator(BackfillConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * @throws ApiException 404 for an unknown device, 401 for a missing, malformed, forged, expired or
     *         other-device token
     */
    public void authenticate(String deviceId, String authorization) {
        DeviceEntity device = DeviceEntity.findById(deviceId);
        if (device == null) {
            throw new ApiException(404, "device is not registered", "deviceId", deviceId);
        }
        SasToken token;
        try {
            token = SasToken.parse(authorization);
        } catch (ProtocolException e) {
            throw new ApiException(401, e.getMessage(), HttpHeaderCodec.AUTHORIZATION, null);
        }
        String resource = SasToken.deviceResource(config.hubHostName(), deviceId);
        SasToken.Verdict verdict = token.verify(resource, device.sharedKey, clock.instant());
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
}
