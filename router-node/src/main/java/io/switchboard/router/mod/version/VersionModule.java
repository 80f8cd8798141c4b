package io.switchboard.router.mod.version;

import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.module.FeatureModule;
import io.switchboard.router.module.IqScope;
import io.switchboard.router.module.ModuleContext;
import io.switchboard.router.module.StanzaErrorException;
import io.switchboard.protocol.error.StanzaErrorCondition;
import io.vertx.core.Future;

import java.util.EnumSet;

/**
 * XEP-0092 Software Version for the server. The operating system is deliberately not disclosed
 * (XEP-0092 §5 leaves it optional, and it helps attackers more than users).
 */
public final class VersionModule implements FeatureModule {
    public static final String NAMESPACE = "jabber:iq:version";
    public static final String NAME = "Switchboard";

    @Override
    public String name() {
        return "version";
    }

    @Override
    public void register(ModuleContext context) {
        String version = version();
        context.iq(NAMESPACE, EnumSet.of(IqScope.SERVER), false, request -> {
            if (!request.isGet()) {
                return Future.failedFuture(new StanzaErrorException(StanzaErrorCondition.BAD_REQUEST,
                        "software version can only be queried"));
            }
            return Future.succeededFuture(XmlElement.builder("query", NAMESPACE)
                    .child(XmlElement.builder("name", NAMESPACE).text(NAME))
                    .child(XmlElement.builder("version", NAMESPACE).text(version))
                    .build());
        });
        context.serverFeature(NAMESPACE);
    }

    /** The version from the jar manifest; "dev" when running from classes. */
    static String version() {
        String v = VersionModule.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
