package com.reliableedge.cloud.oneshot;

import java.time.Duration;

import org.jboss.logging.Logger;

import com.reliableedge.cloud.config.BackfillMode;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point. A service starts exactly as with Quarkus's default main. A one-shot run selected on the command
 * line or in the environment ({@code -Dbackfill.mode=one-shot}, {@code BACKFILL_MODE=one-shot}) also ends a failed
 * startup (the database or the retry queue unreachable, a bad key) with one line on standard error and the exit
 * code of {@link OneShotExit}, so that a job platform's execution history says why. The mode is read here, before
 * the configuration exists, only to pick that exit handler; what runs is decided by the configured mode.
 */
@QuarkusMain
public class BackfillMain {

    public static void main(String... args) {
        boolean oneShot = BackfillMode.isOneShot(System.getProperty("backfill.mode", System.getenv("BACKFILL_MODE")));
        // null: Quarkus's own handling (it logs the startup failure and exits 1), as without this class.
        Quarkus.run(BackfillApplication.class, oneShot ? BackfillMain::exitOneShot : null, args);
    }

    private static void exitOneShot(Integer code, Throwable failure) {
        int exitCode = code;
        if (failure != null) {
            // Quarkus logs a startup failure only when no handler is given: do it here.
            Logger.getLogger(BackfillMain.class).error("Failed to start application", failure);
            OneShotExit.Verdict verdict = OneShotExit.judgeStartup(failure);
            exitCode = verdict.exit().code();
            System.out.println(OneShotTally.NONE.summary(exitCode, Duration.ZERO));
            System.out.flush();
            System.err.println("one-shot: exit " + exitCode + ": " + verdict.reason());
            System.err.flush();
        }
        ApplicationLifecycleManager.getDefaultExitCodeHandler().accept(exitCode, failure);
    }
}
