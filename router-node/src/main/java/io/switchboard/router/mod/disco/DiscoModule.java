package io.switchboard.router.mod.disco;

import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.module.DiscoRegistry;
import io.switchboard.router.module.FeatureModule;
import io.switchboard.router.module.IqRequest;
import io.switchboard.router.module.IqScope;
import io.switchboard.router.module.ModuleContext;
import io.switchboard.router.module.StanzaErrorException;
import io.switchboard.storage.AccountStore;
import io.vertx.core.Future;

import java.util.EnumSet;
import java.util.TreeSet;

/**
 * XEP-0030 Service Discovery. The features are whatever the loaded modules registered, so the
 * answer can never drift from what the server really does.
 */
public final class DiscoModule implements FeatureModule {
    public static final String INFO = "http://jabber.org/protocol/disco#info";
    public static final String ITEMS = "http://jabber.org/protocol/disco#items";

    @Override
    public String name() {
        return "disco";
    }

    @Override
    public void register(ModuleContext context) {
        DiscoRegistry registry = context.disco();
        AccountStore accounts = context.storage().accounts();
        context.iq(INFO, EnumSet.allOf(IqScope.class), false, request -> info(request, registry, accounts, context));
        context.iq(ITEMS, EnumSet.allOf(IqScope.class), false, DiscoModule::items);
        context.serverFeature(INFO);
        context.serverFeature(ITEMS);
        context.accountFeature(INFO);
        context.accountFeature(ITEMS);
    }

    private static Future<XmlElement> info(IqRequest request, DiscoRegistry registry, AccountStore accounts,
                                           ModuleContext context) {
        if (!request.isGet()) {
            return Future.failedFuture(new StanzaErrorException(StanzaErrorCondition.BAD_REQUEST, null));
        }
        String node = request.payload().attribute("node");
        if (node != null) {
            // XEP-0030 §3.1: we publish no nodes.
            return Future.failedFuture(new StanzaErrorException(StanzaErrorCondition.ITEM_NOT_FOUND, null));
        }
        if (request.scope() == IqScope.SERVER) {
            return Future.succeededFuture(query(INFO, "server", "im", "Switchboard", registry.serverFeatures()));
        }
        // XEP-0030 §3.1 / RFC 6121 §8.5.2.1.3: the server answers for the account itself.
        return Future.fromCompletionStage(accounts.exists(request.to().toString()), context.vertx().getOrCreateContext())
                .map(exists -> {
                    if (!exists) {
                        throw new StanzaErrorException(StanzaErrorCondition.SERVICE_UNAVAILABLE, null);
                    }
                    return query(INFO, "account", "registered", null, registry.accountFeatures());
                });
    }

    private static Future<XmlElement> items(IqRequest request) {
        if (!request.isGet()) {
            return Future.failedFuture(new StanzaErrorException(StanzaErrorCondition.BAD_REQUEST, null));
        }
        if (request.payload().attribute("node") != null) {
            return Future.failedFuture(new StanzaErrorException(StanzaErrorCondition.ITEM_NOT_FOUND, null));
        }
        return Future.succeededFuture(XmlElement.of("query", ITEMS)); // no components yet
    }

    private static XmlElement query(String ns, String category, String type, String name, Iterable<String> features) {
        XmlElement.Builder query = XmlElement.builder("query", ns);
        query.child(XmlElement.builder("identity", ns).attribute("category", category).attribute("type", type)
                .attribute("name", name));
        for (String feature : new TreeSet<>((java.util.Collection<String>) features)) {
            query.child(XmlElement.builder("feature", ns).attribute("var", feature));
        }
        return query.build();
    }
}
