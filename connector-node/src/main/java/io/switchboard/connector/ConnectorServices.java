package io.switchboard.connector;

import io.switchboard.cluster.bus.InstanceRegistry;
import io.switchboard.cluster.directory.SessionDirectory;
import io.switchboard.connector.limits.ConnectionLimiter;
import io.switchboard.storage.AccountStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Node-wide services every connection of this connector uses. */
public final class ConnectorServices {
    private final ConnectorSettings settings;
    private final Vertx vertx;
    private final String nodeId;
    private final SessionDirectory directory;
    private final InstanceRegistry routers;
    private final AccountStore accounts;
    private final ConnectorMetrics metrics;
    private final ConnectionLimiter limiter;
    private final Map<String, ConnectionHandle> connections = new ConcurrentHashMap<>();
    private final String connectionIdPrefix = Long.toString(System.currentTimeMillis() / 1000, 36) + "-";
    private final AtomicLong connectionCounter = new AtomicLong();

    public ConnectorServices(ConnectorSettings settings, Vertx vertx, String nodeId, SessionDirectory directory,
                             InstanceRegistry routers, AccountStore accounts, ConnectorMetrics metrics) {
        this.settings = settings;
        this.vertx = vertx;
        this.nodeId = nodeId;
        this.directory = directory;
        this.routers = routers;
        this.accounts = accounts;
        this.metrics = metrics;
        this.limiter = new ConnectionLimiter(settings.maxConnections());
    }

    public ConnectorSettings settings() {
        return settings;
    }

    public Vertx vertx() {
        return vertx;
    }

    public EventBus eventBus() {
        return vertx.eventBus();
    }

    public String nodeId() {
        return nodeId;
    }

    /** The router address for a connection's stanzas (see {@link InstanceRegistry}). */
    public String routerFor(String connectionId) {
        return routers.instanceFor(connectionId);
    }

    public SessionDirectory directory() {
        return directory;
    }

    public AccountStore accounts() {
        return accounts;
    }

    public ConnectorMetrics metrics() {
        return metrics;
    }

    public ConnectionLimiter limiter() {
        return limiter;
    }

    /** Unique within this node's lifetime; the node id makes it unique in the cluster. */
    public String nextConnectionId() {
        return connectionIdPrefix + Long.toString(connectionCounter.incrementAndGet(), 36);
    }

    public void register(String connectionId, ConnectionHandle handle) {
        connections.put(connectionId, handle);
    }

    public void unregister(String connectionId) {
        connections.remove(connectionId);
    }

    public ConnectionHandle connection(String connectionId) {
        return connections.get(connectionId);
    }

    public Iterable<ConnectionHandle> allConnections() {
        return connections.values();
    }
}
