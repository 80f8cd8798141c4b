package io.switchboard.storage;

/**
 * An operation needed an existing account and there was none, e.g. storing an offline message
 * for a user that does not exist (or was deleted concurrently).
 *
 * <p>A subclass of {@link StorageException} so generic error handling still works, while the
 * router can distinguish it and answer the sender with an XMPP error instead of retrying.
 */
public class NoSuchAccountException extends StorageException {

    private static final long serialVersionUID = 1L;

    private final String bareJid;

    public NoSuchAccountException(String bareJid) {
        super("no such account: " + bareJid);
        this.bareJid = bareJid;
    }

    public String bareJid() {
        return bareJid;
    }
}
