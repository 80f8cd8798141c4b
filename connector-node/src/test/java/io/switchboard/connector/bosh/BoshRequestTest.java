package io.switchboard.connector.bosh;

import io.switchboard.protocol.error.StreamErrorCondition;
import io.switchboard.protocol.xml.ParserLimits;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading a BOSH request body (XEP-0124 §4, XEP-0206): the wrapper's attributes, its stanzas, and what is refused. */
class BoshRequestTest {
    static final String OPEN = "<body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh'";

    static BoshRequest read(int maxBytes, String... chunks) {
        BoshRequest.Reader reader = new BoshRequest.Reader(new ParserLimits(1024, 16), maxBytes);
        for (String chunk : chunks) {
            reader.feed(Buffer.buffer(chunk));
        }
        return reader.finish();
    }

    static BoshRequest read(String... chunks) {
        return read(4096, chunks);
    }

    @Test
    @DisplayName("attributes, XEP-0206's xmpp: attributes and the stanzas are read, whatever the chunking")
    void attributesAndChildren() {
        String xml = OPEN + " rid='42' sid='n1.abc' ack='41' xmpp:restart='true'><message xmlns='jabber:client'"
                + " to='a@b'><body>hi</body></message><presence xmlns='jabber:client'/></body>";
        for (int split = 1; split < xml.length(); split += 7) {
            BoshRequest r = read(xml.substring(0, split), xml.substring(split));
            assertThat(r.error()).as("split at " + split).isNull();
            assertThat(r.rid()).isEqualTo(42L);
            assertThat(r.sid()).isEqualTo("n1.abc");
            assertThat(r.number("ack")).isEqualTo(41L);
            assertThat(r.isRestart()).isTrue();
            assertThat(r.children()).extracting(e -> e.name()).containsExactly("message", "presence");
            assertThat(r.children().get(0).namespace()).isEqualTo("jabber:client");
            assertThat(r.isEmpty()).isFalse();
        }
    }

    @Test
    @DisplayName("an empty body is empty (XEP-0124 §12); bad numbers read as absent")
    void emptyAndNumbers() {
        BoshRequest r = read(OPEN + " rid='9007199254740992' wait='-1' hold='x'/>");
        assertThat(r.error()).isNull();
        assertThat(r.isEmpty()).isTrue();
        assertThat(r.rid()).as("2^53 is out of XEP-0124's range").isNull();
        assertThat(r.number("wait")).isNull();
        assertThat(r.number("hold")).isNull();
        assertThat(read(OPEN + " rid='1' pause='5'/>").isEmpty()).isFalse();
        assertThat(read(OPEN + " rid='1' type='terminate'/>").isTerminate()).isTrue();
    }

    @Test
    @DisplayName("not a body: other roots, another namespace, junk, an unfinished body or a DTD are wrapper errors")
    void wrapperErrors() {
        for (String bad : new String[] {"<stream xmlns='jabber:client'/>", "<body xmlns='urn:other'/>", "hello",
                OPEN + " rid='1'>", "<!DOCTYPE body><body/>"}) {
            BoshRequest r = read(bad);
            assertThat(r.error()).as(bad).isNotNull();
            assertThat(r.bodyError()).as(bad).isTrue();
            assertThat(r.attributes()).as("nothing from a non-body is trusted").isEmpty();
        }
    }

    @Test
    @DisplayName("a child that breaks a stream rule is a stream error for the session it names (RFC 6120 §4.9.3)")
    void childErrorsKeepTheWrapper() {
        BoshRequest big = read(OPEN + " rid='3' sid='s'><message xmlns='jabber:client'><body>" + "x".repeat(2000)
                + "</body></message></body>");
        assertThat(big.error()).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
        assertThat(big.bodyError()).isFalse();
        assertThat(big.sid()).isEqualTo("s");
        BoshRequest broken = read(OPEN + " rid='3' sid='s'><message xmlns='jabber:client'><a></b></message></body>");
        assertThat(broken.error()).isEqualTo(StreamErrorCondition.NOT_WELL_FORMED);
        assertThat(broken.bodyError()).isFalse();
        BoshRequest tooMuch = read(200, OPEN + " rid='3' sid='s'>", "<presence xmlns='jabber:client'/>".repeat(10));
        assertThat(tooMuch.error()).isEqualTo(StreamErrorCondition.POLICY_VIOLATION);
        assertThat(tooMuch.errorText()).contains("200 bytes");
        assertThat(tooMuch.bodyError()).isFalse();
    }

    @Test
    @DisplayName("a sid names the node that minted it")
    void sidNamesItsNode() {
        assertThat(BoshSessions.nodeOf("connector-1.Abc_-9")).isEqualTo("connector-1");
        assertThat(BoshSessions.nodeOf("it-1.2.x")).isEqualTo("it-1.2");
        assertThat(BoshSessions.nodeOf("nodots")).isNull();
        assertThat(BoshSessions.nodeOf(".x")).isNull();
    }
}
