package com.reliableedge.protocol.message;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import com.reliableedge.protocol.ProtocolException;

/**
 * The {@code messageId} rule: lowercase hex of the first 16 bytes of SHA-256 over
 * {@code 1|deviceId|batchId|messageType|startWindow|endWindow|isBackfill|isLate|discriminator}, with the windows in
 * wire form. A message sent twice has one id, which is what makes ingest idempotent.
 */
public final class MessageIds {

    /** Length of a message id in hex characters. */
    public static final int LENGTH = 32;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private MessageIds() {
    }

    /** Computes the id; {@code discriminator} is empty for batches, {@code lateSeq} or {@code requestId} else. */
    public static String of(String deviceId, String batchId, MessageType type, String startWindow, String endWindow,
            boolean backfill, boolean late, String discriminator) {
        String input = "1|" + deviceId + "|" + batchId + "|" + type.wireName() + "|" + startWindow + "|" + endWindow
                + "|" + backfill + "|" + late + "|" + discriminator;
        byte[] digest = sha256().digest(input.getBytes(StandardCharsets.UTF_8));
        char[] out = new char[LENGTH];
        for (int i = 0; i < LENGTH / 2; i++) {
            out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(out);
    }

    /** Checks the shape of a received id: 32 lowercase hex characters. */
    public static String requireValid(String messageId) {
        if (messageId == null) {
            throw ProtocolException.missing(PropertyNames.MESSAGE_ID);
        }
        boolean ok = messageId.length() == LENGTH;
        for (int i = 0; ok && i < LENGTH; i++) {
            char c = messageId.charAt(i);
            ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }
        if (!ok) {
            throw new ProtocolException(PropertyNames.MESSAGE_ID, messageId, "must be 32 lowercase hex characters");
        }
        return messageId;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
