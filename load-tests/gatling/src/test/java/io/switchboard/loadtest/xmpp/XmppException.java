package io.switchboard.loadtest.xmpp;

/**
 * A failed XMPP step: a stream or stanza error, an unexpected reply, a timeout or a lost
 * connection. The message is short and stable (it becomes the error text in Gatling's report,
 * where identical texts are counted together), so it never carries ids or timestamps.
 */
public final class XmppException extends RuntimeException {
    public XmppException(String message) {
        super(message, null, false, false);
    }

    public XmppException(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** The message of a failure, unwrapping the CompletionException around it. */
    public static String describe(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof XmppException) {
            return t.getMessage();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.replaceAll("[0-9]+", "#"));
    }
}
