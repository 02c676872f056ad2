package com.reliableedge.edge.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.logging.Log;
import io.vertx.ext.web.Router;

/**
 * Closes the connection of a request not answered within {@code relay.http.request-timeout} of its headers, so a
 * client that drips its body a byte at a time (which the idle timeout never catches) cannot hold a connection.
 */
@ApplicationScoped
public class RequestDeadline {

    void install(@Observes Router router, RelayConfig config) {
        long millis = Math.max(1, config.http().requestTimeout().toMillis());
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            long timer = ctx.vertx().setTimer(millis, id -> {
                if (!ctx.response().ended() && !ctx.response().closed()) {
                    Log.warnf("Closing a %s %s request not done within %d ms (a slow client)", ctx.request().method(),
                            ctx.request().path(), millis);
                    ctx.request().connection().close();
                }
            });
            ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer));
            ctx.next();
        });
    }
}
