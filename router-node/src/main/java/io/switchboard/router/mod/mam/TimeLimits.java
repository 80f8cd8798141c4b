package io.switchboard.router.mod.mam;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Bounds how long the archive waits for storage, so a stuck store never leaves a client hanging. */
final class TimeLimits {
    private TimeLimits() {
    }

    /**
     * {@code answer}, or a {@link TimeoutException} failure once {@code limit} has passed; either
     * way completed on {@code context}. A late answer is ignored.
     */
    static <T> Future<T> within(Future<T> answer, Duration limit, Context context, String what) {
        if (answer.isComplete()) {
            return answer;
        }
        Promise<T> bounded = Promise.promise();
        long timer = context.owner().setTimer(limit.toMillis(), t -> bounded.tryFail(
                new TimeoutException(what + " did not answer within " + limit.toMillis() + " ms")));
        answer.onComplete(result -> {
            context.owner().cancelTimer(timer);
            if (result.succeeded()) {
                bounded.tryComplete(result.result());
            } else {
                bounded.tryFail(result.cause());
            }
        });
        return Future.fromCompletionStage(bounded.future().toCompletionStage(), context);
    }
}
