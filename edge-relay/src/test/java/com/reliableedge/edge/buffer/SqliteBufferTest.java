package com.reliableedge.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class SqliteBufferTest extends BatchBufferContractTest {

    @Override
    protected BatchBuffer create(Path dir, long maxBytes, DropListener listener) {
        return new SqliteBuffer(dir.resolve("relay.db"), DEVICE, maxBytes, listener);
    }

    private Path storeFile() {
        return dir.resolve("relay.db");
    }

    private long quarantinedFiles() throws IOException {
        Path q = dir.resolve("quarantine");
        if (!Files.isDirectory(q)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(q)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".db") || f.getFileName().toString()
                    .matches(".*\\.db\\.[0-9]+")).count();
        }
    }

    private void sealSome(BatchBuffer b) {
        for (int i = 0; i < 50; i++) {
            b.sealLive(List.of(live("s", i * 10, i * 10 + 10, i + 1)), cursor("s", i * 10 + 10, i + 1), null, i);
        }
    }

    @Test
    void aStoreThatCannotBeOpenedAtAllIsRetriedInsteadOfFailingTheRelay() throws IOException {
        // The store's directory cannot be created: its parent is a plain file.
        Path blocker = dir.resolve("blocked");
        Files.writeString(blocker, "not a directory");
        SqliteBuffer b = new SqliteBuffer(blocker.resolve("relay.db"), DEVICE, 1 << 20, listener, Duration.ZERO);
        try {
            assertThat(b.writable()).isFalse();
            assertThatThrownBy(() -> b.sealLive(List.of(live("s", 0, 10, 1)), cursor("s", 10, 1), null, 1))
                    .isInstanceOf(BufferException.class);
            Files.delete(blocker);
            // Space for it again: the next step opens it.
            assertThat(b.writable()).isTrue();
            b.sealLive(List.of(live("s", 0, 10, 1)), cursor("s", 10, 1), null, 1);
            assertThat(b.cursors()).containsKey("s");
        } finally {
            b.close();
        }
    }

    @Test
    void sealsAreFsyncedAndOnlyAcknowledgementsAreNot() {
        SqliteBuffer b = (SqliteBuffer) open(1 << 20);
        assertThat(b.synchronousLevel()).isEqualTo(2);
        b.sealLive(List.of(live("s", 0, 10, 1)), cursor("s", 10, 1), null, 1);
        b.acknowledge(b.nextToSend(1, Set.of(), 0).get(0).id());
        assertThat(b.synchronousLevel()).as("FULL again after an acknowledgement").isEqualTo(2);
    }

    @Test
    void aGarbledStoreIsQuarantinedAndAFreshOneStarts() throws IOException {
        BatchBuffer b = open(1 << 20);
        sealSome(b);
        b.close();
        // Overwrite the header and a good part of the file with noise.
        byte[] noise = new byte[8192];
        new Random(7).nextBytes(noise);
        try (RandomAccessFile f = new RandomAccessFile(storeFile().toFile(), "rw")) {
            f.seek(0);
            f.write(noise);
        }
        Files.deleteIfExists(Path.of(storeFile() + "-wal"));
        BatchBuffer fresh = open(1 << 20);
        assertThat(fresh.cursors()).isEmpty();
        assertThat(fresh.stats().messages()).isZero();
        assertThat(fresh.dropCounts()).containsEntry("unreadable", 1L);
        assertThat(dropped).containsExactly("unreadable * null");
        assertThat(quarantinedFiles()).isEqualTo(1);
        fresh.sealLive(List.of(live("s", 0, 10, 1)), cursor("s", 10, 1), null, 1);
        assertThat(fresh.writable()).isTrue();
        fresh.close();
        // It is not quarantined again on the next start.
        assertThat(open(1 << 20).cursors()).containsKey("s");
        assertThat(quarantinedFiles()).isEqualTo(1);
    }

    @Test
    void aTruncatedStoreIsQuarantinedAndAFreshOneStarts() throws IOException {
        SqliteBuffer b = (SqliteBuffer) open(1 << 20);
        sealSome(b);
        b.close();
        long size = Files.size(storeFile());
        assertThat(size).isGreaterThan(8192);
        try (RandomAccessFile f = new RandomAccessFile(storeFile().toFile(), "rw")) {
            f.setLength(size / 2 + 100);
        }
        SqliteBuffer fresh = (SqliteBuffer) open(1 << 20);
        assertThat(fresh.quarantined()).isEqualTo(1);
        assertThat(fresh.dropCounts()).containsEntry("unreadable", 1L);
        assertThat(fresh.cursors()).isEmpty();
        assertThat(fresh.writable()).isTrue();
    }

    @Test
    void onAFullDiskASealIsRefusedWholeAndSealingResumesWhenSpaceReturns() {
        SqliteBuffer b = (SqliteBuffer) open(1 << 30);
        b.sealLive(List.of(live("s", 0, 10, 1)), cursor("s", 10, 1), null, 1);
        b.limitPages(1);
        byte[] big = new byte[200_000];
        SealedMessage huge = new SealedMessage(live("s", 10, 20, 2).properties(), big);
        assertThatThrownBy(() -> b.sealLive(List.of(huge), cursor("s", 20, 2), null, 2)).isInstanceOf(
                BufferFullException.class);
        // Nothing of the refused step was written.
        assertThat(b.cursors().get("s").cursor()).isEqualTo(10);
        assertThat(b.stats().messages()).isEqualTo(1);
        assertThat(b.nextToSend(10, Set.of(), 0)).hasSize(1);
        b.limitPages(1_000_000);
        b.sealLive(List.of(huge), cursor("s", 20, 2), null, 3);
        assertThat(b.cursors().get("s").cursor()).isEqualTo(20);
        assertThat(b.stats().messages()).isEqualTo(2);
    }
}
