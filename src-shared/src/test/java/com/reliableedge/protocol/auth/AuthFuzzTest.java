package com.reliableedge.protocol.auth;

import static com.reliableedge.protocol.FuzzChecks.check;
import static com.reliableedge.protocol.FuzzChecks.parseOrReject;
import static com.reliableedge.protocol.FuzzChecks.utf8;

import java.time.Instant;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of what arrives before any other check: the {@code Authorization} header's SAS token (which
 * must never verify unless signed with the key) and connection strings.
 */
class AuthFuzzTest {

    private static final String KEY = "c2VjcmV0LWtleS1mb3ItZnV6emluZy0xMjM0NTY3OA==";
    private static final String RESOURCE = SasToken.deviceResource("127.0.0.1", "site-7");
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    @FuzzTest(maxDuration = "30s")
    void sasToken(byte[] input) {
        String authorization = utf8(input);
        SasToken token = parseOrReject(() -> SasToken.parse(authorization));
        if (token == null) {
            return;
        }
        SasToken.Verdict verdict = token.verify(RESOURCE, KEY, NOW);
        if (verdict == SasToken.Verdict.VALID) {
            // Only the key's own signature verifies: the fuzzer cannot forge one, so a valid token is a signed one.
            check(token.signature().equals(SasToken.signature(token.resource(), KEY, token.expiry()))
                    && token.expiry() > NOW.getEpochSecond(), "a token verified without the key's signature");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void connectionString(byte[] input) {
        String value = utf8(input);
        ConnectionString parsed = parseOrReject(() -> ConnectionString.parse(value));
        if (parsed == null) {
            return;
        }
        check(parsed.sharedAccessKey().equals("***")
                || !parsed.toString().contains(ConnectionString.SHARED_ACCESS_KEY + "=" + parsed.sharedAccessKey()),
                "toString shows the key");
        check(ConnectionString.parse(parsed.format()).equals(parsed), "a connection string re-parses differently");
    }
}
