package com.reliableedge.edge.backfill;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import com.reliableedge.edge.buffer.BufferException;

import io.quarkus.logging.Log;

/** Runs {@link BackfillService#workOnce} on its own thread, so that slow history reads never hold up live sealing. */
public class BackfillWorker implements AutoCloseable {

    private final BackfillService service;
    private final Runnable onSealed;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private volatile boolean running = true;
    private boolean woken;

    public BackfillWorker(BackfillService service, Runnable onSealed) {
        this.service = service;
        this.onSealed = onSealed;
        this.thread = new Thread(this::run, "relay-backfill");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Whether the worker thread runs (or has not started yet, or was closed): an escaped error ends it. */
    public boolean alive() {
        return !running || thread.getState() == Thread.State.NEW || thread.isAlive();
    }

    /** A job was accepted or a batch acknowledged: look now. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (running) {
            boolean did;
            try {
                did = service.workOnce();
                if (did) {
                    onSealed.run();
                }
            } catch (BufferException e) {
                Log.warnf("Backfill step failed: %s", e.getMessage());
                did = false;
            } catch (RuntimeException e) {
                Log.errorf(e, "Backfill step failed");
                did = false;
            }
            if (!did) {
                pause();
            }
        }
    }

    private void pause() {
        lock.lock();
        try {
            if (!woken && running) {
                work.await(250, TimeUnit.MILLISECONDS);
            }
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
