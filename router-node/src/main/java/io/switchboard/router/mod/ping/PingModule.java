package io.switchboard.router.mod.ping;

import io.switchboard.router.module.FeatureModule;
import io.switchboard.router.module.IqScope;
import io.switchboard.router.module.ModuleContext;
import io.vertx.core.Future;

import java.util.EnumSet;

/** XEP-0199 XMPP Ping: the server answers pings to itself and, on their behalf, to users' bare JIDs. */
public final class PingModule implements FeatureModule {
    public static final String NAMESPACE = "urn:xmpp:ping";

    @Override
    public String name() {
        return "ping";
    }

    @Override
    public void register(ModuleContext context) {
        context.iq(NAMESPACE, EnumSet.allOf(IqScope.class), false, request -> Future.succeededFuture(null));
        context.serverFeature(NAMESPACE);
    }
}
