package io.switchboard.connector;

import io.vertx.core.net.NetServer;

import java.lang.reflect.Field;

/**
 * Works around a Vert.x 5.0.x defect (present in 5.0.10 and 5.0.12): when several verticle
 * instances share one listening port, only the first ("main") NetServer creates an SSL context
 * manager; the others hand their own, null, one to the sockets they accept, so
 * {@code NetSocket.upgradeToSsl()} — STARTTLS — throws a NullPointerException on every
 * connection not served by the first event loop. Direct TLS is unaffected.
 *
 * <p>The accept path reads the field at accept time, so giving each shared server the main
 * server's manager after it has bound fixes every later connection. If Vert.x's internals change
 * shape, start-up fails loudly instead of serving a STARTTLS port that half works; remove this
 * class once the upstream fix is released and the version bumped.
 */
final class SharedServerStartTlsFix {
    private SharedServerStartTlsFix() {
    }

    static void apply(NetServer server) {
        try {
            Class<?> impl = server.getClass();
            Field manager = field(impl, "sslContextManager");
            Field actual = field(impl, "actualServer");
            if (manager.get(server) != null) {
                return; // the main server, or a Vert.x that fixed it
            }
            Object main = actual.get(server);
            Object mainManager = main == null ? null : manager.get(main);
            if (mainManager == null) {
                throw new IllegalStateException("main server has no SSL context manager");
            }
            manager.set(server, mainManager);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot apply the Vert.x shared-server STARTTLS workaround to "
                    + server.getClass().getName() + ": " + e, e);
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
