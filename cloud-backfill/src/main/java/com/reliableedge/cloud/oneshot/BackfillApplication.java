package com.reliableedge.cloud.oneshot;

import com.reliableedge.cloud.config.BackfillConfig;
import com.reliableedge.cloud.config.BackfillMode;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/**
 * What the process does once started: as a service it waits for the shutdown signal (Quarkus's default), in
 * one-shot mode it runs {@link OneShotJob} once and exits with its code, printing the summary line on standard
 * output and, on failure, the reason on standard error.
 */
public class BackfillApplication implements QuarkusApplication {

    private final BackfillConfig config;
    private final OneShotJob job;

    public BackfillApplication(BackfillConfig config, OneShotJob job) {
        this.config = config;
        this.job = job;
    }

    @Override
    public int run(String... args) {
        if (config.mode() != BackfillMode.ONE_SHOT) {
            Quarkus.waitForExit();
            return 0;
        }
        OneShotJob.Result result = job.run();
        int code = result.verdict().exit().code();
        System.out.println(result.tally().summary(code, result.took()));
        System.out.flush();
        if (result.verdict().reason() != null) {
            System.err.println("one-shot: exit " + code + ": " + result.verdict().reason());
            System.err.flush();
        }
        return code;
    }
}
