package com.reliableedge.cloud.invoker;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.HttpsURLConnection;

import com.azure.core.credential.AzureSasCredential;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubGatewayTimeoutException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClientOptions;
import com.reliableedge.protocol.auth.SasToken;
import com.reliableedge.protocol.binding.PemTrust;
import com.reliableedge.protocol.method.BackfillRequest;

/**
 * The {@code iothub} method invoker (PROTOCOL.md section 7): the IoT Hub service SDK's {@link DirectMethodsClient}
 * calls {@code backfill} with the payload as JSON, with the configured connect timeout (how long the hub waits for
 * the device to be connected) and response timeout (how long it waits for the answer). Hub errors (device not
 * online, gateway timeout, any other hub or transport error) are no answer.
 *
 * <p>
 * With a hub's connection string the SDK does everything. A {@code HostName} with a port ({@code 127.0.0.1:8443}: a
 * local stand-in of the hub; the SDK's own connection string parser refuses ports) is reached through the SDK's
 * {@code (host, AzureSasCredential)} constructor instead, with a service SAS token this class signs and renews.
 *
 * <p>
 * With a module id ({@code backfill.invoker.iothub.module-id}) the method is called on that module of the target
 * device ({@code /twins/{device}/modules/{module}/methods}): edge relays deployed as Azure IoT Edge modules.
 */
public final class IotHubMethodInvoker implements MethodInvoker {

    static final String KEY = "backfill.invoker.iothub.connection-string";
    static final String TRUST_KEY = "backfill.invoker.iothub.trust-store";

    private final DirectMethodsClient client;
    private final int connectSeconds;
    private final int responseSeconds;
    private final Clock clock;
    private final Duration tokenTtl;
    private final ServiceKey serviceKey;
    private final AzureSasCredential credential;
    private final Optional<String> moduleId;
    private volatile Instant tokenExpiry;

    /** What a service connection string names. */
    record ServiceKey(String hostName, String keyName, String key) {
        @Override
        public String toString() {
            return "ServiceKey[" + hostName + ", " + keyName + "]";
        }
    }

    /**
     * @throws IllegalArgumentException naming {@value #KEY} and the missing part when the connection string lacks
     *             one (the string itself is never echoed: it holds the key)
     */
    public IotHubMethodInvoker(String connectionString, Optional<Path> trustStore, Duration connectTimeout,
            Duration responseTimeout, Duration tokenTtl, Clock clock) {
        this(connectionString, trustStore, connectTimeout, responseTimeout, tokenTtl, clock, Optional.empty());
    }

    /** As above, calling the method on module {@code moduleId} of each device when one is given. */
    public IotHubMethodInvoker(String connectionString, Optional<Path> trustStore, Duration connectTimeout,
            Duration responseTimeout, Duration tokenTtl, Clock clock, Optional<String> moduleId) {
        this.moduleId = moduleId;
        this.serviceKey = parse(connectionString);
        this.connectSeconds = (int) Math.max(0, ceilSeconds(connectTimeout));
        this.responseSeconds = (int) Math.max(1, ceilSeconds(responseTimeout));
        this.clock = clock;
        this.tokenTtl = tokenTtl;
        // The SDK's HttpsURLConnection takes no per-client TLS settings: a trust store becomes the JVM's default
        // HTTPS trust, its CAs added to the JVM's own so that other HTTPS callers keep working.
        trustStore.ifPresent(p -> HttpsURLConnection.setDefaultSSLSocketFactory(PemTrust.sslContext(TRUST_KEY, p, true)
                .getSocketFactory()));
        DirectMethodsClientOptions options = DirectMethodsClientOptions.builder()
                .httpConnectTimeoutSeconds(Math.max(1, connectSeconds))
                // The hub holds the request open for up to connect + response timeout before it answers.
                .httpReadTimeoutSeconds(connectSeconds + responseSeconds + 1).build();
        try {
            if (serviceKey.hostName().contains(":")) {
                this.tokenExpiry = clock.instant().plus(tokenTtl);
                this.credential = new AzureSasCredential(sign(tokenExpiry));
                this.client = new DirectMethodsClient(serviceKey.hostName(), credential, options);
            } else {
                this.credential = null;
                this.client = new DirectMethodsClient(connectionString, options);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY + " is not a usable IoT Hub connection string for host '"
                    + serviceKey.hostName() + "': " + e.getMessage());
        }
    }

    @Override
    public MethodResult invoke(MethodTarget target, BackfillRequest request) {
        try {
            renewToken();
            DirectMethodRequestOptions options = DirectMethodRequestOptions.builder()
                    .payload(JsonParser.parseString(new String(request.toJson(), StandardCharsets.UTF_8)))
                    .methodConnectTimeoutSeconds(connectSeconds).methodResponseTimeoutSeconds(responseSeconds)
                    .build();
            DirectMethodResponse response = moduleId.isPresent()
                    ? client.invoke(target.deviceId(), moduleId.get(), MqttMethodInvoker.METHOD, options)
                    : client.invoke(target.deviceId(), MqttMethodInvoker.METHOD, options);
            Integer status = response.getStatus();
            if (status == null || status <= 0) {
                return MethodResult.noAnswer("the hub answered without a device status");
            }
            String payload = response.getPayloadAsJsonString();
            return new MethodResult(status, MethodPayloads.read(payload == null
                    ? null
                    : payload.getBytes(
                            StandardCharsets.UTF_8)),
                    "IoT Hub " + status);
        } catch (IotHubNotFoundException e) {
            return MethodResult.noAnswer("device not online or unknown to the hub: " + e.getMessage());
        } catch (IotHubGatewayTimeoutException e) {
            return MethodResult.noAnswer("the device did not answer in time: " + e.getMessage());
        } catch (IotHubException e) {
            return MethodResult.noAnswer("hub error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (IOException e) {
            return MethodResult.noAnswer("transport error: " + e);
        } catch (RuntimeException e) {
            // The SDK parses the hub's answer with Gson and may throw anything unchecked on a broken one.
            return MethodResult.noAnswer("hub call failed: " + e);
        }
    }

    private void renewToken() {
        if (credential == null) {
            return;
        }
        Instant now = clock.instant();
        if (now.isAfter(tokenExpiry.minus(tokenTtl.dividedBy(2)))) {
            Instant expiry = now.plus(tokenTtl);
            credential.update(sign(expiry));
            tokenExpiry = expiry;
        }
    }

    private String sign(Instant expiry) {
        return SasToken.sign(serviceKey.hostName(), serviceKey.key(), expiry) + "&skn=" + URLEncoder.encode(
                serviceKey.keyName(), StandardCharsets.UTF_8);
    }

    static ServiceKey parse(String connectionString) {
        if (connectionString == null || connectionString.isBlank()) {
            throw new IllegalArgumentException(KEY + " is required for backfill.invoker.kind 'iothub'");
        }
        Map<String, String> parts = new HashMap<>();
        for (String part : connectionString.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        for (String required : new String[]{"HostName", "SharedAccessKeyName", "SharedAccessKey"}) {
            String v = parts.get(required);
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException(KEY + " lacks " + required
                        + " (HostName=…;SharedAccessKeyName=…;SharedAccessKey=…)");
            }
        }
        return new ServiceKey(parts.get("HostName"), parts.get("SharedAccessKeyName"), parts.get("SharedAccessKey"));
    }

    private static long ceilSeconds(Duration d) {
        return (d.toMillis() + 999) / 1000;
    }
}
