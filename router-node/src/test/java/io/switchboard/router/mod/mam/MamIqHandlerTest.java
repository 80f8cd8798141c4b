package io.switchboard.router.mod.mam;

import io.switchboard.cluster.bus.Addresses;
import io.switchboard.cluster.bus.Codecs;
import io.switchboard.cluster.bus.Delivery;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.protocol.error.StanzaErrorCondition;
import io.switchboard.protocol.error.StanzaErrorType;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.StanzaParsing;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.Outbound;
import io.switchboard.router.module.IqRequest;
import io.switchboard.router.module.IqScope;
import io.switchboard.router.module.StanzaErrorException;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchivePrefs;
import io.switchboard.storage.ArchivePrefs.Mode;
import io.switchboard.storage.ArchivedMessage;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MAM IQs (XEP-0313 §4, §5; XEP-0441) against an in-memory store; result messages are captured
 * where the connector would receive them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MamIqHandlerTest {
    private static final String JULIET = "juliet@capulet.lit";
    private static final String ROMEO = "romeo@montague.lit";
    private static final String NURSE = "nurse@capulet.lit";
    private static final Duration LIMIT = Duration.ofMillis(300);
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private Vertx vertx;
    private MessageConsumer<Object> connector;
    private final List<XmlElement> sent = new CopyOnWriteArrayList<>();
    private InMemoryArchiveStore store;
    private MamIqHandler handler;
    private final List<Long> ids = new ArrayList<>();

    @BeforeAll
    void startVertx() {
        vertx = Vertx.vertx();
        Codecs.registerAll(vertx.eventBus());
        connector = vertx.eventBus().consumer(Addresses.connector("n1"),
                m -> sent.add(StanzaParsing.parse(((Delivery) m.body()).xml())));
        connector.completion().await();
    }

    @AfterAll
    void stopVertx() {
        vertx.close().await();
    }

    @BeforeEach
    void fresh() {
        sent.clear();
        ids.clear();
        store = new InMemoryArchiveStore(JULIET, ROMEO, NURSE);
        handler = new MamIqHandler(store, new Outbound(vertx.eventBus(), null), vertx, LIMIT);
        // Juliet's archive: 7 messages one minute apart, alternating Romeo and the Nurse.
        for (int i = 0; i < 7; i++) {
            long id = ArchiveId.lowest(T0.plusSeconds(60L * i)) + 1;
            ids.add(id);
            String with = i % 2 == 0 ? ROMEO + "/orchard" : NURSE;
            store.archives.computeIfAbsent(JULIET, o -> new java.util.concurrent.ConcurrentSkipListMap<>()).put(id,
                    new ArchivedMessage(JULIET, id, with, ("<message from='" + with + "' to='" + JULIET
                            + "' type='chat'><body>m" + i + "</body></message>").getBytes(StandardCharsets.UTF_8)));
        }
        store.accounts.add(JULIET);
    }

    @AfterEach
    void noLeftovers() {
        sent.clear();
    }

    private XmlElement ask(String from, String to, String type, String payload) {
        String iqXml = "<iq type='" + type + "' id='q1'" + (to == null ? "" : " to='" + to + "'") + ">" + payload + "</iq>";
        XmlElement iq = Xml.parse(iqXml);
        Jid fromJid = Jid.of(from);
        Jid toJid = to == null ? fromJid.bare() : Jid.of(to);
        RoutedStanza header = new RoutedStanza(StanzaKind.IQ, type, "q1", from, to, "n1", "c1", 0,
                iqXml.getBytes(StandardCharsets.UTF_8));
        return VertxSupport.await(vertx, () -> handler.handle(new IqRequest(iq, iq.elements().get(0), fromJid, toJid,
                IqScope.ACCOUNT, header)));
    }

    private XmlElement query(String inner) {
        return ask(JULIET + "/chamber", null, "set", "<query xmlns='urn:xmpp:mam:2' queryid='f27'>" + inner + "</query>");
    }

    private StanzaErrorException queryError(String inner) {
        try {
            query(inner);
        } catch (StanzaErrorException e) {
            return e;
        }
        throw new AssertionError("no error");
    }

    /** The bodies of the results received so far (after the handler completed, all were sent). */
    private List<String> resultBodies() throws InterruptedException {
        Thread.sleep(50); // the event bus hands deliveries over asynchronously
        List<String> bodies = new ArrayList<>();
        for (XmlElement m : sent) {
            XmlElement result = m.child("result", MamNamespaces.MAM);
            XmlElement original = result.child("forwarded", MamNamespaces.FORWARD).child("message", null);
            bodies.add(original.childText("body", null));
        }
        return bodies;
    }

    private static String set(String content) {
        return "<set xmlns='http://jabber.org/protocol/rsm'>" + content + "</set>";
    }

    private static String form(String fields) {
        return "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2"
                + "</value></field>" + fields + "</x>";
    }

    private static String field(String var, String value) {
        return "<field var='" + var + "'><value>" + value + "</value></field>";
    }

    private static String first(XmlElement fin) {
        return fin.child("set", MamNamespaces.RSM).childText("first", MamNamespaces.RSM);
    }

    private static String last(XmlElement fin) {
        return fin.child("set", MamNamespaces.RSM).childText("last", MamNamespaces.RSM);
    }

    @Test
    @DisplayName("XEP-0313 §4.2/§4.3: forward paging with RSM: pages in order, fin first/last/complete")
    void pagesForward() throws Exception {
        XmlElement fin = query(set("<max>3</max>"));
        assertThat(resultBodies()).containsExactly("m0", "m1", "m2");
        assertThat(fin.attribute("complete")).isEqualTo("false");
        assertThat(first(fin)).isEqualTo(ArchiveId.format(ids.get(0)));
        assertThat(last(fin)).isEqualTo(ArchiveId.format(ids.get(2)));
        for (XmlElement m : sent) {
            assertThat(m.attribute("to")).isEqualTo(JULIET + "/chamber");
            assertThat(m.attribute("from")).isEqualTo(JULIET);
            assertThat(m.child("result", MamNamespaces.MAM).attribute("queryid")).isEqualTo("f27");
        }
        sent.clear();
        fin = query(set("<max>3</max><after>" + last(fin) + "</after>"));
        assertThat(resultBodies()).containsExactly("m3", "m4", "m5");
        sent.clear();
        fin = query(set("<max>3</max><after>" + last(fin) + "</after>"));
        assertThat(resultBodies()).containsExactly("m6");
        assertThat(fin.attribute("complete")).isEqualTo("true");
    }

    @Test
    @DisplayName("XEP-0313 §4.3.3 + XEP-0059 §2.5: <before/> gives the last page, then <before>id</before> pages back")
    void pagesBackward() throws Exception {
        XmlElement fin = query(set("<max>3</max><before/>"));
        assertThat(resultBodies()).as("still chronological within the page").containsExactly("m4", "m5", "m6");
        assertThat(fin.attribute("complete")).isEqualTo("false");
        sent.clear();
        fin = query(set("<max>3</max><before>" + first(fin) + "</before>"));
        assertThat(resultBodies()).containsExactly("m1", "m2", "m3");
        sent.clear();
        fin = query(set("<max>3</max><before>" + first(fin) + "</before>"));
        assertThat(resultBodies()).containsExactly("m0");
        assertThat(fin.attribute("complete")).as("reached the start of the archive").isEqualTo("true");
    }

    @Test
    @DisplayName("XEP-0313 §4.1.1: a bare 'with' matches every resource of that contact")
    void filterByContact() throws Exception {
        query(form(field("with", ROMEO)));
        assertThat(resultBodies()).containsExactly("m0", "m2", "m4", "m6");
    }

    @Test
    @DisplayName("XEP-0313 §4.1.2: start and end are inclusive bounds on the archiving time")
    void filterByTime() throws Exception {
        query(form(field("start", T0.plusSeconds(60).toString()) + field("end", T0.plusSeconds(180).toString())));
        assertThat(resultBodies()).containsExactly("m1", "m2", "m3");
    }

    @Test
    @DisplayName("XEP-0313 §4.3.4: <flip-page/> sends the same page newest first")
    void flipPage() throws Exception {
        XmlElement fin = query(set("<max>3</max>") + "<flip-page/>");
        assertThat(resultBodies()).containsExactly("m2", "m1", "m0");
        assertThat(first(fin)).isEqualTo(ArchiveId.format(ids.get(0)));
    }

    @Test
    @DisplayName("XEP-0313 §4.1.3: 'ids' fetches exactly those messages; after-id/before-id bound a range")
    void extendedFields() throws Exception {
        query(form("<field var='ids'><value>" + ArchiveId.format(ids.get(5)) + "</value><value>"
                + ArchiveId.format(ids.get(1)) + "</value></field>"));
        assertThat(resultBodies()).containsExactly("m1", "m5");
        sent.clear();
        query(form(field("after-id", ArchiveId.format(ids.get(1))) + field("before-id", ArchiveId.format(ids.get(4)))));
        assertThat(resultBodies()).containsExactly("m2", "m3");
    }

    @Test
    @DisplayName("XEP-0313 §4.3 / XEP-0059 §2.5: a well-formed id that is not in the archive is item-not-found, "
            + "and no result is sent")
    void unknownCursorIsItemNotFound() throws Exception {
        String unknown = ArchiveId.format(ids.get(3) + 1);
        assertThat(queryError(set("<after>" + unknown + "</after>")).condition())
                .isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
        assertThat(queryError(set("<before>" + unknown + "</before>")).condition())
                .isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
        assertThat(queryError(form(field("after-id", unknown))).condition())
                .isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
        assertThat(queryError(form(field("ids", unknown))).condition()).isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
        assertThat(resultBodies()).isEmpty();
    }

    @Test
    @DisplayName("XEP-0313 §4.3: an id from another user's archive is item-not-found in mine")
    void otherUsersIdIsItemNotFound() {
        long romeosId = ArchiveId.lowest(T0.plusSeconds(30)) + 5;
        store.archives.computeIfAbsent(ROMEO, o -> new java.util.concurrent.ConcurrentSkipListMap<>()).put(romeosId,
                new ArchivedMessage(ROMEO, romeosId, JULIET, "<message/>".getBytes(StandardCharsets.UTF_8)));
        assertThat(queryError(set("<after>" + ArchiveId.format(romeosId) + "</after>")).condition())
                .isEqualTo(StanzaErrorCondition.ITEM_NOT_FOUND);
    }

    @Test
    @DisplayName("XEP-0059 §2.6: <max>0</max> sends no results; complete says whether anything matched")
    void maxZero() throws Exception {
        XmlElement fin = query(set("<max>0</max>"));
        assertThat(resultBodies()).isEmpty();
        assertThat(fin.attribute("complete")).isEqualTo("false");
        assertThat(fin.child("set", MamNamespaces.RSM).elements()).isEmpty();
    }

    @Test
    @DisplayName("XEP-0059 §2.7: an empty page: empty set, complete")
    void emptyPage() throws Exception {
        XmlElement fin = query(form(field("with", "nobody@capulet.lit")));
        assertThat(resultBodies()).isEmpty();
        assertThat(fin.attribute("complete")).isEqualTo("true");
        assertThat(fin.child("set", MamNamespaces.RSM).elements()).isEmpty();
    }

    @Test
    @DisplayName("XEP-0313 §8.1: querying another user's archive is forbidden")
    void otherUsersArchiveIsForbidden() {
        assertThatThrownBy(() -> ask(ROMEO + "/orchard", JULIET, "set", "<query xmlns='urn:xmpp:mam:2'/>"))
                .isInstanceOfSatisfying(StanzaErrorException.class,
                        e -> assertThat(e.condition()).isEqualTo(StanzaErrorCondition.FORBIDDEN));
        assertThatThrownBy(() -> ask(ROMEO + "/orchard", JULIET, "get", "<prefs xmlns='urn:xmpp:mam:2'/>"))
                .isInstanceOfSatisfying(StanzaErrorException.class,
                        e -> assertThat(e.condition()).isEqualTo(StanzaErrorCondition.FORBIDDEN));
    }

    @Test
    @DisplayName("a query to one's own bare JID is the same as one without 'to'")
    void ownBareJid() throws Exception {
        ask(JULIET + "/chamber", JULIET, "set", "<query xmlns='urn:xmpp:mam:2'>" + set("<max>1</max>") + "</query>");
        assertThat(resultBodies()).containsExactly("m0");
    }

    @Test
    @DisplayName("storage down: internal-server-error of type wait, no results")
    void storageDown() throws Exception {
        store.down = true;
        StanzaErrorException e = queryError("");
        assertThat(e.condition()).isEqualTo(StanzaErrorCondition.INTERNAL_SERVER_ERROR);
        assertThat(e.type()).isEqualTo(StanzaErrorType.WAIT);
        assertThat(resultBodies()).isEmpty();
    }

    @Test
    @DisplayName("storage hanging: internal-server-error (wait) within the time limit instead of never answering")
    void storageHanging() throws Exception {
        store.hanging = true;
        long start = System.nanoTime();
        StanzaErrorException e = queryError("");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(LIMIT.toMillis() * 10);
        assertThat(e.condition()).isEqualTo(StanzaErrorCondition.INTERNAL_SERVER_ERROR);
        assertThat(e.type()).isEqualTo(StanzaErrorType.WAIT);
        assertThat(resultBodies()).isEmpty();
    }

    @Test
    @DisplayName("XEP-0313 §4.1.5: a get of the query returns the form")
    void formRequest() {
        XmlElement answer = ask(JULIET + "/chamber", null, "get", "<query xmlns='urn:xmpp:mam:2'/>");
        assertThat(answer).isEqualTo(MamReplies.queryForm());
    }

    @Test
    @DisplayName("XEP-0313 §5: metadata names the first and last message")
    void metadata() {
        XmlElement answer = ask(JULIET + "/chamber", null, "get", "<metadata xmlns='urn:xmpp:mam:2'/>");
        assertThat(answer.child("start", MamNamespaces.MAM).attribute("id")).isEqualTo(ArchiveId.format(ids.get(0)));
        assertThat(answer.child("end", MamNamespaces.MAM).attribute("id")).isEqualTo(ArchiveId.format(ids.get(6)));
    }

    @Test
    @DisplayName("XEP-0441 §2: preferences default to always, a set is stored and answered as applied")
    void prefsRoundTrip() {
        assertThat(ask(JULIET + "/chamber", null, "get", "<prefs xmlns='urn:xmpp:mam:2'/>"))
                .isEqualTo(PrefsCodec.write(ArchivePrefs.DEFAULT));
        XmlElement set = ask(JULIET + "/chamber", null, "set", "<prefs xmlns='urn:xmpp:mam:2' default='roster'>"
                + "<always><jid>Romeo@Montague.lit</jid></always><never><jid>" + NURSE + "</jid></never></prefs>");
        ArchivePrefs expected = new ArchivePrefs(Mode.ROSTER, Set.of(ROMEO), Set.of(NURSE));
        assertThat(set).isEqualTo(PrefsCodec.write(expected));
        assertThat(store.prefs.get(JULIET)).isEqualTo(expected);
        assertThat(ask(JULIET + "/chamber", null, "get", "<prefs xmlns='urn:xmpp:mam:2'/>"))
                .isEqualTo(PrefsCodec.write(expected));
    }
}
