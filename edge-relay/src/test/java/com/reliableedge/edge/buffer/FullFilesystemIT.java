package com.reliableedge.edge.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.reliableedge.fixtures.SmallFilesystem;
import com.reliableedge.protocol.index.IndexKind;
import com.reliableedge.protocol.index.Window;
import com.reliableedge.protocol.message.MessageProperties;

/**
 * The store on a real 16 MB filesystem filled to the last byte, twice: releasing delivered messages always commits
 * (the disk reserve is given up for it), sealing resumes once the acknowledged messages' pages are returned and the
 * reserve is rebuilt, and the second episode recovers like the first.
 */
class FullFilesystemIT {

    private static final String STREAM = "line-1";
    private static final long RESERVE = 4L << 20;

    @TempDir
    Path tmp;

    private final Random random = new Random(7);
    private long cursor;
    private long seq;

    @Test
    void aFullDiskIsEmptiedByAcknowledgementsAndSealingResumes() throws Exception {
        try (SmallFilesystem fs = SmallFilesystem.mount(tmp.resolve("small"), 16);
                SqliteBuffer buffer = new SqliteBuffer(fs.dir().resolve("relay.db"), "site-7", 1L << 30, RESERVE,
                        DropListener.NONE)) {
            assertThat(buffer.reservePresent()).isTrue();
            for (int episode = 1; episode <= 2; episode++) {
                int sealed = fillUntilFull(buffer);
                assertThat(sealed).as("messages sealed before the disk was full").isPositive();
                assertThat(buffer.writable()).isFalse();
                assertThatThrownBy(() -> seal(buffer)).isInstanceOf(BufferFullException.class);

                // The link is back: every delivered message is released, oldest first, and sealing resumes.
                List<StoredMessage> held = buffer.nextToSend(100_000, Set.of(), 0);
                int acked = 0;
                int resumedAfter = -1;
                for (StoredMessage m : held) {
                    buffer.acknowledge(m.id());
                    acked++;
                    if (resumedAfter < 0 && trySeal(buffer)) {
                        resumedAfter = acked;
                    }
                }
                // The first episode needs the reserve; later ones may find room in the WAL the first one left.
                assertThat(buffer.reserveUses()).as("reserve given up by episode %d", episode).isBetween(1L,
                        (long) episode);
                assertThat(resumedAfter).as("sealing resumed after some acknowledgements").isPositive();
                System.out.printf("episode %d: %d messages filled 16 MB; reserve given up %d times so far; sealing"
                        + " resumed after %d acknowledgements; %d bytes usable after draining%n", episode, sealed,
                        buffer
                                .reserveUses(),
                        resumedAfter, fs.usableBytes());
                assertThat(buffer.reservePresent()).isTrue();
                assertThat(buffer.writable()).isTrue();
                assertThat(buffer.stats().messages()).isEqualTo(1);
                // The seal that resumed is the only message left, and its cursor is durable.
                assertThat(buffer.cursors().get(STREAM).cursor()).isEqualTo(cursor);
                buffer.acknowledge(buffer.nextToSend(1, Set.of(), 0).get(0).id());
            }
        }
    }

    private int fillUntilFull(SqliteBuffer buffer) {
        int sealed = 0;
        while (trySeal(buffer)) {
            sealed++;
            assertThat(sealed).as("the 16 MB disk fills up").isLessThan(10_000);
        }
        return sealed;
    }

    private boolean trySeal(SqliteBuffer buffer) {
        try {
            seal(buffer);
            return true;
        } catch (BufferFullException e) {
            return false;
        }
    }

    private void seal(SqliteBuffer buffer) {
        byte[] body = new byte[100_000];
        random.nextBytes(body);
        long next = cursor + 10;
        MessageProperties p = MessageProperties.live(STREAM, IndexKind.SEQUENCE, new Window(cursor, next), 10, seq + 1,
                0L);
        buffer.sealLive(List.of(new SealedMessage(p, body)), new StreamCursor(STREAM, IndexKind.SEQUENCE, next, seq
                + 1, 0, 0), null, System.currentTimeMillis());
        cursor = next;
        seq++;
    }
}
