package com.reliableedge.edge.buffertool;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;

import com.reliableedge.edge.buffer.StoreView;
import com.reliableedge.edge.buffer.StoreView.Waiting;

import io.quarkus.runtime.annotations.RegisterForReflection;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code buffer export}: the waiting messages as JSON lines, in seal order, each with its body as the JSON sent. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Writes the waiting messages as JSON lines"
        + " (one message a line, in seal order, with its body).")
@RegisterForReflection
public class ExportCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Option(names = "--out", paramLabel = "FILE", description = "write to FILE (replaced once complete) instead of"
            + " stdout")
    Path outFile;

    @Option(names = "--stream", paramLabel = "NAME", description = "only this stream")
    String stream;

    @Option(names = "--lane", paramLabel = "LANE", description = "only this lane: live, backlog or backfill")
    String lane;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SendLane only = lane == null ? null : SendLane.fromLabel(lane);
        long liveSince = BufferTool.clock.millis() - store.liveWindow().toMillis();
        try (StoreView view = StoreView.open(store.storeFile())) {
            if (outFile == null) {
                PrintWriter out = spec.commandLine().getOut();
                int n = write(view, only, liveSince, out);
                out.flush();
                spec.commandLine().getErr().println("exported " + n + " message(s) from " + view.file());
                return BufferTool.OK;
            }
            // Written beside the target and moved into place: never a half-written export under its name.
            Path target = outFile.toAbsolutePath();
            Path tmp = target.resolveSibling(target.getFileName() + ".part");
            int n;
            try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(tmp),
                    StandardCharsets.UTF_8))) {
                n = write(view, only, liveSince, w);
            } catch (IOException | SQLException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            spec.commandLine().getErr().println("exported " + n + " message(s) from " + view.file() + " to "
                    + target);
            return BufferTool.OK;
        } catch (StoreView.Unavailable e) {
            spec.commandLine().getErr().println("buffer export: " + e.getMessage());
            return BufferTool.UNUSABLE;
        }
    }

    private int write(StoreView view, SendLane only, long liveSince, Writer w) throws SQLException, IOException {
        int n = 0;
        for (Waiting m : view.messages(true)) {
            SendLane l = SendLane.of(m, liveSince);
            if ((stream != null && !stream.equals(m.stream())) || (only != null && only != l)) {
                continue;
            }
            w.write(MessageJson.MAPPER.writeValueAsString(MessageJson.withBody(m, l)));
            w.write('\n');
            n++;
        }
        return n;
    }
}
