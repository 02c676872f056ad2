package com.reliableedge.edge.buffertool;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;

import com.reliableedge.edge.buffer.StoreView;

import io.quarkus.runtime.annotations.RegisterForReflection;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code quarkus-run.jar buffer inspect|verify|export}: looks into the store of a relay, running or not, without
 * changing it ({@link StoreView}). Exit codes: {@value #OK} fine, {@value #BROKEN} the store is broken
 * ({@code verify}), {@value #UNUSABLE} a usage error or a store that cannot be read (missing, not a relay store).
 */
@Command(name = BufferTool.NAME, mixinStandardHelpOptions = true, subcommands = {InspectCommand.class,
        VerifyCommand.class, ExportCommand.class}, description = "Looks into the edge relay's store (read-only, safe"
                + " while the relay runs).", footer = {"", "Exit codes: 0 ok, 1 the store is broken (verify),"
                        + " 2 usage error or the store cannot be read."})
@RegisterForReflection
public class BufferTool implements Callable<Integer> {

    /** The first argument that selects the tool instead of the relay. */
    public static final String NAME = "buffer";
    public static final int OK = 0;
    public static final int BROKEN = 1;
    public static final int UNUSABLE = 2;

    /** Tests pin "now" (the live/backlog boundary); the binary uses the system clock. */
    static Clock clock = Clock.systemUTC();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("buffer: name a command (inspect, verify or export)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return UNUSABLE;
    }

    /** Runs the tool on the process's stdout and stderr; returns the exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine line = new CommandLine(new BufferTool());
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, cl, parsed) -> {
            cl.getErr().println("buffer " + cl.getCommandName() + ": " + message(e));
            return UNUSABLE;
        });
        int code = line.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static String message(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
