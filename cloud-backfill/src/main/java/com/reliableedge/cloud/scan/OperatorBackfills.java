package com.reliableedge.cloud.scan;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.request.RequestDecisions;
import com.reliableedge.cloud.request.RequestService;
import com.reliableedge.cloud.store.BackfillRequestEntity;
import com.reliableedge.cloud.store.DeviceRepository;
import com.reliableedge.cloud.store.OperatorBackfillEntity;
import com.reliableedge.cloud.store.OperatorBackfillRepository;
import com.reliableedge.cloud.store.RequestRepository;
import com.reliableedge.cloud.store.StreamEntity;
import com.reliableedge.cloud.store.StreamStore;
import com.reliableedge.protocol.index.Window;

/**
 * An operator's backfill of any width, planned lazily: its first windows become requests at once, the rest is kept
 * as one {@link OperatorBackfillEntity} from which each scan creates the next windows, while the stream has fewer
 * than {@code backfill.max-active-requests-per-stream} active requests. Nothing here grows with the window's width.
 */
@ApplicationScoped
public class OperatorBackfills {

    private final BackfillConfig config;
    private final StreamStore streams;
    private final OperatorBackfillRepository rows;
    private final RequestRepository requestRows;
    private final DeviceRepository devices;
    private final RequestService requests;

    public OperatorBackfills(BackfillConfig config, StreamStore streams, OperatorBackfillRepository rows,
            RequestRepository requestRows, DeviceRepository devices, RequestService requests) {
        this.config = config;
        this.streams = streams;
        this.rows = rows;
        this.requestRows = requestRows;
        this.devices = devices;
        this.requests = requests;
    }

    /**
     * Records the operator's window and creates its first requests. Runs in the caller's transaction, which holds
     * the stream's lock.
     */
    public List<BackfillRequestEntity> request(StreamEntity stream, Window window, Instant now) {
        OperatorBackfillEntity row = new OperatorBackfillEntity();
        row.streamId = stream.id;
        row.nextIndex = window.start();
        row.endIndex = window.end();
        row.createdAt = now;
        List<BackfillRequestEntity> created = advance(stream, row, config.maxNewRequestsPerScan(), now);
        if (row.nextIndex < row.endIndex) {
            row.persist();
        }
        return created;
    }

    /** The operator backfills with windows left whose streams are not parked, oldest first, at most {@code max}. */
    public List<OperatorBackfillRepository.Pending> pending(Instant now, int max) {
        return rows.pending(now, max);
    }

    /** Creates the next requests of one operator backfill (caller's transaction); returns how many. */
    public int plan(long rowId, int budget, Instant now) {
        OperatorBackfillEntity peek = rows.find(rowId);
        if (peek == null) {
            return 0;
        }
        StreamEntity stream = streams.lock(peek.streamId);
        rows.refresh(peek);
        if (stream == null || devices.find(stream.deviceId) == null) {
            peek.delete();
            return 0;
        }
        int created = advance(stream, peek, budget, now).size();
        if (peek.nextIndex >= peek.endIndex) {
            peek.delete();
        }
        return created;
    }

    private List<BackfillRequestEntity> advance(StreamEntity stream, OperatorBackfillEntity row, int budget,
            Instant now) {
        int limit = Math.min(budget, room(stream));
        if (limit <= 0 || row.nextIndex >= row.endIndex) {
            return List.of();
        }
        long maxSpan = RequestPlanner.maxSpan(stream.indexKind, config.maxBackfillSpan().time(),
                config.maxBackfillSpan().sequence());
        List<Window> windows = RequestPlanner.split(new Window(row.nextIndex, row.endIndex), maxSpan, limit);
        row.nextIndex = windows.get(windows.size() - 1).end();
        return requests.create(stream, windows, 1, null, true, now);
    }

    /** How many more active requests the stream may have. */
    int room(StreamEntity stream) {
        long active = requestRows.countInStates(stream.id, RequestDecisions.ACTIVE);
        return (int) Math.max(0, config.maxActiveRequestsPerStream() - active);
    }
}
