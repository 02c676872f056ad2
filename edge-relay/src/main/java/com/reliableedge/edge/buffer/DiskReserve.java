package com.reliableedge.edge.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

import io.quarkus.logging.Log;

/**
 * A ballast file beside the store: disk space held back so that releasing delivered messages can still commit when
 * the filesystem is full. SQLite needs new space even to delete (the deleting transaction is appended to the WAL),
 * so without it a full disk could never be emptied. The store gives the ballast up on {@code SQLITE_FULL} while
 * releasing, and rebuilds it once the filesystem has room for it again (see {@link SqliteBuffer}). Not thread-safe:
 * the store calls it under its own lock.
 */
final class DiskReserve {

    private static final int CHUNK = 64 * 1024;

    private final Path file;
    private final long bytes;
    private final AtomicLong uses = new AtomicLong();
    private volatile boolean present;

    /** @param bytes the ballast's size; 0 keeps no reserve */
    DiskReserve(Path file, long bytes) {
        this.file = file;
        this.bytes = Math.max(0, bytes);
        try {
            present = this.bytes > 0 && Files.isRegularFile(file) && Files.size(file) >= this.bytes;
        } catch (IOException e) {
            present = false;
        }
    }

    boolean enabled() {
        return bytes > 0;
    }

    /** Whether the ballast is on disk (always true when no reserve is kept). */
    boolean present() {
        return !enabled() || present;
    }

    long bytes() {
        return bytes;
    }

    /** How many times the ballast was given up. */
    long uses() {
        return uses.get();
    }

    /**
     * Writes the ballast if it is missing and the filesystem has room for it with {@code spare} bytes left over (so
     * rebuilding never fills the disk by itself).
     *
     * @return whether the ballast is on disk now
     */
    boolean ensure(long spare) {
        if (present()) {
            return true;
        }
        try {
            long usable = usableSpace() + (Files.exists(file) ? Files.size(file) : 0);
            if (usable < bytes + spare) {
                return false;
            }
            // Real zeros, not a sparse file: the blocks must be allocated to be worth anything when given up.
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer zeros = ByteBuffer.allocate(CHUNK);
                long written = 0;
                while (written < bytes) {
                    zeros.clear().limit((int) Math.min(CHUNK, bytes - written));
                    written += ch.write(zeros);
                }
                ch.force(true);
            }
            present = true;
            Log.infof("Disk reserve %s (%d bytes) is in place", file, bytes);
            return true;
        } catch (IOException e) {
            deleteQuietly();
            Log.debugf("Disk reserve %s cannot be rebuilt yet: %s", file, e.getMessage());
            return false;
        }
    }

    /**
     * Gives the ballast up, so that a release can commit on a full disk.
     *
     * @return whether there was a ballast to give up
     */
    boolean release() {
        if (!enabled() || !present) {
            return false;
        }
        present = false;
        deleteQuietly();
        long n = uses.incrementAndGet();
        Log.warnf("Disk is full: gave up the disk reserve %s (%d bytes, use %d) so that delivered messages can be"
                + " released; sealing waits until it is rebuilt", file, bytes, n);
        return true;
    }

    /** Free bytes on the filesystem of the store. */
    long usableSpace() throws IOException {
        return Files.getFileStore(file.toAbsolutePath().getParent()).getUsableSpace();
    }

    private void deleteQuietly() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Log.warnf("Cannot delete the disk reserve %s: %s", file, e.getMessage());
        }
    }
}
