package io.switchboard.router.mod.register;

import io.switchboard.cluster.directory.SessionEntry;
import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.sasl.ScramAlgorithm;
import io.switchboard.protocol.sasl.ScramCredential;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.module.FeatureModule;
import io.switchboard.router.module.IqRequest;
import io.switchboard.router.module.IqScope;
import io.switchboard.router.module.ModuleContext;
import io.switchboard.router.module.StanzaErrorException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * XEP-0077 In-Band Registration: account creation before authentication (only when enabled),
 * password change and account removal for an authenticated user. Only SCRAM credentials are
 * stored, derived off the event loop.
 */
public final class RegistrationModule implements FeatureModule {
    public static final String NAMESPACE = "jabber:iq:register";
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationModule.class);

    private ModuleContext context;

    @Override
    public String name() {
        return "register";
    }

    @Override
    public void register(ModuleContext context) {
        this.context = context;
        context.iq(NAMESPACE, EnumSet.allOf(IqScope.class), true, this::handle);
        context.serverFeature(NAMESPACE);
    }

    private Future<XmlElement> handle(IqRequest request) {
        if (request.from() != null && !(request.scope() == IqScope.SERVER || request.isForSelf())) {
            return fail(StanzaErrorCondition.FORBIDDEN, "you can only manage your own account");
        }
        if (request.isGet()) {
            return Future.succeededFuture(form(request));
        }
        XmlElement query = request.payload();
        if (query.child("remove", NAMESPACE) != null) {
            return remove(request);
        }
        String username = query.childText("username", NAMESPACE);
        String password = query.childText("password", NAMESPACE);
        if (username == null || password == null) {
            return fail(StanzaErrorCondition.BAD_REQUEST, "username and password are required"); // XEP-0077 §3.1
        }
        Jid account;
        try {
            account = Jid.of(username, context.settings().domain(), null);
        } catch (IllegalArgumentException e) {
            return fail(StanzaErrorCondition.NOT_ACCEPTABLE, "invalid username: " + e.getMessage());
        }
        if (password.codePointCount(0, password.length()) < context.settings().minPasswordLength()) {
            return fail(StanzaErrorCondition.NOT_ACCEPTABLE,
                    "the password must have at least " + context.settings().minPasswordLength() + " characters");
        }
        if (request.from() == null) {
            return create(account, password);
        }
        return changePassword(request, account, password);
    }

    private XmlElement form(IqRequest request) {
        XmlElement.Builder query = XmlElement.builder("query", NAMESPACE);
        if (request.from() != null) {
            query.child(XmlElement.of("registered", NAMESPACE));
            query.child(XmlElement.builder("username", NAMESPACE).text(request.from().local()));
            query.child(XmlElement.of("password", NAMESPACE));
        } else {
            query.child(XmlElement.builder("instructions", NAMESPACE)
                    .text("Choose a username and password to register with this server."));
            query.child(XmlElement.of("username", NAMESPACE));
            query.child(XmlElement.of("password", NAMESPACE));
        }
        return query.build();
    }

    private Future<XmlElement> create(Jid account, String password) {
        if (!context.settings().inBandRegistration()) {
            return fail(StanzaErrorCondition.NOT_ALLOWED, "in-band registration is disabled");
        }
        Context ctx = context.vertx().getOrCreateContext();
        return credentials(password).compose(creds ->
                Future.fromCompletionStage(context.storage().accounts().create(account.toString(), creds), ctx))
                .map(created -> {
                    if (!created) {
                        throw new StanzaErrorException(StanzaErrorCondition.CONFLICT, "the username is taken");
                    }
                    LOG.info("Registered {} in-band", account);
                    return null;
                });
    }

    private Future<XmlElement> changePassword(IqRequest request, Jid account, String password) {
        if (!account.equals(request.from().bare())) {
            return fail(StanzaErrorCondition.NOT_AUTHORIZED, "the username must be your own"); // XEP-0077 §3.3
        }
        Context ctx = context.vertx().getOrCreateContext();
        return credentials(password).compose(creds ->
                Future.fromCompletionStage(context.storage().accounts().updateCredentials(account.toString(), creds),
                        ctx)).map(updated -> {
                    if (!updated) {
                        throw new StanzaErrorException(StanzaErrorCondition.ITEM_NOT_FOUND, "no such account");
                    }
                    LOG.info("Password changed for {}", account);
                    return null;
                });
    }

    private Future<XmlElement> remove(IqRequest request) {
        if (request.from() == null) {
            return fail(StanzaErrorCondition.NOT_AUTHORIZED, "authenticate to remove an account");
        }
        Jid account = request.from().bare();
        Context ctx = context.vertx().getOrCreateContext();
        return Future.fromCompletionStage(context.storage().accounts().delete(account.toString()), ctx)
                .compose(deleted -> Future.fromCompletionStage(context.directory().sessions(account.toString()), ctx))
                .map(sessions -> {
                    LOG.info("Account {} removed in-band", account);
                    // XEP-0077 §3.2: the result goes out first, then every session of the account ends.
                    context.vertx().setTimer(100, id -> closeAll(sessions));
                    return null;
                });
    }

    private void closeAll(List<SessionEntry> sessions) {
        for (SessionEntry session : sessions) {
            context.outbound().closeSession(session, StreamErrorCondition.NOT_AUTHORIZED.elementName(),
                    "the account was removed");
        }
    }

    /** SCRAM-SHA-1 and SCRAM-SHA-256 keys for a password; PBKDF2 runs on a worker thread. */
    private Future<List<ScramCredential>> credentials(String password) {
        int iterations = context.settings().scramIterations();
        return context.vertx().executeBlocking(() -> {
            List<ScramCredential> creds = new ArrayList<>(2);
            for (ScramAlgorithm algorithm : ScramAlgorithm.values()) {
                creds.add(ScramCredential.generate(algorithm, password, iterations));
            }
            return creds;
        }, false);
    }

    private static <T> Future<T> fail(StanzaErrorCondition condition, String text) {
        return Future.failedFuture(new StanzaErrorException(condition, text));
    }
}
