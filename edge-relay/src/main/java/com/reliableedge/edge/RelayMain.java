package com.reliableedge.edge;

import com.reliableedge.edge.buffertool.BufferTool;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The binary's entry point. {@code buffer …} runs the buffer tool ({@link BufferTool}) and exits without starting
 * Quarkus: no loops, no transport, no HTTP server, the store opened read-only. Anything else starts the relay exactly
 * as Quarkus's generated main does ({@link Quarkus#run(String...)}: same startup, shutdown hooks and exit codes).
 */
@QuarkusMain
public class RelayMain {

    public static void main(String... args) {
        if (args.length > 0 && BufferTool.NAME.equals(args[0])) {
            System.exit(BufferTool.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        Quarkus.run(args);
    }
}
