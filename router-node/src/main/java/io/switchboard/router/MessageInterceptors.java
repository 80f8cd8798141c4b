package io.switchboard.router;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.router.module.InterceptedMessage;
import io.switchboard.router.module.MessageInterceptor;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the registered {@link MessageInterceptor}s over one message, in registration order. A
 * message is never lost here: an interceptor that throws, fails or does not answer within
 * {@link #TIME_LIMIT} is logged and counted, and the message goes on as it was before it.
 */
final class MessageInterceptors {
    private static final Logger LOG = LoggerFactory.getLogger(MessageInterceptors.class);

    /** How long one interceptor may take before the message goes on without it. */
    static final Duration TIME_LIMIT = Duration.ofSeconds(5);

    /** A registered interceptor and the module that registered it (for logs and metrics). */
    record Registered(String module, MessageInterceptor interceptor) {
    }

    private final List<Registered> interceptors;
    private final MeterRegistry meters;
    private final long timeLimitMillis;
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();

    MessageInterceptors(List<Registered> interceptors, MeterRegistry meters) {
        this(interceptors, meters, TIME_LIMIT);
    }

    MessageInterceptors(List<Registered> interceptors, MeterRegistry meters, Duration timeLimit) {
        this.interceptors = interceptors;
        this.meters = meters;
        this.timeLimitMillis = Math.max(1, timeLimit.toMillis());
    }

    boolean isEmpty() {
        return interceptors.isEmpty();
    }

    /** Completes (never fails) with the message as the last interceptor left it. */
    Future<InterceptedMessage> run(InterceptedMessage message, Context context) {
        return step(message, 0, context);
    }

    private Future<InterceptedMessage> step(InterceptedMessage message, int index, Context context) {
        if (index == interceptors.size()) {
            return Future.succeededFuture(message);
        }
        Registered r = interceptors.get(index);
        return guarded(r, message, context).compose(next -> step(next, index + 1, context));
    }

    private Future<InterceptedMessage> guarded(Registered r, InterceptedMessage message, Context context) {
        Future<InterceptedMessage> answer;
        try {
            answer = r.interceptor().intercept(message);
        } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
        }
        if (answer == null) {
            answer = Future.failedFuture(new IllegalStateException("interceptor returned null"));
        }
        if (answer.isComplete()) {
            return Future.succeededFuture(outcome(r, message, answer));
        }
        Promise<InterceptedMessage> done = Promise.promise();
        // Exactly one of the timer and the answer settles the step; the timeout is counted before
        // the chain moves on, so whoever sees the message next also sees the count.
        AtomicBoolean settled = new AtomicBoolean();
        long timer = context.owner().setTimer(timeLimitMillis, t -> {
            if (settled.compareAndSet(false, true)) {
                failed(r, message, "timeout", null);
                done.complete(message);
            }
        });
        answer.onComplete(result -> {
            context.owner().cancelTimer(timer);
            if (settled.compareAndSet(false, true)) {
                done.complete(outcome(r, message, result));
            }
        });
        // Continue on the router's context whichever thread completed the interceptor's future.
        return Future.fromCompletionStage(done.future().toCompletionStage(), context);
    }

    private InterceptedMessage outcome(Registered r, InterceptedMessage before, AsyncResult<InterceptedMessage> result) {
        if (result.succeeded() && result.result() != null) {
            return result.result();
        }
        failed(r, before, "error", result.succeeded() ? new IllegalStateException("null message") : result.cause());
        return before;
    }

    private void failed(Registered r, InterceptedMessage message, String reason, Throwable cause) {
        failures.computeIfAbsent(r.module() + "/" + reason, k -> Counter.builder("xmpp.router.interceptor.failures")
                .description("Message interceptors that failed or timed out (the message went on unchanged)")
                .tag("module", r.module()).tag("reason", reason).register(meters)).increment();
        if (cause == null) {
            LOG.warn("Message interceptor of module {} did not answer within {} ms for {}; delivering unchanged",
                    r.module(), timeLimitMillis, message);
        } else {
            LOG.warn("Message interceptor of module {} failed for {}; delivering unchanged", r.module(), message, cause);
        }
    }
}
