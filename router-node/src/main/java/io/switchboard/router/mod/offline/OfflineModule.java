package io.switchboard.router.mod.offline;

import io.switchboard.protocol.xml.StanzaParsing;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.Namespaces;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.module.FeatureModule;
import io.switchboard.router.module.ModuleContext;
import io.switchboard.storage.OfflineMessage;
import io.switchboard.storage.OfflineStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * XEP-0160 Best Practices for Handling Offline Messages: messages for a user with no available
 * resource are stored with a XEP-0203 delay stamp and delivered when a resource sends available
 * presence with a non-negative priority. A stored message is deleted only after the connector
 * confirms it wrote it to the client, so a connection lost mid-flush loses nothing.
 */
public final class OfflineModule implements FeatureModule {
    public static final String FEATURE = "msgoffline";
    private static final Logger LOG = LoggerFactory.getLogger(OfflineModule.class);
    private static final int BATCH = 100;

    private ModuleContext context;
    private OfflineStore store;

    @Override
    public String name() {
        return "offline";
    }

    @Override
    public void register(ModuleContext context) {
        this.context = context;
        this.store = context.storage().offline();
        context.offlineHandler(this::store);
        context.availabilityListener(this::flush);
        context.serverFeature(FEATURE);
    }

    private Future<Boolean> store(Jid user, RoutedStanza message) {
        int quota = context.settings().maxOfflineMessages();
        if (quota <= 0) {
            return Future.succeededFuture(false);
        }
        Context ctx = context.vertx().getOrCreateContext();
        String bare = user.toString();
        return Future.fromCompletionStage(store.count(bare), ctx).compose(count -> {
            if (count >= quota) {
                return Future.succeededFuture(false);
            }
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            XmlElement stamped = StanzaParsing.parse(message.xml()).withChild(
                    XmlElement.builder("delay", Namespaces.DELAY).attribute("from", context.settings().domain())
                            .attribute("stamp", DateTimeFormatter.ISO_INSTANT.format(now)).build());
            OfflineMessage offline = new OfflineMessage(UUID.randomUUID().toString(), bare, now, stamped.toBytes());
            return Future.fromCompletionStage(store.store(offline), ctx).map(v -> true);
        });
    }

    private void flush(Jid fullJid, SessionEntry session) {
        Context ctx = context.vertx().getOrCreateContext();
        String bare = fullJid.bare().toString();
        Future.fromCompletionStage(store.fetch(bare, BATCH), ctx).onComplete(fetched -> {
            if (fetched.failed()) {
                LOG.warn("Cannot read offline messages of {}: {}", bare, fetched.cause().toString());
                return;
            }
            List<OfflineMessage> messages = fetched.result();
            if (messages.isEmpty()) {
                return;
            }
            deliverInOrder(session, messages, 0, new ArrayList<>()).onComplete(done -> {
                List<String> delivered = done.succeeded() ? done.result() : List.of();
                if (!delivered.isEmpty()) {
                    Future.fromCompletionStage(store.delete(bare, delivered), ctx).onSuccess(v -> {
                        if (messages.size() == BATCH && delivered.size() == BATCH) {
                            flush(fullJid, session); // more waiting
                        }
                    });
                }
            });
        });
    }

    /** Sends one at a time so they arrive in the order they were stored; stops at the first failure. */
    private Future<List<String>> deliverInOrder(SessionEntry session, List<OfflineMessage> messages, int index,
                                                List<String> delivered) {
        if (index == messages.size()) {
            return Future.succeededFuture(delivered);
        }
        OfflineMessage m = messages.get(index);
        return context.outbound().deliverConfirmed(session, StanzaKind.MESSAGE, m.stanza())
                .compose(v -> {
                    delivered.add(m.id());
                    return deliverInOrder(session, messages, index + 1, delivered);
                }, failure -> Future.succeededFuture(delivered));
    }
}
