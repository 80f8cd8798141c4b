package io.switchboard.router.mod.mam;

import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.router.module.StanzaErrorException;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchiveQuery;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** XEP-0313 §4 query parsing: the XEP-0004 form and the XEP-0059 set become an ArchiveQuery. */
class MamQueryParserTest {
    private static final long ID_A = 1_000_000L;
    private static final long ID_B = 2_000_000L;
    private static final String A = ArchiveId.format(ID_A);
    private static final String B = ArchiveId.format(ID_B);

    private static MamRequest parse(String inner) {
        return MamQueryParser.parse(Xml.payload("<iq type='set' id='q'><query xmlns='urn:xmpp:mam:2' queryid='f27'>"
                + inner + "</query></iq>"));
    }

    private static String form(String fields) {
        return "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2"
                + "</value></field>" + fields + "</x>";
    }

    private static String field(String var, String value) {
        return "<field var='" + var + "'><value>" + value + "</value></field>";
    }

    private static String rsm(String content) {
        return "<set xmlns='http://jabber.org/protocol/rsm'>" + content + "</set>";
    }

    private static StanzaErrorCondition errorOf(String inner) {
        try {
            parse(inner);
        } catch (StanzaErrorException e) {
            return e.condition();
        }
        throw new AssertionError("no error for " + inner);
    }

    @Test
    @DisplayName("XEP-0313 §4: an empty query is the first page of everything, default page size, queryid kept")
    void emptyQuery() {
        MamRequest r = parse("");
        assertThat(r.queryId()).isEqualTo("f27");
        assertThat(r.query()).isEqualTo(ArchiveQuery.first(MamQueryParser.DEFAULT_PAGE_SIZE));
        assertThat(r.max()).isEqualTo(MamQueryParser.DEFAULT_PAGE_SIZE);
        assertThat(r.cursors()).isEmpty();
        assertThat(r.ids()).isNull();
        assertThat(r.flipPage()).isFalse();
    }

    @Test
    @DisplayName("XEP-0313 §4.1.1/§4.1.2: 'with' (normalised) and 'start'/'end' (XEP-0082, any offset) filter")
    void withStartEnd() {
        MamRequest r = parse(form(field("with", "Juliet@Capulet.lit/balcony")
                + field("start", "2010-06-07T00:00:00Z") + field("end", "2010-07-07T15:23:54.123+02:00")));
        assertThat(r.query().with()).isEqualTo("juliet@capulet.lit/balcony");
        assertThat(r.query().start()).isEqualTo(Instant.parse("2010-06-07T00:00:00Z"));
        assertThat(r.query().end()).isEqualTo(Instant.parse("2010-07-07T13:23:54.123Z"));
    }

    @Test
    @DisplayName("XEP-0004: a field sent without value is not a filter")
    void emptyValueIsNoFilter() {
        MamRequest r = parse(form("<field var='with'><value/></field><field var='start'/>"));
        assertThat(r.query().with()).isNull();
        assertThat(r.query().start()).isNull();
    }

    @Test
    @DisplayName("XEP-0059 §2.2: <max/> sets the page size; more than the server limit is capped")
    void maxIsCapped() {
        assertThat(parse(rsm("<max>20</max>")).query().limit()).isEqualTo(20);
        MamRequest big = parse(rsm("<max>100000</max>"));
        assertThat(big.max()).isEqualTo(MamQueryParser.MAX_PAGE_SIZE);
        assertThat(big.query().limit()).isEqualTo(MamQueryParser.MAX_PAGE_SIZE);
    }

    @Test
    @DisplayName("XEP-0059 §2.6: <max>0</max> sends no results but still learns whether anything matches")
    void maxZero() {
        MamRequest r = parse(rsm("<max>0</max>"));
        assertThat(r.max()).isZero();
        assertThat(r.query().limit()).isEqualTo(1);
    }

    @Test
    @DisplayName("XEP-0059 §2.2 / XEP-0313 §4.3: <after>id</after> pages forward from that message, which must exist")
    void after() {
        MamRequest r = parse(rsm("<max>10</max><after>" + A + "</after>"));
        assertThat(r.query().afterId()).isEqualTo(ID_A);
        assertThat(r.query().beforeId()).isNull();
        assertThat(r.query().last()).isFalse();
        assertThat(r.cursors()).containsExactly(ID_A);
    }

    @Test
    @DisplayName("XEP-0059 §2.3: <before>id</before> pages backward (the newest before that message)")
    void before() {
        MamRequest r = parse(rsm("<max>10</max><before>" + B + "</before>"));
        assertThat(r.query().beforeId()).isEqualTo(ID_B);
        assertThat(r.query().last()).isTrue();
        assertThat(r.cursors()).containsExactly(ID_B);
    }

    @Test
    @DisplayName("XEP-0059 §2.5 / XEP-0313 §4.3.3: an empty <before/> asks for the last page")
    void emptyBeforeIsLastPage() {
        MamRequest r = parse(rsm("<max>10</max><before/>"));
        assertThat(r.query()).isEqualTo(ArchiveQuery.latest(10));
        assertThat(r.cursors()).isEmpty();
    }

    @Test
    @DisplayName("XEP-0313 §4.1.3 + Implementation Considerations: after-id/before-id bound the range but page forward")
    void extendedIdFields() {
        MamRequest r = parse(form(field("after-id", A) + field("before-id", B)));
        assertThat(r.query().afterId()).isEqualTo(ID_A);
        assertThat(r.query().beforeId()).isEqualTo(ID_B);
        assertThat(r.query().last()).as("before-id does not imply paging backwards").isFalse();
        assertThat(r.cursors()).containsExactlyInAnyOrder(ID_A, ID_B);
    }

    @Test
    @DisplayName("XEP-0313 §4.1.3: after-id and RSM <after/> together: the tighter bound wins, both must exist")
    void tighterBoundWins() {
        MamRequest r = parse(form(field("after-id", B)) + rsm("<after>" + A + "</after>"));
        assertThat(r.query().afterId()).isEqualTo(ID_B);
        assertThat(r.cursors()).containsExactlyInAnyOrder(ID_A, ID_B);
    }

    @Test
    @DisplayName("XEP-0313 §4.1.3 'ids': single-item retrieval by archive id")
    void ids() {
        MamRequest r = parse(form("<field var='ids'><value>" + A + "</value><value>" + B + "</value></field>"));
        assertThat(r.ids()).containsExactly(ID_A, ID_B);
    }

    @Test
    @DisplayName("XEP-0313 §4.3.4: <flip-page/> is understood")
    void flipPage() {
        assertThat(parse("<flip-page/>").flipPage()).isTrue();
    }

    @DisplayName("XEP-0313 §4.1.2 / XEP-0082: malformed timestamps are bad-request")
    @ParameterizedTest(name = "''{0}''")
    @CsvSource({"yesterday", "2010-06-07", "2010-06-07T00:00:00", "2010-13-07T00:00:00Z", "2010-06-07 00:00:00Z",
            "+20100-06-07T00:00:00Z"})
    void badTimestamp(String value) {
        assertThat(errorOf(form(field("start", value)))).isEqualTo(StanzaErrorCondition.BAD_REQUEST);
        assertThat(errorOf(form(field("end", value)))).isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    }

    @Test
    @DisplayName("XEP-0004 / XEP-0313 §4.1: malformed forms are bad-request")
    void badForms() {
        assertThat(errorOf("<x xmlns='jabber:x:data' type='form'/>")).isEqualTo(StanzaErrorCondition.BAD_REQUEST);
        assertThat(errorOf("<x xmlns='jabber:x:data' type='submit'>" + field("FORM_TYPE", "urn:xmpp:mam:1") + "</x>"))
                .as("another FORM_TYPE").isEqualTo(StanzaErrorCondition.BAD_REQUEST);
        assertThat(errorOf(form(field("with", "a@b/c") + field("with", "d@e"))))
                .as("a field twice").isEqualTo(StanzaErrorCondition.BAD_REQUEST);
        assertThat(errorOf(form("<field var='with'><value>a@b</value><value>c@d</value></field>")))
                .as("two values for a single-valued field").isEqualTo(StanzaErrorCondition.BAD_REQUEST);
        assertThat(errorOf(form(field("with", "@@not a jid")))).as("a malformed JID")
                .isEqualTo(StanzaErrorCondition.BAD_REQUEST);
        assertThat(errorOf(form("<field><value>x</value></field>"))).as("a field without var")
                .isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    }

    @Test
    @DisplayName("XEP-0313 §4.1.5: a form field the server does not know is feature-not-implemented")
    void unknownFieldIsFeatureNotImplemented() {
        assertThat(errorOf(form(field("{urn:example}full-text-search", "x"))))
                .isEqualTo(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED);
        assertThat(errorOf(form(field("include-groupchat", "true"))))
                .as("not advertised (urn:xmpp:mam:2#groupchat-field), so not understood")
                .isEqualTo(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED);
    }

    @Test
    @DisplayName("XEP-0059: malformed <max/> or an empty <after/> is bad-request")
    void badPaging() {
        assertThat(errorOf(rsm("<max>ten</max>"))).isEqualTo(StanzaErrorCondition.BAD_REQUEST);
        assertThat(errorOf(rsm("<max>-1</max>"))).isEqualTo(StanzaErrorCondition.BAD_REQUEST);
        assertThat(errorOf(rsm("<after/>"))).isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    }

    @Test
    @DisplayName("XEP-0059 §2.4: paging by <index/> is not implemented")
    void indexNotImplemented() {
        assertThat(errorOf(rsm("<max>10</max><index>20</index>")))
                .isEqualTo(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED);
    }

    @DisplayName("XEP-0313 §4.3 / §4.1.3, XEP-0059 §2.5: an id that cannot be an archive id is item-not-found")
    @ParameterizedTest(name = "''{0}''")
    @CsvSource({"09af3-cc343-b409f", "abc", "zzzzzzzzzzzzz", "0000000000000000", "ABCDEFGHJKMNP"})
    void unparseableIdsAreItemNotFound(String id) {
        assertThat(errorOf(rsm("<after>" + id + "</after>"))).isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
        assertThat(errorOf(rsm("<before>" + id + "</before>"))).isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
        assertThat(errorOf(form(field("after-id", id)))).isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
        assertThat(errorOf(form(field("before-id", id)))).isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
        assertThat(errorOf(form(field("ids", id)))).isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
    }

    @Test
    @DisplayName("XEP-0313 §6.1.3: node archives (pubsub) are not served here")
    void nodeNotImplemented() {
        assertThatThrownBy(() -> MamQueryParser.parse(Xml.payload(
                "<iq type='set' id='q'><query xmlns='urn:xmpp:mam:2' node='urn:xmpp:microblog:0'/></iq>")))
                .isInstanceOfSatisfying(StanzaErrorException.class,
                        e -> assertThat(e.condition()).isEqualTo(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED));
    }
}
