package io.switchboard.router.mod.mam;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.cluster.bus.RoutedStanza;
import io.switchboard.cluster.bus.StanzaKind;
import io.switchboard.protocol.jid.Jid;
import io.switchboard.protocol.xml.StanzaParsing;
import io.switchboard.protocol.xml.XmlElement;
import io.switchboard.router.module.InterceptedMessage;
import io.switchboard.storage.ArchiveId;
import io.switchboard.storage.ArchivePrefs;
import io.switchboard.storage.ArchivePrefs.Mode;
import io.switchboard.storage.ArchivedMessage;
import io.switchboard.storage.RosterItem;
import io.switchboard.storage.RosterStore;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Archiving on the message path (XEP-0313 §3.5, §6.1.1; XEP-0359; XEP-0441) against an in-memory store. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageArchiverTest {
    private static final String ALICE = "alice@example.com";
    private static final String BOB = "bob@example.com";
    private static final Duration LIMIT = Duration.ofMillis(300);

    private Vertx vertx;
    private InMemoryArchiveStore store;
    private final Map<String, Set<String>> rosters = new ConcurrentHashMap<>();
    private SimpleMeterRegistry meters;
    private Counter failures;
    private MessageArchiver archiver;

    @BeforeAll
    void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    void stopVertx() {
        vertx.close().await();
    }

    @BeforeEach
    void fresh() {
        store = new InMemoryArchiveStore(ALICE, BOB);
        rosters.clear();
        meters = new SimpleMeterRegistry();
        failures = meters.counter("xmpp.mam.archive.failures");
        archiver = new MessageArchiver("example.com", store, rosterStore(), vertx, failures,
                meters.counter("xmpp.mam.archived"), LIMIT);
    }

    private RosterStore rosterStore() {
        return (RosterStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{RosterStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("item")) {
                        boolean present = rosters.getOrDefault((String) args[0], Set.of()).contains((String) args[1]);
                        return CompletableFuture.completedFuture(present ? Optional.of(RosterItem.of((String) args[1]))
                                : Optional.empty());
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static InterceptedMessage message(String from, String to, String type, String content) {
        String xml = "<message from='" + from + "'" + (to == null ? "" : " to='" + to + "'")
                + (type == null ? "" : " type='" + type + "'") + " id='m1'>" + content + "</message>";
        Jid toJid = to == null ? Jid.of(from).bare() : Jid.of(to);
        RoutedStanza s = new RoutedStanza(StanzaKind.MESSAGE, type, "m1", from, to, "n1", "c1", 0,
                xml.getBytes(StandardCharsets.UTF_8));
        return new InterceptedMessage(s, Jid.of(from), toJid, toJid.bare(), false);
    }

    private InterceptedMessage intercept(InterceptedMessage m) {
        return VertxSupport.await(vertx, () -> archiver.intercept(m));
    }

    private static XmlElement delivered(InterceptedMessage m) {
        return StanzaParsing.parse(m.stanza().xml());
    }

    private static List<XmlElement> stanzaIds(InterceptedMessage m) {
        return delivered(m).children("stanza-id", MamNamespaces.SID);
    }

    @Test
    @DisplayName("XEP-0313 §6.1.1: a chat is archived for both parties; incoming 'with' = sender's full JID, "
            + "outgoing 'with' = the 'to'")
    void archivedForBothParties() {
        intercept(message(ALICE + "/desk", BOB, "chat", "<body>hi</body>"));
        assertThat(store.archiveOf(BOB)).singleElement().satisfies(m -> assertThat(m.with()).isEqualTo(ALICE + "/desk"));
        assertThat(store.archiveOf(ALICE)).singleElement().satisfies(m -> assertThat(m.with()).isEqualTo(BOB));
        XmlElement copy = StanzaParsing.parse(store.archiveOf(ALICE).get(0).stanza());
        assertThat(copy.attribute("from")).isEqualTo(ALICE + "/desk");
        assertThat(copy.attribute("to")).isEqualTo(BOB);
        assertThat(copy.childText("body", null)).isEqualTo("hi");
    }

    @Test
    @DisplayName("XEP-0313 §3.5 / XEP-0359: the delivered copy carries stanza-id by the recipient = its archive id")
    void deliveredCopyCarriesTheArchiveId() {
        InterceptedMessage out = intercept(message(ALICE + "/desk", BOB + "/phone", "chat", "<body>hi</body>"));
        ArchivedMessage bobs = store.archiveOf(BOB).get(0);
        assertThat(stanzaIds(out)).singleElement().satisfies(e -> {
            assertThat(e.attribute("by")).isEqualTo(BOB);
            assertThat(e.attribute("id")).isEqualTo(ArchiveId.format(bobs.id()));
        });
        assertThat(out.stanza().to()).as("routing header untouched").isEqualTo(BOB + "/phone");
        assertThat(StanzaParsing.parse(bobs.stanza()).child("stanza-id", MamNamespaces.SID))
                .as("the archived copy has no stanza-id").isNull();
    }

    @Test
    @DisplayName("XEP-0359 §5: a sender's stanza-id claiming to be by the recipient is replaced; others are kept")
    void spoofedStanzaIdIsReplaced() {
        InterceptedMessage out = intercept(message(ALICE + "/desk", BOB, "chat", "<body>hi</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='" + BOB + "' id='spoofed'/>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='muc.example.com' id='other'/>"));
        assertThat(stanzaIds(out)).extracting(e -> e.attribute("by") + "=" + e.attribute("id")).containsExactly(
                "muc.example.com=other", BOB + "=" + ArchiveId.format(store.archiveOf(BOB).get(0).id()));
    }

    @Test
    @DisplayName("XEP-0359 §5: spoofed stanza-ids are removed from messages that are not archived too")
    void spoofRemovedFromHeadline() {
        InterceptedMessage out = intercept(message(ALICE + "/desk", BOB, "headline", "<body>news</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='" + BOB + "' id='spoofed'/>"));
        assertThat(stanzaIds(out)).isEmpty();
        assertThat(store.archiveOf(BOB)).isEmpty();
        assertThat(store.archiveOf(ALICE)).isEmpty();
    }

    @Test
    @DisplayName("§6.1.1: groupchat, headline and body-less chats pass untouched (same bytes) and unarchived")
    void notArchivedPassesUntouched() {
        for (String[] c : new String[][]{{"groupchat", "<body>x</body>"}, {"headline", "<body>x</body>"},
                {"chat", "<composing xmlns='http://jabber.org/protocol/chatstates'/>"}}) {
            InterceptedMessage in = message(ALICE + "/desk", BOB, c[0], c[1]);
            assertThat(intercept(in)).as(c[0]).isSameAs(in);
        }
        assertThat(store.archiveOf(BOB)).isEmpty();
    }

    @Test
    @DisplayName("XEP-0334 §4.3: <no-store/> keeps a chat out of both archives, and no stanza-id is added")
    void noStoreHint() {
        InterceptedMessage out = intercept(message(ALICE + "/desk", BOB, "chat",
                "<body>secret</body><no-store xmlns='urn:xmpp:hints'/>"));
        assertThat(store.archiveOf(BOB)).isEmpty();
        assertThat(store.archiveOf(ALICE)).isEmpty();
        assertThat(stanzaIds(out)).isEmpty();
    }

    @Test
    @DisplayName("XEP-0334 §4.4: <store/> archives a body-less chat")
    void storeHint() {
        intercept(message(ALICE + "/desk", BOB, "chat", "<store xmlns='urn:xmpp:hints'/>"
                + "<encrypted xmlns='eu.siacs.conversations.axolotl'/>"));
        assertThat(store.archiveOf(BOB)).hasSize(1);
    }

    @Test
    @DisplayName("XEP-0441: the recipient's default='never' keeps its copy out (no stanza-id); the sender's stays")
    void recipientPrefsNever() {
        store.prefs.put(BOB, new ArchivePrefs(Mode.NEVER, Set.of(), Set.of()));
        InterceptedMessage out = intercept(message(ALICE + "/desk", BOB, "chat", "<body>hi</body>"));
        assertThat(store.archiveOf(BOB)).isEmpty();
        assertThat(store.archiveOf(ALICE)).hasSize(1);
        assertThat(stanzaIds(out)).isEmpty();
    }

    @Test
    @DisplayName("XEP-0441: the sender's never list names the recipient's bare JID: no outgoing copy")
    void senderNeverList() {
        store.prefs.put(ALICE, new ArchivePrefs(Mode.ALWAYS, Set.of(), Set.of(BOB)));
        intercept(message(ALICE + "/desk", BOB + "/phone", "chat", "<body>hi</body>"));
        assertThat(store.archiveOf(ALICE)).isEmpty();
        assertThat(store.archiveOf(BOB)).hasSize(1);
    }

    @Test
    @DisplayName("XEP-0441 default='roster': archived only when the other party's bare JID is in the owner's roster")
    void rosterMode() {
        store.prefs.put(BOB, new ArchivePrefs(Mode.ROSTER, Set.of(), Set.of()));
        intercept(message(ALICE + "/desk", BOB, "chat", "<body>stranger</body>"));
        assertThat(store.archiveOf(BOB)).isEmpty();
        rosters.put(BOB, Set.of(ALICE));
        intercept(message(ALICE + "/desk", BOB, "chat", "<body>friend</body>"));
        assertThat(store.archiveOf(BOB)).singleElement()
                .satisfies(m -> assertThat(StanzaParsing.parse(m.stanza()).childText("body", null)).isEqualTo("friend"));
    }

    @Test
    @DisplayName("XEP-0313 §4.1.1: a message to oneself is archived once, and its 'with' matches the own bare JID")
    void messageToSelfArchivedOnce() {
        InterceptedMessage out = intercept(message(ALICE + "/desk", null, "chat", "<body>note to self</body>"));
        assertThat(store.archiveOf(ALICE)).singleElement().satisfies(m -> {
            assertThat(m.withBare()).isEqualTo(ALICE);
            assertThat(StanzaParsing.parse(m.stanza()).attribute("to")).as("'to' filled in").isEqualTo(ALICE);
        });
        assertThat(stanzaIds(out)).hasSize(1);
    }

    @Test
    @DisplayName("storage down: the message goes on unchanged except spoof removal, without stanza-id; failures counted")
    void storageDownDeliversWithoutStanzaId() {
        store.down = true;
        InterceptedMessage out = intercept(message(ALICE + "/desk", BOB, "chat", "<body>hi</body>"
                + "<stanza-id xmlns='urn:xmpp:sid:0' by='" + BOB + "' id='spoofed'/>"));
        assertThat(stanzaIds(out)).isEmpty();
        assertThat(delivered(out).childText("body", null)).isEqualTo("hi");
        assertThat(failures.count()).as("one failure per party").isEqualTo(2.0);
    }

    @Test
    @DisplayName("storage hanging: the message goes on within the time limit, without stanza-id; failures counted")
    void storageHangingDeliversWithinTheLimit() {
        store.hanging = true;
        long start = System.nanoTime();
        InterceptedMessage out = intercept(message(ALICE + "/desk", BOB, "chat", "<body>hi</body>"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LIMIT.multipliedBy(10));
        assertThat(stanzaIds(out)).isEmpty();
        assertThat(failures.count()).isEqualTo(2.0);
    }

    @Test
    @DisplayName("an owner whose account is gone is skipped quietly (not a storage failure)")
    void unknownAccountIsNotAFailure() {
        store.accounts.remove(ALICE);
        InterceptedMessage out = intercept(message(ALICE + "/desk", BOB, "chat", "<body>hi</body>"));
        assertThat(store.archiveOf(BOB)).hasSize(1);
        assertThat(stanzaIds(out)).hasSize(1);
        assertThat(failures.count()).isZero();
    }

    @Test
    @DisplayName("XEP-0313 §3.1: ids increase in the order messages are archived")
    void idsIncrease() {
        for (int i = 0; i < 20; i++) {
            intercept(message(ALICE + "/desk", BOB, "chat", "<body>" + i + "</body>"));
        }
        List<ArchivedMessage> archived = store.archiveOf(BOB);
        assertThat(archived).extracting(m -> StanzaParsing.parse(m.stanza()).childText("body", null))
                .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15",
                        "16", "17", "18", "19");
    }
}
