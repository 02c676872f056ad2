package com.reliableedge.edge.buffertool;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.reliableedge.edge.buffer.StoreCheck;
import com.reliableedge.edge.buffer.StoreView;

import io.quarkus.runtime.annotations.RegisterForReflection;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code buffer verify}: SQLite's {@code integrity_check}, then what the relay's writes guarantee ({@link StoreCheck}).
 * Exits 1 naming every problem found, 0 when there is none.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, description = "Checks the store: SQLite's integrity_check,"
        + " then cursors against the sealed live batches, windows and sequence numbers per lane, backfill jobs."
        + " Exits 1 when broken.")
@RegisterForReflection
public class VerifyCommand implements Callable<Integer> {

    @Mixin
    StoreOptions store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> problems = new ArrayList<>();
        String path;
        try (StoreView view = StoreView.open(store.storeFile())) {
            path = view.file().toString();
            List<String> integrity = view.integrityCheck();
            if (!integrity.equals(List.of("ok"))) {
                integrity.forEach(line -> problems.add("integrity_check: " + line));
            } else {
                problems.addAll(StoreCheck.problems(view.cursors(), view.messages(false), view.jobs()));
            }
        } catch (StoreView.Unavailable e) {
            if (!e.corrupt()) {
                err.println("buffer verify: " + e.getMessage());
                return BufferTool.UNUSABLE;
            }
            err.println("buffer verify: BROKEN: " + e.getMessage());
            return BufferTool.BROKEN;
        } catch (SQLException e) {
            // Reading the rows failed after the file opened: SQLite found damage integrity_check did not stop at.
            err.println("buffer verify: BROKEN: " + store.storeFile().toAbsolutePath() + ": " + e.getMessage());
            return BufferTool.BROKEN;
        }
        if (problems.isEmpty()) {
            out.println("ok: " + path + " passes integrity_check and the relay's invariants");
            return BufferTool.OK;
        }
        err.println("buffer verify: BROKEN: " + path + " has " + problems.size() + " problem(s):");
        problems.forEach(p -> err.println("  " + p));
        return BufferTool.BROKEN;
    }
}
