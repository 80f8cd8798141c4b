package io.switchboard.connector;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.cluster.ClusterNode;
import io.switchboard.cluster.bus.Addresses;
import io.switchboard.cluster.bus.Delivery;
import io.switchboard.cluster.bus.PresenceBatch;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.cluster.bus.AddressedCopies;
import io.switchboard.cluster.bus.SessionCommand;
import io.switchboard.connector.bosh.BoshSessions;
import io.switchboard.connector.sm.SessionHandover;
import io.switchboard.connector.tls.TlsMaterial;
import io.switchboard.connector.websocket.WebListeners;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.storage.AccountStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The connector role: terminates client streams, and consumes {@code connector.<nodeId>} for
 * deliveries and session commands addressed to its connections.
 */
public final class ConnectorNode {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorNode.class);

    private final ClusterNode cluster;
    private final ConnectorServices services;
    private final List<String> deployments = new ArrayList<>();
    private MessageConsumer<Object> consumer;
    private MessageConsumer<?> handover;
    private MessageConsumer<?> boshForwarding;

    private ConnectorNode(ClusterNode cluster, ConnectorServices services) {
        this.cluster = cluster;
        this.services = services;
    }

    public static Future<ConnectorNode> start(ClusterNode cluster, ConnectorSettings settings, AccountStore accounts,
                                              MeterRegistry registry) {
        ConnectorServices services = new ConnectorServices(settings, cluster.vertx(), cluster.nodeId(),
                cluster.directory(), cluster.routers(), accounts, new ConnectorMetrics(registry));
        ConnectorNode node = new ConnectorNode(cluster, services);
        return node.startInternal().map(node);
    }

    private Future<Void> startInternal() {
        ConnectorSettings s = services.settings();
        TlsMaterial tls;
        try {
            tls = TlsMaterial.loadOrGenerate(s.certificate(), s.privateKey(), s.dataDirectory(), s.domain());
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        LOG.info("TLS: {}", tls.description());
        consumer = cluster.vertx().eventBus().consumer(Addresses.connector(cluster.nodeId()), message -> {
            Object body = message.body();
            if (body instanceof Delivery delivery && message.replyAddress() != null) {
                // A delivery that must not be lost (e.g. offline messages): confirm the write.
                ConnectionHandle handle = delivery.connectionIds().size() == 1
                        ? services.connection(delivery.connectionIds().get(0)) : null;
                if (handle == null) {
                    message.fail(404, "no such connection");
                } else {
                    handle.deliverConfirmed(delivery).onComplete(r -> {
                        if (r.succeeded()) {
                            message.reply(Boolean.TRUE);
                        } else {
                            message.fail(410, r.cause().getMessage());
                        }
                    });
                }
            } else if (body instanceof Delivery delivery) {
                deliver(delivery);
            } else if (body instanceof PresenceBatch batch) {
                deliver(batch);
            } else if (body instanceof SessionCommand command) {
                ConnectionHandle handle = services.connection(command.connectionId());
                if (handle != null) {
                    handle.closeWithError(StreamErrorCondition.fromElementName(command.streamCondition())
                            .orElse(StreamErrorCondition.UNDEFINED_CONDITION), command.text());
                }
            }
        });
        cluster.onMerged(this::closeAllAfterMerge);
        handover = SessionHandover.listen(services); // XEP-0198 resumption arriving on another node
        BoshSessions bosh = s.web().enabled() && s.web().bosh().enabled() ? new BoshSessions(services) : null;
        if (bosh != null) {
            boshForwarding = bosh.listen(); // BOSH requests for this node's sessions that reached another node
        }
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        Promise<Void> started = Promise.promise();
        List<Future<String>> deploying = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            deploying.add(cluster.vertx().deployVerticle(new ConnectorVerticle(services, tls, bosh), new DeploymentOptions()));
        }
        Future.all(deploying).onComplete(result -> {
            if (result.failed()) {
                started.fail(result.cause());
                return;
            }
            for (Future<String> f : deploying) {
                deployments.add(f.result());
            }
            if (s.c2s().enabled()) {
                LOG.info("Serving XMPP domain '{}' on {}:{} (STARTTLS {})", s.domain(), s.c2s().host(), s.c2s().port(),
                        s.startTls().name().toLowerCase());
            }
            if (s.directTls().enabled()) {
                LOG.info("Serving XMPP domain '{}' on {}:{} (direct TLS, XEP-0368)", s.domain(), s.directTls().host(),
                        s.directTls().port());
            }
            if (s.web().http().enabled()) {
                LOG.info("Serving XMPP over WebSocket (RFC 7395) on {}", WebListeners.endpoint(s.web().http(), false));
            }
            if (s.web().https().enabled()) {
                LOG.info("Serving XMPP over WebSocket (RFC 7395) on {}", WebListeners.endpoint(s.web().https(), true));
            }
            if (bosh != null && s.web().http().enabled()) {
                LOG.info("Serving BOSH (XEP-0206) on {}", WebListeners.boshEndpoint(s.web().http(), false));
            }
            if (bosh != null && s.web().https().enabled()) {
                LOG.info("Serving BOSH (XEP-0206) on {}", WebListeners.boshEndpoint(s.web().https(), true));
            }
            if (s.web().enabled()) {
                LOG.info("XEP-0156 discovery (/.well-known/host-meta) advertises {}{}", WebListeners.advertisedUrls(s),
                        s.web().seeOtherUri() == null ? ""
                                : "; new WebSocket streams are redirected to " + s.web().seeOtherUri());
            }
            if (s.c2s().enabled() && s.startTls() != ConnectorSettings.StartTlsPolicy.DISABLED) {
                StartTlsWarmUp.run(cluster.vertx(), s).onComplete(v -> started.complete());
            } else {
                started.complete();
            }
        });
        return consumer.completion().compose(v -> started.future());
    }

    private void deliver(Delivery delivery) {
        for (String connectionId : delivery.connectionIds()) {
            ConnectionHandle handle = services.connection(connectionId);
            if (handle == null) {
                services.metrics().deliveryDropped("connection-gone");
            } else {
                handle.deliver(delivery.connectionIds().size() == 1 ? delivery
                        : Delivery.to(connectionId, delivery.kind(), delivery.xml(), delivery.ingressMicros()));
            }
        }
    }

    private void deliver(PresenceBatch batch) {
        for (int i = 0; i < batch.size(); i++) {
            String connectionId = batch.connectionIds().get(i);
            ConnectionHandle handle = services.connection(connectionId);
            if (handle == null) {
                services.metrics().deliveryDropped("connection-gone");
            } else {
                handle.deliver(Delivery.to(connectionId, StanzaKind.PRESENCE,
                        AddressedCopies.withTo(batch.xml(), "presence", batch.toJids().get(i)), batch.ingressMicros()));
            }
        }
    }

    /**
     * This node was on the smaller side of a network split that has healed (see
     * {@code io.switchboard.cluster.SplitBrain}): the larger side removed its sessions from the
     * directory and told their contacts they were offline, and the merge discarded what this side
     * wrote while split (logins included). Its clients' sessions exist nowhere but here, so every
     * connection (and detached XEP-0198 session) ends with {@code <reset/>} (RFC 6120 §4.9.3.16:
     * the stream must be negotiated afresh) and the clients reconnect, as after a restart. A
     * client whose resource was meanwhile bound elsewhere is not reported offline again: the
     * router drops the closing session's unavailable presence because the resource is re-bound.
     */
    private void closeAllAfterMerge() {
        int closed = 0;
        for (ConnectionHandle handle : services.allConnections()) {
            handle.closeWithError(StreamErrorCondition.RESET,
                    "the cluster recovered from a network split and this session was lost; please reconnect");
            closed++;
        }
        LOG.warn("Rejoined the cluster after a network split: closed {} client session(s) with <reset/>", closed);
    }

    public int openConnections() {
        return services.limiter().open();
    }

    /**
     * Graceful stop: no new connections, every client told with {@code <system-shutdown/>}
     * (RFC 6120 §4.9.3.22), sessions removed from the directory as the connections close.
     */
    public Future<Void> stop() {
        for (ConnectionHandle handle : services.allConnections()) {
            handle.closeWithError(StreamErrorCondition.SYSTEM_SHUTDOWN, "the server is shutting down");
        }
        // Give the stream errors a moment to flush before the listeners (and their sockets) close.
        return cluster.vertx().timer(250).compose(v -> {
            List<Future<Void>> undeploying = new ArrayList<>();
            for (String id : deployments) {
                undeploying.add(cluster.vertx().undeploy(id));
            }
            return Future.all(undeploying);
        }).compose(v -> consumer == null ? Future.succeededFuture() : consumer.unregister())
                .compose(v -> handover == null ? Future.succeededFuture() : handover.unregister())
                .compose(v -> boshForwarding == null ? Future.succeededFuture() : boshForwarding.unregister())
                .mapEmpty();
    }
}
