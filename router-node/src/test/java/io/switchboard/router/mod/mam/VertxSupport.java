package io.switchboard.router.mod.mam;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs module code on a Vert.x event-loop context, as the router does, and waits for its future. */
final class VertxSupport {
    private VertxSupport() {
    }

    static <T> T await(Vertx vertx, Supplier<Future<T>> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> {
            try {
                call.get().onComplete(r -> {
                    if (r.succeeded()) {
                        result.complete(r.result());
                    } else {
                        result.completeExceptionally(r.cause());
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
