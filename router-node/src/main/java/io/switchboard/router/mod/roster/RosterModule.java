package io.switchboard.router.mod.roster;

import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.xml.StanzaParsing;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.module.FeatureModule;
import io.switchboard.router.module.IqRequest;
import io.switchboard.router.module.IqScope;
import io.switchboard.router.module.ModuleContext;
import io.switchboard.router.module.StanzaErrorException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;

import java.util.EnumSet;

/**
 * RFC 6121 §2 rosters and XEP-0237 versioning. Rosters belong to the presence service (it applies
 * subscription changes to them and fans out by them), so this module only hands the request to
 * the presence-service instance that owns the user and relays the answer.
 */
public final class RosterModule implements FeatureModule {
    public static final String NAMESPACE = "jabber:iq:roster";
    public static final String VERSIONING = "urn:xmpp:features:rosterver";

    @Override
    public String name() {
        return "roster";
    }

    @Override
    public void register(ModuleContext context) {
        context.iq(NAMESPACE, EnumSet.of(IqScope.ACCOUNT), false, request -> handle(request, context));
        context.accountFeature(NAMESPACE);
    }

    private static Future<XmlElement> handle(IqRequest request, ModuleContext context) {
        if (!request.isForSelf()) {
            // RFC 6121 §2.1.5: a roster belongs to its user alone.
            return Future.failedFuture(new StanzaErrorException(StanzaErrorCondition.FORBIDDEN, null));
        }
        return context.outbound().requestPresenceService(request.header()).transform(result -> {
            if (result.succeeded()) {
                byte[] payload = result.result();
                return Future.succeededFuture(payload.length == 0 ? null : StanzaParsing.parse(payload));
            }
            if (result.cause() instanceof ReplyException reply && reply.getMessage() != null
                    && reply.getMessage().contains("|")) {
                String[] parts = reply.getMessage().split("\\|", 2);
                StanzaErrorCondition condition = StanzaErrorCondition.fromElementName(parts[0])
                        .orElse(StanzaErrorCondition.INTERNAL_SERVER_ERROR);
                return Future.failedFuture(new StanzaErrorException(condition, parts[1].isEmpty() ? null : parts[1]));
            }
            return Future.failedFuture(result.cause());
        });
    }
}
