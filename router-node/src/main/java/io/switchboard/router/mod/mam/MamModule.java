package io.switchboard.router.mod.mam;

import io.micrometer.core.instrument.Counter;
import io.switchboard.router.module.FeatureModule;
import io.switchboard.router.module.IqScope;
import io.switchboard.router.module.ModuleContext;
import io.switchboard.storage.ArchiveStore;

import java.util.EnumSet;

/**
 * XEP-0313 Message Archive Management for user archives, with XEP-0059 paging, XEP-0359
 * stanza-ids on archived messages and XEP-0441 preferences.
 *
 * <ul>
 *   <li>Archiving is a {@link ModuleContext#messageInterceptor message interceptor}
 *       ({@link MessageArchiver}): the router knows nothing about archives.</li>
 *   <li>Queries, the form, metadata and preferences are IQs on the user's own account
 *       ({@link MamIqHandler}).</li>
 * </ul>
 *
 * <p>Section numbers in this package refer to XEP-0313 version 1.1 (where "what to store" is
 * §6.1.1; it was §5.1.1 before the metadata section was added), XEP-0359 0.7, XEP-0059 1.0 and
 * XEP-0441 0.2.
 *
 * <p>Metrics: {@code xmpp.mam.archive.failures} (messages that could not be archived for one of
 * their parties and went on without stanza-id) and {@code xmpp.mam.archived} (archive copies
 * written).
 */
public final class MamModule implements FeatureModule {
    public static final String NAMESPACE = MamNamespaces.MAM;
    public static final String EXTENDED = MamNamespaces.MAM_EXTENDED;
    public static final String STANZA_ID = MamNamespaces.SID;

    @Override
    public String name() {
        return "mam";
    }

    @Override
    public void register(ModuleContext context) {
        ArchiveStore archive = context.storage().archive();
        Counter failures = Counter.builder("xmpp.mam.archive.failures")
                .description("Message copies that could not be archived (the message was delivered without stanza-id)")
                .register(context.meters());
        Counter archived = Counter.builder("xmpp.mam.archived")
                .description("Message copies written to user archives (XEP-0313)")
                .register(context.meters());
        MessageArchiver archiver = new MessageArchiver(context.settings().domain(), archive,
                context.storage().rosters(), context.vertx(), failures, archived);
        MamIqHandler handler = new MamIqHandler(archive, context.outbound(), context.vertx());

        context.messageInterceptor(archiver::intercept);
        context.iq(NAMESPACE, EnumSet.of(IqScope.ACCOUNT), false, handler::handle);
        context.accountFeature(NAMESPACE); // XEP-0313 §7: advertised on the archive's JID
        context.accountFeature(EXTENDED);
        context.serverFeature(STANZA_ID); // XEP-0359 §2
    }
}
