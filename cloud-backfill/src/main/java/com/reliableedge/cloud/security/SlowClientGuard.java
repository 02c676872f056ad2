package com.reliableedge.cloud.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.reliableedge.cloud.config.BackfillConfig;

import io.quarkus.logging.Log;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;

/**
 * Closes the connection of a request whose body has not arrived in full within {@code backfill.http.body-timeout}
 * of its headers. The idle timeout ({@code quarkus.http.idle-timeout}) only catches a client that stops sending; this
 * catches one that trickles a byte now and then, which would otherwise hold a connection (and its buffer) for as long
 * as it likes.
 */
@ApplicationScoped
public class SlowClientGuard {

    private final BackfillConfig config;

    public SlowClientGuard(BackfillConfig config) {
        this.config = config;
    }

    void install(@Observes Router router) {
        long timeoutMillis = config.http().bodyTimeout().toMillis();
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            HttpServerRequest request = ctx.request();
            if (timeoutMillis > 0 && !request.isEnded()) {
                long timer = ctx.vertx().setTimer(timeoutMillis, id -> {
                    if (!request.isEnded()) {
                        Log.debugf("Closing the connection of %s %s: its body took longer than %d ms",
                                request.method(), request.path(), timeoutMillis);
                        request.connection().close();
                    }
                });
                ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer));
            }
            ctx.next();
        });
    }
}
