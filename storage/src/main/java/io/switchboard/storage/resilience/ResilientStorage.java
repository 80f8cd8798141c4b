package io.switchboard.storage.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedTimeLimiterMetrics;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.storage.AccountStore;
import io.switchboard.storage.ArchiveStore;
import io.switchboard.storage.BlockingStore;
import io.switchboard.storage.NoSuchAccountException;
import io.switchboard.storage.OfflineStore;
import io.switchboard.storage.PrivateXmlStore;
import io.switchboard.storage.RosterStore;
import io.switchboard.storage.Storage;
import io.switchboard.storage.StorageException;
import io.switchboard.storage.VCardStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards every call of a {@link Storage} backend with a time limit, a circuit breaker and a
 * bulkhead (resilience4j), and exports their states and per-operation latencies as metrics.
 *
 * <p>Why: when the backend (Cassandra) is down or slow, callers must get a prompt
 * {@link StorageException} they can turn into an XMPP {@code wait} error, instead of piling up
 * calls that each wait for a driver timeout, and the node must keep serving what does not need
 * storage. The breaker opens after {@link ResilienceSettings#failureRateThreshold()} percent of
 * calls fail, refuses calls at once while open, and probes the backend by itself after
 * {@link ResilienceSettings#waitInOpenState()}, so recovery needs no operator.
 *
 * <p>Every store is wrapped by a dynamic proxy, so every method returning a
 * {@link CompletionStage}, including ones added later, is guarded without hand-written delegation.
 * Argument errors (thrown synchronously) pass through untouched and do not count as failures, nor
 * does {@link NoSuchAccountException}, which is an answer, not an outage.
 *
 * <p>Reads that logins and presence need ({@link AccountStore#find}, {@link AccountStore#exists},
 * the roster reads, {@link BlockingStore#blocked}, {@link ArchiveStore#prefs}) fall back to their
 * last successful result when they fail (see {@link FallbackCache}).
 */
public final class ResilientStorage implements Storage {

    private static final Logger LOG = LoggerFactory.getLogger(ResilientStorage.class);
    static final String NAME = "storage";

    /** Reads answered from the fallback cache while storage fails: "Interface.method". */
    private static final Set<String> FALLBACK_READS = Set.of("AccountStore.find", "AccountStore.exists",
            "RosterStore.roster", "RosterStore.version", "RosterStore.item", "BlockingStore.blocked",
            "ArchiveStore.prefs");

    /** Method names that only read; any other successful call for a user invalidates that user's fallback entries. */
    private static final Set<String> READ_METHODS = Set.of("find", "exists", "list", "count", "roster", "version",
            "item", "owners", "pending", "fetch", "query", "prefs", "get", "blocked");

    private final Storage delegate;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private final TimeLimiter timeLimiter;
    private final ScheduledExecutorService timer;
    private final FallbackCache fallback;
    private final MeterRegistry meters;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    private final AccountStore accounts;
    private final OfflineStore offline;
    private final RosterStore rosters;
    private final ArchiveStore archive;
    private final VCardStore vcards;
    private final PrivateXmlStore privateXml;
    private final BlockingStore blocking;

    private ResilientStorage(Storage delegate, ResilienceSettings settings, MeterRegistry meters) {
        this.delegate = delegate;
        this.meters = meters;
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRateThreshold())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.slidingWindowSize())
                .minimumNumberOfCalls(settings.minimumCalls())
                .waitDurationInOpenState(settings.waitInOpenState())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .permittedNumberOfCallsInHalfOpenState(3)
                .ignoreExceptions(NoSuchAccountException.class)
                .build());
        BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(settings.maxConcurrentCalls()).maxWaitDuration(java.time.Duration.ZERO).build());
        TimeLimiterRegistry limiters = TimeLimiterRegistry.of(TimeLimiterConfig.custom()
                .timeoutDuration(settings.callTimeout()).cancelRunningFuture(false).build());
        this.breaker = breakers.circuitBreaker(NAME);
        this.bulkhead = bulkheads.bulkhead(NAME);
        this.timeLimiter = limiters.timeLimiter(NAME);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storage-timeouts");
            t.setDaemon(true);
            return t;
        });
        this.fallback = new FallbackCache(settings.fallbackCacheEntries());
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                LOG.warn("Storage circuit breaker OPEN ({}): storage calls fail at once for {} s, then are retried",
                        delegate.description(), settings.waitInOpenState().toSeconds());
            } else {
                LOG.info("Storage circuit breaker {}", e.getStateTransition());
            }
        });
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        TaggedTimeLimiterMetrics.ofTimeLimiterRegistry(limiters).bindTo(meters);
        Gauge.builder("storage.fallback.cache.users", fallback, FallbackCache::users)
                .description("Users whose last reads are kept to answer them while storage fails").register(meters);

        this.accounts = guard(AccountStore.class, delegate.accounts());
        this.offline = guard(OfflineStore.class, delegate.offline());
        this.rosters = guard(RosterStore.class, delegate.rosters());
        this.archive = guard(ArchiveStore.class, delegate.archive());
        this.vcards = guard(VCardStore.class, delegate.vcards());
        this.privateXml = guard(PrivateXmlStore.class, delegate.privateXml());
        this.blocking = guard(BlockingStore.class, delegate.blocking());
    }

    /** Wraps {@code delegate}; closing the result closes it. */
    public static ResilientStorage wrap(Storage delegate, ResilienceSettings settings, MeterRegistry meters) {
        return new ResilientStorage(delegate, settings, meters);
    }

    /** The breaker's state, for health reporting and tests. */
    public CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    private <T> T guard(Class<T> type, T store) {
        InvocationHandler handler = new GuardedStore(type.getSimpleName(), store);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** Invokes one store's methods through the guards. */
    private final class GuardedStore implements InvocationHandler {
        private final String storeName;
        private final Object target;

        GuardedStore(String storeName, Object target) {
            this.storeName = storeName;
            this.target = target;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> storeName + "(" + target + ")";
                };
            }
            if (!CompletionStage.class.isAssignableFrom(method.getReturnType())) {
                return call(method, args);
            }
            String operation = storeName + "." + method.getName();
            String user = args != null && args.length > 0 && args[0] instanceof String s ? s : null;
            boolean fallbackRead = user != null && fallback.enabled() && FALLBACK_READS.contains(operation);
            CompletionStage<Object> guarded = guarded(operation, () -> call(method, args));
            if (fallbackRead) {
                List<Object> key = List.of(method.getName(), Arrays.asList(args));
                return guarded.handle((result, failure) -> {
                    if (failure == null) {
                        fallback.put(user, key, result);
                        return CompletableFuture.completedFuture(result);
                    }
                    Object cached = fallback.get(user, key);
                    if (cached != null && !(unwrap(failure) instanceof NoSuchAccountException)) {
                        meters.counter("storage.fallback.reads", "operation", operation).increment();
                        return CompletableFuture.completedFuture(cached);
                    }
                    return CompletableFuture.failedFuture(unwrap(failure));
                }).thenCompose(f -> f);
            }
            if (user != null && fallback.enabled() && !READ_METHODS.contains(method.getName())) {
                // A write for this user: what we cached for them may be outdated.
                return guarded.whenComplete((r, f) -> {
                    if (f == null) {
                        fallback.forget(user);
                    }
                });
            }
            return guarded;
        }

        private Object call(Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause(); // argument errors reach the caller exactly as the store threw them
            }
        }
    }

    @FunctionalInterface
    private interface Call {
        Object run() throws Throwable;
    }

    /**
     * Bulkhead, then breaker, then the call with a time limit. A synchronous throw from the store
     * (an argument error) releases both permissions and is rethrown as is.
     */
    @SuppressWarnings("unchecked")
    private CompletionStage<Object> guarded(String operation, Call call) throws Throwable {
        if (!bulkhead.tryAcquirePermission()) {
            record(operation, "rejected", 0);
            return CompletableFuture.failedFuture(new StorageException("storage overloaded: "
                    + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + " calls already in flight"));
        }
        if (!breaker.tryAcquirePermission()) {
            bulkhead.onComplete();
            record(operation, "rejected", 0);
            return CompletableFuture.failedFuture(new StorageException("storage unavailable (circuit breaker open "
                    + "after repeated failures; retrying automatically)", CallNotPermittedException
                    .createCallNotPermittedException(breaker)));
        }
        long start = System.nanoTime();
        CompletionStage<Object> stage;
        try {
            stage = (CompletionStage<Object>) call.run();
        } catch (Throwable t) {
            breaker.releasePermission();
            bulkhead.onComplete();
            throw t;
        }
        CompletionStage<Object> limited = timeLimiter.executeCompletionStage(timer, () -> stage);
        CompletableFuture<Object> result = new CompletableFuture<>();
        limited.whenComplete((value, failure) -> {
            long elapsed = System.nanoTime() - start;
            bulkhead.onComplete();
            if (failure == null) {
                breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                record(operation, "success", elapsed);
                result.complete(value);
                return;
            }
            Throwable cause = unwrap(failure);
            breaker.onError(elapsed, TimeUnit.NANOSECONDS, cause);
            if (cause instanceof TimeoutException) {
                record(operation, "timeout", elapsed);
                result.completeExceptionally(new StorageException("storage call " + operation + " timed out after "
                        + timeLimiter.getTimeLimiterConfig().getTimeoutDuration().toMillis() + " ms", cause));
            } else {
                record(operation, cause instanceof NoSuchAccountException ? "success" : "failure", elapsed);
                result.completeExceptionally(cause instanceof StorageException ? cause
                        : new StorageException("storage call " + operation + " failed: " + cause, cause));
            }
        });
        return result;
    }

    private void record(String operation, String outcome, long nanos) {
        timers.computeIfAbsent(operation + '|' + outcome, k -> Timer.builder("storage.operation")
                .description("Storage calls by operation and outcome (success, failure, timeout, rejected)")
                .tag("operation", operation).tag("outcome", outcome).register(meters))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public AccountStore accounts() {
        return accounts;
    }

    @Override
    public OfflineStore offline() {
        return offline;
    }

    @Override
    public RosterStore rosters() {
        return rosters;
    }

    @Override
    public ArchiveStore archive() {
        return archive;
    }

    @Override
    public VCardStore vcards() {
        return vcards;
    }

    @Override
    public PrivateXmlStore privateXml() {
        return privateXml;
    }

    @Override
    public BlockingStore blocking() {
        return blocking;
    }

    /** The backend underneath, e.g. for admin commands that need its specifics. */
    public Storage delegate() {
        return delegate;
    }

    @Override
    public String description() {
        return delegate.description() + " (guarded: timeout " + timeLimiter.getTimeLimiterConfig().getTimeoutDuration()
                .toMillis() + " ms, circuit breaker, bulkhead " + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + ")";
    }

    @Override
    public void close() {
        timer.shutdownNow();
        delegate.close();
    }
}
