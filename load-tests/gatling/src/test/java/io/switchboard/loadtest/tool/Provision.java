package io.switchboard.loadtest.tool;

import io.gatling.netty.util.Transports;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.switchboard.loadtest.run.RunSettings;
import io.switchboard.loadtest.xml.XmlElement;
import io.switchboard.loadtest.xmpp.Stanzas;
import io.switchboard.loadtest.xmpp.XmppException;
import io.switchboard.loadtest.xmpp.XmppListener;
import io.switchboard.loadtest.xmpp.XmppTcpClient;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The setup step before a timed run, over the wire so it works against any XMPP server:
 * <ol>
 *   <li>accounts {@code <prefix>0 .. <prefix>N-1} by in-band registration (XEP-0077), many requests
 *       pipelined on a few TLS connections; an existing account (conflict) counts as done;</li>
 *   <li>with {@code --contacts K}: groups of K+1 users become mutual contacts (subscription both)
 *       through real subscription handshakes (RFC 6121 §3), sped up by pre-approval (§3.4) where
 *       the server supports it and by answering every request otherwise;</li>
 *   <li>with {@code --history H}: users 2k and 2k+1 exchange H messages each way, so each archive
 *       (XEP-0313) holds 2H.</li>
 * </ol>
 * Each part is skipped where it is already done (the last user logs in; a roster is complete; the
 * pair's last archived message is the final history message), so running it again is cheap.
 *
 * <pre>
 *   Provision --target 127.0.0.1:5222 --users 20000 [--prefix lt] [--contacts 10] [--history 100]
 * </pre>
 */
public final class Provision {
    private final InetSocketAddress[] targets;
    private final String domain;
    private final String prefix;
    private final String password;
    private final int users;
    private final int contacts;
    private final int history;
    private final int concurrency;
    private final long timeoutMillis;
    private final List<String> mechanisms;
    private final EventLoopGroup loops;
    private final ChannelFactory<? extends Channel> channels;

    private Provision(Map<String, String> o) {
        this.targets = RunSettings.parseTargets(o.getOrDefault("target", "127.0.0.1:5222")).toArray(new InetSocketAddress[0]);
        this.domain = o.getOrDefault("domain", "localhost");
        this.prefix = o.getOrDefault("prefix", "lt");
        this.password = o.getOrDefault("password", "loadtest-secret");
        this.users = Integer.parseInt(o.getOrDefault("users", "100"));
        this.contacts = Integer.parseInt(o.getOrDefault("contacts", "0"));
        this.history = Integer.parseInt(o.getOrDefault("history", "0"));
        this.concurrency = Integer.parseInt(o.getOrDefault("concurrency", "64"));
        this.timeoutMillis = Long.parseLong(o.getOrDefault("timeout", "60")) * 1000;
        this.mechanisms = List.of(o.getOrDefault("mechanisms", "SCRAM-SHA-256,SCRAM-SHA-1,PLAIN").split(","));
        this.loops = Transports.newEventLoopGroup(true, false, 2, "provision");
        this.channels = Transports.newSocketChannelFactory(true, false);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Options.parse(args);
        Provision p = new Provision(o);
        long began = System.nanoTime();
        int status = 0;
        try {
            p.accounts(Boolean.parseBoolean(o.getOrDefault("force", "false")));
            if (p.contacts > 0) {
                p.rosters();
            }
            if (p.history > 0) {
                p.history();
            }
            System.out.printf("provision: done in %.1f s%n", (System.nanoTime() - began) / 1e9);
        } catch (RuntimeException e) {
            System.err.println("provision: FAILED: " + XmppException.describe(e));
            status = 1;
        } finally {
            p.loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        System.exit(status);
    }

    private String user(int i) {
        return prefix + i;
    }

    private String jid(int i) {
        return user(i) + "@" + domain;
    }

    private XmppTcpClient newClient() {
        return new XmppTcpClient(loops.next(), channels, domain, timeoutMillis);
    }

    /** Connect, STARTTLS, and (for {@code index >= 0}) log in as that user with a bound resource. */
    private CompletableFuture<XmppTcpClient> open(int index, boolean presence, XmppListener listener) {
        XmppTcpClient c = newClient();
        c.listener(listener);
        InetSocketAddress target = targets[Math.max(0, index) % targets.length];
        return c.onLoop(() -> {
            CompletableFuture<?> f = c.connect(target, null).thenCompose(x -> c.startTls());
            if (index >= 0) {
                f = f.thenCompose(x -> c.authenticate(user(index), password, mechanisms))
                        .thenCompose(x -> c.bind("provision"));
                if (presence) {
                    f = f.thenCompose(x -> c.presenceAndEcho(Stanzas.presence(null, null)));
                }
            }
            return f.thenApply(x -> c);
        }).whenComplete((x, e) -> {
            if (e != null) {
                c.abort();
            }
        });
    }

    private static CompletableFuture<Void> close(XmppTcpClient c) {
        return c.onLoop(c::close);
    }

    // ---- accounts -------------------------------------------------------------------------------

    private void accounts(boolean force) {
        int from = force ? 0 : existingPrefix();
        if (from == users) {
            System.out.printf("provision: accounts %s0..%s%d exist (the last one logs in); skipping registration%n",
                    prefix, prefix, users - 1);
            return;
        }
        if (from > 0) {
            System.out.printf("provision: accounts %s0..%s%d exist already%n", prefix, prefix, from - 1);
        }
        System.out.printf("provision: registering %d accounts %s%d..%s%d (XEP-0077) ...%n", users - from, prefix, from,
                prefix, users - 1);
        Registrations work = new Registrations(users);
        work.next.set(from);
        work.existed.set(from);
        int connections = Math.max(1, Math.min(8, concurrency / 16));
        int window = Math.max(1, concurrency / connections);
        Progress progress = new Progress("registered", () -> work.created.get() + work.existed.get(), users);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int w = 0; w < connections; w++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            registerOnNewConnection(work, window, done);
            workers.add(done);
        }
        try {
            CompletableFuture.allOf(workers.toArray(new CompletableFuture[0])).join();
        } finally {
            progress.stop();
        }
        System.out.printf("provision: %d created, %d existed already%n", work.created.get(), work.existed.get());
        if (work.created.get() + work.existed.get() < users) {
            throw new XmppException("registration incomplete: " + (work.created.get() + work.existed.get()) + " of "
                    + users);
        }
    }

    /**
     * How many accounts exist already, assuming earlier runs registered a prefix of the range (they
     * go in index order): a binary search with logins, so a bigger run after a smaller one only
     * registers the new users (a registration costs the server a PBKDF2 even when the name is taken).
     */
    private int existingPrefix() {
        if (canLogIn(users - 1)) {
            return users;
        }
        if (!canLogIn(0)) {
            return 0;
        }
        int lo = 1;
        int hi = users - 1; // invariant: user lo - 1 can log in, user hi cannot
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (canLogIn(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private boolean canLogIn(int index) {
        try {
            close(open(index, false, XmppListener.NONE).join()).join();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The registrations still to do, shared by the connections that do them. */
    private static final class Registrations {
        final int users;
        final AtomicInteger next = new AtomicInteger();
        final ConcurrentLinkedQueue<Integer> retry = new ConcurrentLinkedQueue<>();
        final AtomicLong created = new AtomicLong();
        final AtomicLong existed = new AtomicLong();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicInteger interrupted = new AtomicInteger();

        Registrations(int users) {
            this.users = users;
        }

        Integer take() {
            Integer i = retry.poll();
            if (i != null) {
                return i;
            }
            int n = next.getAndIncrement();
            return n < users ? n : null;
        }

        boolean allTaken() {
            return next.get() >= users && retry.isEmpty();
        }
    }

    /**
     * One connection's share: up to {@link #REGISTRATIONS_PER_CONNECTION} registrations, or
     * {@link #CONNECTION_LIFETIME_MILLIS}, with {@code window} in flight; then a fresh connection, until
     * nothing is left. Servers close a connection that has not authenticated after a while (RFC 6120
     * §4.3 leaves it to them; Switchboard's handshake timeout is 30 s), so none is kept for long.
     * Requests lost with a connection are done again on the next one.
     */
    private void registerOnNewConnection(Registrations work, int window, CompletableFuture<Void> done) {
        if (work.allTaken()) {
            done.complete(null);
            return;
        }
        open(-1, false, XmppListener.NONE).whenComplete((c, e) -> {
            if (e != null) {
                if (work.interrupted.incrementAndGet() > 1000) {
                    done.completeExceptionally(e);
                } else {
                    registerOnNewConnection(work, window, done);
                }
                return;
            }
            c.onLoop(() -> {
                new RegistrationBatch(c, work, window, () -> {
                    close(c);
                    registerOnNewConnection(work, window, done);
                }, done).pump();
                return CompletableFuture.completedFuture(null);
            });
        });
    }

    private static final int REGISTRATIONS_PER_CONNECTION = 400;
    private static final long CONNECTION_LIFETIME_MILLIS = 15_000;

    /** The registrations on one connection (all on its event loop). */
    private final class RegistrationBatch {
        private final XmppTcpClient c;
        private final Registrations work;
        private final int window;
        private final Runnable onEnd;
        private final CompletableFuture<Void> failed;
        private final long deadline = System.nanoTime() + CONNECTION_LIFETIME_MILLIS * 1_000_000;
        private int inFlight;
        private int sent;
        private boolean ended;

        RegistrationBatch(XmppTcpClient c, Registrations work, int window, Runnable onEnd, CompletableFuture<Void> failed) {
            this.c = c;
            this.work = work;
            this.window = window;
            this.onEnd = onEnd;
            this.failed = failed;
        }

        void pump() {
            while (!ended && !failed.isDone() && inFlight < window && c.isConnected()
                    && sent < REGISTRATIONS_PER_CONNECTION && System.nanoTime() < deadline) {
                Integer index = work.take();
                if (index == null) {
                    break;
                }
                inFlight++;
                sent++;
                c.iq(id -> Stanzas.register(id, user(index), password)).whenComplete((r, err) -> done(index, err));
            }
            if (inFlight == 0 && !ended) {
                ended = true;
                onEnd.run();
            }
        }

        private void done(int index, Throwable err) {
            inFlight--;
            if (err == null) {
                work.created.incrementAndGet();
            } else {
                String why = XmppException.describe(err);
                if (why.equals("iq error: conflict")) {
                    work.existed.incrementAndGet(); // XEP-0077 §3.1: taken, by an earlier run
                } else {
                    work.retry.add(index);
                    boolean answered = why.startsWith("iq error");
                    if ((answered ? work.refused : work.interrupted).incrementAndGet() > (answered ? 100 : 1000)) {
                        failed.completeExceptionally(new XmppException("too many registration failures, last: " + why));
                        c.abort();
                        return;
                    }
                }
            }
            pump();
        }
    }

    // ---- rosters --------------------------------------------------------------------------------

    private void rosters() {
        int size = contacts + 1;
        int groups = (users + size - 1) / size;
        System.out.printf("provision: %d contact groups of %d (mutual subscriptions, RFC 6121 §3) ...%n", groups, size);
        AtomicLong doneUsers = new AtomicLong();
        AtomicLong handshakes = new AtomicLong();
        Progress progress = new Progress("users with complete rosters", doneUsers::get, users);
        int parallelGroups = Math.max(1, concurrency / size);
        runWindowed(groups, parallelGroups, g -> rosterGroup(g * size, Math.min(users, g * size + size), doneUsers,
                handshakes));
        progress.stop();
        System.out.printf("provision: rosters complete (%d subscription requests sent)%n", handshakes.get());
    }

    /** Logs in a whole group, subscribes where the roster is not complete, waits for 'both' everywhere. */
    private CompletableFuture<Void> rosterGroup(int from, int to, AtomicLong doneUsers, AtomicLong handshakes) {
        Map<Integer, RosterMember> members = new HashMap<>();
        List<CompletableFuture<XmppTcpClient>> logins = new ArrayList<>();
        for (int i = from; i < to; i++) {
            RosterMember m = new RosterMember(i, from, to);
            members.put(i, m);
            logins.add(open(i, true, m).thenApply(c -> {
                m.client = c;
                return c;
            }));
        }
        return CompletableFuture.allOf(logins.toArray(new CompletableFuture[0]))
                .thenCompose(v -> CompletableFuture.allOf(members.values().stream()
                        .map(m -> m.client.onLoop(() -> m.client.iq(Stanzas::rosterGet)).thenAccept(m::initialRoster))
                        .toArray(CompletableFuture[]::new)))
                .thenCompose(v -> CompletableFuture.allOf(members.values().stream().map(m -> m.client.onLoop(() -> {
                    for (int k = from; k < to; k++) {
                        if (k != m.index && !m.isBoth(jid(k))) {
                            // §3.4 pre-approval first, then the request; the peer does the same.
                            m.client.write(Stanzas.subscription(jid(k), "subscribed"));
                            m.client.write(Stanzas.subscription(jid(k), "subscribe"));
                            handshakes.incrementAndGet();
                        }
                    }
                    return m.client.deadline(m.complete, "roster of " + user(m.index) + " to complete");
                })).toArray(CompletableFuture[]::new)))
                .thenRun(() -> doneUsers.addAndGet(to - from))
                .whenComplete((v, e) -> members.values().forEach(m -> {
                    if (m.client != null) {
                        close(m.client);
                    }
                }));
    }

    /** One group member's view of its roster while the handshakes run. */
    private final class RosterMember implements XmppListener {
        final int index;
        final int from;
        final int to;
        final Map<String, String> subscription = new HashMap<>();
        final CompletableFuture<Void> complete = new CompletableFuture<>();
        XmppTcpClient client;

        RosterMember(int index, int from, int to) {
            this.index = index;
            this.from = from;
            this.to = to;
        }

        boolean isBoth(String jid) {
            return "both".equals(subscription.get(jid));
        }

        void initialRoster(XmlElement result) {
            XmlElement query = result.child("query");
            if (query != null) {
                for (XmlElement item : query.childrenNamed("item")) {
                    subscription.put(item.attribute("jid"), item.attribute("subscription"));
                }
            }
            check();
        }

        @Override
        public void onRosterPush(XmlElement item) {
            subscription.put(item.attribute("jid"), item.attribute("subscription"));
            check();
        }

        @Override
        public void onPresence(XmlElement presence, long readMicros) {
            if ("subscribe".equals(presence.attribute("type")) && client != null) {
                String from = presence.attribute("from");
                int slash = from == null ? -1 : from.indexOf('/');
                client.write(Stanzas.subscription(slash < 0 ? from : from.substring(0, slash), "subscribed"));
            }
        }

        private void check() {
            for (int k = from; k < to; k++) {
                if (k != index && !isBoth(jid(k))) {
                    return;
                }
            }
            complete.complete(null);
        }
    }

    // ---- history --------------------------------------------------------------------------------

    private void history() {
        int pairs = users / 2;
        System.out.printf("provision: %d pairs exchange %d messages each way (archives, XEP-0313) ...%n", pairs, history);
        AtomicLong donePairs = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        Progress progress = new Progress("pairs with history", donePairs::get, pairs);
        runWindowed(pairs, Math.max(1, concurrency / 2), p -> historyPair(2 * p, 2 * p + 1, donePairs, skipped));
        progress.stop();
        System.out.printf("provision: history complete (%d pairs had it already)%n", skipped.get());
    }

    private String historyBody(int sender, int n) {
        return "history " + n + "/" + history + " from " + user(sender);
    }

    private CompletableFuture<Void> historyPair(int a, int b, AtomicLong donePairs, AtomicLong skipped) {
        Counter ca = new Counter();
        Counter cb = new Counter();
        CompletableFuture<XmppTcpClient> la = open(a, true, ca);
        CompletableFuture<XmppTcpClient> lb = open(b, true, cb);
        return la.thenCombine(lb, (x, y) -> new XmppTcpClient[]{x, y}).thenCompose(c ->
                lastArchived(c[0], jid(b), ca).thenCompose(last -> {
                    if (historyBody(b, history - 1).equals(last)) {
                        skipped.incrementAndGet();
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return send(c[0], jid(b), a, cb).thenCompose(v -> send(c[1], jid(a), b, ca));
                }).whenComplete((v, e) -> {
                    close(c[0]);
                    close(c[1]);
                })).thenRun(donePairs::incrementAndGet);
    }

    /** The body of the newest archived message exchanged with {@code with}, or null. */
    private CompletableFuture<String> lastArchived(XmppTcpClient c, String with, Counter results) {
        return c.onLoop(() -> c.iq(id -> Stanzas.mamQuery(id, "check", with, 1, null))).thenApply(r -> results.lastBody);
    }

    private CompletableFuture<Void> send(XmppTcpClient from, String to, int sender, Counter receiver) {
        CompletableFuture<Void> received = from.deadline(receiver.await(history), "history messages");
        from.onLoop(() -> {
            for (int n = 0; n < history; n++) {
                from.write(Stanzas.chat(to, from.newId(), historyBody(sender, n)));
            }
            return CompletableFuture.completedFuture(null);
        });
        return received;
    }

    /** Counts chat messages received; remembers the body of the last archive result. */
    private final class Counter implements XmppListener {
        int count;
        String lastBody;
        int target = Integer.MAX_VALUE;
        final CompletableFuture<Void> reached = new CompletableFuture<>();

        CompletableFuture<Void> await(int n) {
            target = n;
            if (count >= n) {
                reached.complete(null);
            }
            return reached;
        }

        @Override
        public void onMessage(XmlElement message, long readMicros) {
            XmlElement result = message.child("result", Stanzas.NS_MAM);
            if (result != null) {
                XmlElement body = result.find("body");
                lastBody = body == null ? null : body.text();
                return;
            }
            if (message.childText("body") != null && ++count >= target) {
                reached.complete(null);
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Runs {@code task(0..n-1)} with at most {@code window} at once; fails on the first failure. */
    private static void runWindowed(int n, int window, IntFunction<CompletableFuture<Void>> task) {
        AtomicInteger next = new AtomicInteger();
        CompletableFuture<Void> all = new CompletableFuture<>();
        AtomicInteger running = new AtomicInteger();
        Runnable[] launch = new Runnable[1];
        launch[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= n) {
                if (running.get() == 0) {
                    all.complete(null);
                }
                return;
            }
            running.incrementAndGet();
            task.apply(i).whenComplete((v, e) -> {
                running.decrementAndGet();
                if (e != null) {
                    all.completeExceptionally(e);
                } else {
                    launch[0].run();
                }
            });
        };
        for (int w = 0; w < Math.min(window, n); w++) {
            launch[0].run();
        }
        if (n == 0) {
            all.complete(null);
        }
        all.join();
    }

    /** Prints "what: done/total" every 5 s on a daemon thread. */
    private static final class Progress {
        private final Thread thread;

        Progress(String what, java.util.function.LongSupplier done, long total) {
            long began = System.nanoTime();
            thread = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(5000);
                        long d = done.getAsLong();
                        double s = (System.nanoTime() - began) / 1e9;
                        System.out.printf("provision:   %s: %d / %d (%.0f/s)%n", what, d, total, d / s);
                    }
                } catch (InterruptedException e) {
                    // stopped
                }
            }, "provision-progress");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            thread.interrupt();
        }
    }
}
