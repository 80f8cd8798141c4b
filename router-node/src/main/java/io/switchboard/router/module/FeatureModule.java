package io.switchboard.router.module;

/**
 * One XMPP feature (usually one XEP), in the manner of Prosody's {@code mod_*}: it registers its
 * IQ handlers, hooks and disco features with the core and nothing else changes. Modules are found
 * with {@link java.util.ServiceLoader}; adding a XEP means adding a package and one line in
 * {@code META-INF/services/io.switchboard.router.module.FeatureModule}.
 */
public interface FeatureModule {
    /** A short stable name used in configuration and logs, e.g. "ping". */
    String name();

    void register(ModuleContext context);
}
