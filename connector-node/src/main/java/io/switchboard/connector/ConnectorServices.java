package io.switchboard.connector;

import io.switchboard.cluster.bus.InstanceRegistry;
import io.switchboard.cluster.directory.SessionDirectory;
import io.switchboard.connector.limits.ConnectionLimiter;
import io.switchboard.connector.sm.StreamManagement;
import io.switchboard.connector.stanza.RouterLink;
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
    private final RouterLink routerLink;
    private final Map<String, ConnectionHandle> connections = new ConcurrentHashMap<>();
    private final Map<String, StreamManagement> resumable = new ConcurrentHashMap<>();
    private final String connectionIdPrefix;
    private final AtomicLong connectionCounter = new AtomicLong();

    public ConnectorServices(ConnectorSettings settings, Vertx vertx, String nodeId, SessionDirectory directory,
                             InstanceRegistry routers, AccountStore accounts, ConnectorMetrics metrics) {
        this.settings = settings;
        this.vertx = vertx;
        this.nodeId = nodeId;
        // Unique in the cluster: a XEP-0198 session keeps its id when it moves to another node. The
        // start time tells a restarted node's connections from its previous life's.
        this.connectionIdPrefix = nodeId + "-" + Long.toString(System.currentTimeMillis() / 1000, 36) + "-";
        this.directory = directory;
        this.routers = routers;
        this.accounts = accounts;
        this.metrics = metrics;
        this.limiter = new ConnectionLimiter(settings.maxConnections());
        this.routerLink = new RouterLink(vertx, routers, metrics);
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

    /** Where a connection's stanzas go to be routed, acknowledged (see {@link RouterLink}). */
    public RouterLink routerLink() {
        return routerLink;
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

    /** Unique in the cluster (see the prefix). */
    public String nextConnectionId() {
        return connectionIdPrefix + Long.toString(connectionCounter.incrementAndGet(), 36);
    }

    public void register(String connectionId, ConnectionHandle handle) {
        connections.put(connectionId, handle);
    }

    public void unregister(String connectionId) {
        connections.remove(connectionId);
    }

    /** Removes the registration only if it is still {@code handle} (a resumed session may have taken the id). */
    public void unregister(String connectionId, ConnectionHandle handle) {
        connections.remove(connectionId, handle);
    }

    // ---- XEP-0198 resumable sessions, by resumption id ----------------------------------------

    public void registerResumable(String resumptionId, StreamManagement session) {
        resumable.put(resumptionId, session);
    }

    public void unregisterResumable(String resumptionId, StreamManagement session) {
        resumable.remove(resumptionId, session);
    }

    public StreamManagement resumable(String resumptionId) {
        return resumptionId == null ? null : resumable.get(resumptionId);
    }

    public ConnectionHandle connection(String connectionId) {
        return connections.get(connectionId);
    }

    public Iterable<ConnectionHandle> allConnections() {
        return connections.values();
    }
}
