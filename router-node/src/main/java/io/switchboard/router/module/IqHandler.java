package io.switchboard.router.module;

import io.switchboard.protocol.xml.XmlElement;
import io.vertx.core.Future;

/** Answers one IQ namespace. */
@FunctionalInterface
public interface IqHandler {
    /**
     * @return the result's payload element, or null for an empty result; fail the future with a
     * {@link StanzaErrorException} to answer with that error (any other failure answers
     * internal-server-error)
     */
    Future<XmlElement> handle(IqRequest request);
}
