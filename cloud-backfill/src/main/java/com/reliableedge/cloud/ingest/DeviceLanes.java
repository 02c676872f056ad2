package com.reliableedge.cloud.ingest;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The lanes of a pull-based ingest adapter (MQTT, Kafka): a few single-thread executors, a device's messages always on
 * the same one, so that they stay in order while different devices' messages are recorded side by side (and group
 * commit can gather them).
 */
final class DeviceLanes {

    private final ExecutorService[] lanes;

    /** {@code count} lanes whose daemon threads are named {@code prefix-0}, {@code prefix-1}, … */
    DeviceLanes(String prefix, int count) {
        lanes = new ExecutorService[count];
        for (int i = 0; i < count; i++) {
            String name = prefix + "-" + i;
            lanes[i] = Executors.newSingleThreadExecutor(r -> daemon(r, name));
        }
    }

    /**
     * Queues {@code task} on the device's lane.
     *
     * @throws RejectedExecutionException once the lanes are shut down
     */
    void execute(String deviceId, Runnable task) {
        lanes[Math.floorMod(deviceId.hashCode(), lanes.length)].execute(task);
    }

    /**
     * Lets the running tasks finish and waits a few seconds for them. Not shutdownNow: an interrupt in the middle of a
     * commit makes H2 close the database for the whole process.
     */
    void shutdown() {
        for (ExecutorService lane : lanes) {
            lane.shutdown();
        }
        for (ExecutorService lane : lanes) {
            awaitQuietly(lane);
        }
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    static void awaitQuietly(ExecutorService executor) {
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
