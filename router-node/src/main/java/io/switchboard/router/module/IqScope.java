package io.switchboard.router.module;

/** Whom an IQ handler answers for. */
public enum IqScope {
    /** IQs addressed to the server's domain JID. */
    SERVER,
    /**
     * IQs addressed to a local user's bare JID, or without 'to' (RFC 6120 §10.3.3: handled for the
     * sender's account); the server answers on the user's behalf (RFC 6121 §8.5.2.1.3).
     */
    ACCOUNT
}
