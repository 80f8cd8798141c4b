package io.switchboard.launcher.it.mam;

import io.switchboard.launcher.it.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.switchboard.launcher.it.mam.RawMamClient.STANZAS_NS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * XEP-0313 Message Archive Management on the wire, against a real server with the embedded store:
 * the exact shape of results and {@code <fin/>}, their order, XEP-0359 stanza-ids on delivered
 * messages, XEP-0334 hints and the error conditions.
 */
class MamRawXmlTest {
    private static final String PASSWORD = "p4ssw0rd";
    private static final String MAM = "urn:xmpp:mam:2";
    private static final Pattern RESULT = Pattern.compile(
            "<message to='([^']+)' from='([^']+)'><result xmlns='urn:xmpp:mam:2'(?: queryid='([^']*)')? id='([0-9a-z]{13})'>"
                    + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='([^']+)'/>"
                    + "(<message xmlns='jabber:client'.*?</message>)</forwarded></result></message>", Pattern.DOTALL);
    private static final Pattern STAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,9})?Z");
    private static final Pattern STANZA_ID = Pattern.compile("<stanza-id xmlns='urn:xmpp:sid:0' by='([^']+)' id='([^']+)'/>");

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String user(String prefix) {
        return prefix + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String bare(String user) {
        return user + "@" + TestServer.DOMAIN;
    }

    /** A registered, bound and available client. */
    private static RawMamClient online(String user, String resource) {
        RawMamClient c = RawMamClient.registerAndLogIn(server, user, PASSWORD, resource);
        c.available();
        return c;
    }

    /** One archive result as received. */
    record Result(String to, String from, String queryId, String id, String stamp, String message) {
        String body() {
            Matcher m = Pattern.compile("<body>([^<]*)</body>").matcher(message);
            return m.find() ? m.group(1) : null;
        }
    }

    /** The results in the text before the IQ answer, and the answer. */
    record Answer(List<Result> results, String iq, String raw) {
        List<String> bodies() {
            return results.stream().map(Result::body).toList();
        }

        List<String> ids() {
            return results.stream().map(Result::id).toList();
        }

        String fin() {
            Matcher m = Pattern.compile("<fin xmlns='urn:xmpp:mam:2'[^>]*(/>|>.*?</fin>)", Pattern.DOTALL).matcher(iq);
            return m.find() ? m.group() : null;
        }
    }

    private static Answer query(RawMamClient c, String queryInner) {
        String text = c.iqWithPreceding("set", "<query xmlns='urn:xmpp:mam:2' queryid='q'>" + queryInner + "</query>");
        int iqStart = text.lastIndexOf("<iq ");
        String before = text.substring(0, iqStart);
        List<Result> results = new ArrayList<>();
        Matcher m = RESULT.matcher(before);
        while (m.find()) {
            results.add(new Result(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6)));
        }
        return new Answer(results, text.substring(iqStart), text);
    }

    private static String rsm(String content) {
        return "<set xmlns='http://jabber.org/protocol/rsm'>" + content + "</set>";
    }

    private static String form(String fields) {
        return "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>" + MAM
                + "</value></field>" + fields + "</x>";
    }

    private static String field(String var, String value) {
        return "<field var='" + var + "'><value>" + value + "</value></field>";
    }

    private static String chat(String to, String id, String content) {
        return "<message to='" + to + "' type='chat' id='" + id + "'>" + content + "</message>";
    }

    /** The stanza-ids on a delivered message, as "by=id". */
    private static List<String> stanzaIds(String message) {
        List<String> ids = new ArrayList<>();
        Matcher m = STANZA_ID.matcher(message);
        while (m.find()) {
            ids.add(m.group(1) + "=" + m.group(2));
        }
        return ids;
    }

    private static void assertError(String iq, String type, String condition) {
        assertThat(iq).contains("type='error'");
        assertThat(iq).containsPattern("<error type='" + type + "'><" + condition + " xmlns='" + STANZAS_NS + "'/>");
    }

    @Test
    @DisplayName("XEP-0313 §4.2/§4.3 wire format: each result forwards the original with a delay stamp, "
            + "to the requesting resource from the archive's bare JID, then the IQ result with fin, first/last, complete")
    void resultsAndFinOnTheWire() {
        String alice = user("wa-alice");
        String bob = user("wa-bob");
        try (RawMamClient a = online(alice, "desk"); RawMamClient b = online(bob, "phone")) {
            List<String> delivered = new ArrayList<>();
            for (String body : List.of("one", "two", "three")) {
                a.send(chat(bare(bob), "m-" + body, "<body>" + body + "</body>"));
                delivered.add(b.awaitMessageContaining("<body>" + body + "</body>"));
            }
            Answer first = query(b, rsm("<max>2</max>"));
            assertThat(first.results()).hasSize(2);
            for (int i = 0; i < 2; i++) {
                Result r = first.results().get(i);
                assertThat(r.to()).isEqualTo(b.jid());
                assertThat(r.from()).isEqualTo(bare(bob));
                assertThat(r.queryId()).isEqualTo("q");
                assertThat(r.stamp()).matches(STAMP);
                assertThat(stanzaIds(delivered.get(i))).as("XEP-0359 stanza-id of the delivered copy = archive id")
                        .containsExactly(bare(bob) + "=" + r.id());
            }
            assertThat(first.results().get(0).message()).isEqualTo("<message xmlns='jabber:client' to='" + bare(bob)
                    + "' type='chat' id='m-one' from='" + a.jid() + "'><body>one</body></message>");
            assertThat(first.fin()).isEqualTo("<fin xmlns='urn:xmpp:mam:2' complete='false'>"
                    + "<set xmlns='http://jabber.org/protocol/rsm'><first>" + first.ids().get(0) + "</first><last>"
                    + first.ids().get(1) + "</last></set></fin>");
            assertThat(first.iq()).startsWith("<iq type='result'").contains("to='" + b.jid() + "'");

            Answer second = query(b, rsm("<max>2</max><after>" + first.ids().get(1) + "</after>"));
            assertThat(second.bodies()).containsExactly("three");
            assertThat(second.fin()).startsWith("<fin xmlns='urn:xmpp:mam:2' complete='true'>");

            Answer empty = query(b, rsm("<max>2</max><after>" + second.ids().get(0) + "</after>"));
            assertThat(empty.results()).isEmpty();
            assertThat(empty.fin()).as("XEP-0059 §2.7: an empty page has an empty set")
                    .isEqualTo("<fin xmlns='urn:xmpp:mam:2' complete='true'><set xmlns='http://jabber.org/protocol/rsm'/></fin>");
        }
    }

    @Test
    @DisplayName("XEP-0313 §4: every result arrives before the IQ result (checked over 12 queries of up to 250 results)")
    void resultsAlwaysPrecedeTheFin() {
        String alice = user("wo-alice");
        String bob = user("wo-bob");
        int count = 260;
        try (RawMamClient a = online(alice, "desk"); RawMamClient b = online(bob, "phone")) {
            for (int i = 0; i < count; i++) {
                a.send(chat(bare(bob), "o" + i, "<body>order-" + i + "</body>"));
            }
            b.awaitMessageContaining("<body>order-" + (count - 1) + "</body>");
            for (int round = 0; round < 4; round++) {
                Answer all = query(b, rsm("<max>250</max>"));
                assertThat(all.results()).as("round %d: all 250 results before the fin", round).hasSize(250);
                assertThat(all.bodies().get(0)).isEqualTo("order-0");
                assertThat(all.bodies().get(249)).isEqualTo("order-249");
                assertThat(b.quietFor(Duration.ofMillis(100))).as("nothing after the fin").doesNotContain("<result");
            }
            String after = null;
            List<String> seen = new ArrayList<>();
            for (int page = 0; page < 8; page++) {
                Answer a50 = query(b, rsm("<max>37</max>" + (after == null ? "" : "<after>" + after + "</after>")));
                seen.addAll(a50.bodies());
                if (a50.results().isEmpty()) {
                    break;
                }
                after = a50.ids().get(a50.ids().size() - 1);
                assertThat(a50.fin()).contains("complete='" + (seen.size() == count) + "'");
            }
            assertThat(seen).hasSize(count).doesNotHaveDuplicates();
            assertThat(b.quietFor(Duration.ofMillis(100))).doesNotContain("<result");
        }
    }

    @Test
    @DisplayName("XEP-0359 §5: a sender's stanza-id claiming to be by the recipient is replaced by the archive's; "
            + "one by another entity is kept; on a headline (not archived) it is removed")
    void spoofedStanzaIds() {
        String alice = user("ws-alice");
        String bob = user("ws-bob");
        try (RawMamClient a = online(alice, "desk"); RawMamClient b = online(bob, "phone")) {
            a.send(chat(bare(bob), "spoof", "<body>spoof</body><stanza-id xmlns='urn:xmpp:sid:0' by='" + bare(bob)
                    + "' id='spoofed'/><stanza-id xmlns='urn:xmpp:sid:0' by='" + bare(bob).toUpperCase()
                    + "' id='spoofed-case'/><stanza-id xmlns='urn:xmpp:sid:0' by='elsewhere.example' id='kept'/>"));
            String got = b.awaitMessageContaining("<body>spoof</body>");
            List<String> ids = stanzaIds(got);
            assertThat(ids).hasSize(2).contains("elsewhere.example=kept");
            String archiveId = ids.stream().filter(s -> s.startsWith(bare(bob) + "=")).findFirst().orElseThrow()
                    .substring(bare(bob).length() + 1);
            assertThat(archiveId).isNotIn("spoofed", "spoofed-case").matches("[0-9a-z]{13}");
            Answer archived = query(b, form(field("with", bare(alice))));
            assertThat(archived.ids()).containsExactly(archiveId);
            assertThat(archived.results().get(0).message()).as("the archive keeps no spoofed stanza-id")
                    .doesNotContain("spoofed");

            a.send("<message to='" + bare(bob) + "' type='headline' id='hl'><body>news</body><stanza-id "
                    + "xmlns='urn:xmpp:sid:0' by='" + bare(bob) + "' id='spoofed-headline'/></message>");
            String headline = b.awaitMessageContaining("<body>news</body>");
            assertThat(headline).doesNotContain("stanza-id");
        }
    }

    @Test
    @DisplayName("XEP-0313 §6.1.1 + XEP-0334: no-store and no-permanent-store skip the archive (no stanza-id), "
            + "store archives a body-less chat, chat states and headlines are not archived")
    void hintsAndTypes() {
        String alice = user("wh-alice");
        String bob = user("wh-bob");
        try (RawMamClient a = online(alice, "desk"); RawMamClient b = online(bob, "phone")) {
            a.send(chat(bare(bob), "h1", "<body>not stored</body><no-store xmlns='urn:xmpp:hints'/>"));
            a.send(chat(bare(bob), "h2", "<body>not permanent</body><no-permanent-store xmlns='urn:xmpp:hints'/>"));
            a.send(chat(bare(bob), "h3", "<store xmlns='urn:xmpp:hints'/><x xmlns='urn:example:payload'>p</x>"));
            a.send(chat(bare(bob), "h4", "<active xmlns='http://jabber.org/protocol/chatstates'/>"));
            a.send("<message to='" + bare(bob) + "' type='headline' id='h5'><body>headline</body></message>");
            a.send("<message to='" + bare(bob) + "' id='h6'><body>normal</body></message>");
            assertThat(stanzaIds(b.awaitMessageContaining("<body>not stored</body>"))).isEmpty();
            assertThat(stanzaIds(b.awaitMessageContaining("<body>not permanent</body>"))).isEmpty();
            assertThat(stanzaIds(b.awaitMessageContaining("urn:example:payload"))).hasSize(1);
            assertThat(stanzaIds(b.awaitMessageContaining("chatstates"))).isEmpty();
            assertThat(stanzaIds(b.awaitMessageContaining("<body>headline</body>"))).isEmpty();
            assertThat(stanzaIds(b.awaitMessageContaining("<body>normal</body>"))).hasSize(1);

            Answer archived = query(b, "");
            assertThat(archived.results()).extracting(r -> {
                Matcher m = Pattern.compile(" id='(h\\d)'").matcher(r.message());
                return m.find() ? m.group(1) : "?";
            }).containsExactly("h3", "h6");
        }
    }

    @Test
    @DisplayName("XEP-0313 §6.1.1: the sender's archive holds its outgoing copy with the 'to' as contact; "
            + "a message to a user that does not exist is archived for nobody")
    void outgoingCopyAndNonexistentRecipient() {
        String alice = user("wx-alice");
        String bob = user("wx-bob");
        String ghost = user("wx-ghost");
        try (RawMamClient a = online(alice, "desk"); RawMamClient b = online(bob, "phone")) {
            a.send(chat(bare(bob) + "/phone", "x1", "<body>to bob</body>"));
            b.awaitMessageContaining("<body>to bob</body>");
            a.send(chat(bare(ghost), "x2", "<body>to nobody</body>"));
            String error = a.awaitMessageContaining("type='error'");
            assertThat(error).contains("<service-unavailable xmlns='" + STANZAS_NS + "'/>");

            Answer mine = query(a, "");
            assertThat(mine.bodies()).containsExactly("to bob");
            assertThat(mine.results().get(0).message()).contains("to='" + bare(bob) + "/phone'")
                    .contains("from='" + a.jid() + "'").doesNotContain("stanza-id");
            assertThat(query(a, form(field("with", bare(bob)))).bodies()).as("a bare 'with' matches every resource")
                    .containsExactly("to bob");
            assertThat(query(a, form(field("with", bare(ghost)))).results()).isEmpty();
        }
    }

    @Test
    @DisplayName("XEP-0313 §3.5 + XEP-0160: a message archived for an offline recipient is delivered later "
            + "carrying the stanza-id of its archive entry")
    void offlineMessageCarriesTheStanzaId() throws Exception {
        String alice = user("wf-alice");
        String bob = user("wf-bob");
        RawMamClient.registerAndLogIn(server, bob, PASSWORD, "once").close();
        try (RawMamClient a = online(alice, "desk")) {
            double stored = offlineStored();
            a.send(chat(bare(bob), "off1", "<body>while you were away</body>"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (offlineStored() < stored + 1) {
                assertThat(System.nanoTime()).as("stored offline in time").isLessThan(deadline);
                Thread.sleep(20);
            }
            try (RawMamClient b = RawMamClient.logIn(server, bob, PASSWORD, "back")) {
                b.send("<presence/>");
                String got = b.awaitMessageContaining("<body>while you were away</body>");
                assertThat(got).contains("<delay xmlns='urn:xmpp:delay'");
                List<String> ids = stanzaIds(got);
                assertThat(ids).hasSize(1);
                Answer archived = query(b, "");
                assertThat(archived.bodies()).containsExactly("while you were away");
                assertThat(ids.get(0)).isEqualTo(bare(bob) + "=" + archived.ids().get(0));
            }
        }
    }

    private static double offlineStored() {
        return server.counter("xmpp_router_stanzas_total", "kind=\"message\"", "outcome=\"offline\"");
    }

    @Test
    @DisplayName("XEP-0313 §8.1 forbidden, §4.1.2 bad-request, §4.3 / XEP-0059 §2.5 item-not-found, "
            + "§4.1.5 feature-not-implemented")
    void errors() {
        String alice = user("we-alice");
        String bob = user("we-bob");
        try (RawMamClient a = online(alice, "desk"); RawMamClient b = online(bob, "phone")) {
            a.send(chat(bare(bob), "e1", "<body>hello</body>"));
            b.awaitMessageContaining("<body>hello</body>");
            String bobsId = query(b, "").ids().get(0);

            assertError(a.iq("set", bare(bob), "<query xmlns='urn:xmpp:mam:2'/>"), "auth", "forbidden");
            assertError(a.iq("get", bare(bob), "<prefs xmlns='urn:xmpp:mam:2'/>"), "auth", "forbidden");
            assertError(a.iq("set", null, "<query xmlns='urn:xmpp:mam:2'>" + form(field("start", "yesterday"))
                    + "</query>"), "modify", "bad-request");
            assertError(a.iq("set", null, "<query xmlns='urn:xmpp:mam:2'>" + form(field("end", "2024-01-01T00:00:00"))
                    + "</query>"), "modify", "bad-request");
            assertError(a.iq("set", null, "<query xmlns='urn:xmpp:mam:2'><x xmlns='jabber:x:data' type='submit'>"
                    + field("FORM_TYPE", "urn:xmpp:mam:1") + "</x></query>"), "modify", "bad-request");
            assertError(a.iq("set", null, "<query xmlns='urn:xmpp:mam:2'>" + rsm("<max>many</max>") + "</query>"),
                    "modify", "bad-request");
            assertError(a.iq("set", null, "<query xmlns='urn:xmpp:mam:2'>" + rsm("<after>not-an-id</after>")
                    + "</query>"), "cancel", "item-not-found");
            assertError(a.iq("set", null, "<query xmlns='urn:xmpp:mam:2'>" + rsm("<before>0000000000000</before>")
                    + "</query>"), "cancel", "item-not-found");
            assertError(a.iq("set", null, "<query xmlns='urn:xmpp:mam:2'>" + rsm("<after>" + bobsId + "</after>")
                    + "</query>"), "cancel", "item-not-found"); // Bob's id is not in Alice's archive
            assertError(a.iq("set", null, "<query xmlns='urn:xmpp:mam:2'>" + form(field("after-id", bobsId))
                    + "</query>"), "cancel", "item-not-found");
            assertError(a.iq("set", null, "<query xmlns='urn:xmpp:mam:2'>" + form(field("{urn:example}search", "x"))
                    + "</query>"), "cancel", "feature-not-implemented");
            assertError(a.iq("set", null, "<prefs xmlns='urn:xmpp:mam:2' default='sometimes'/>"), "modify",
                    "bad-request");
            assertThat(a.quietFor(Duration.ofMillis(100))).as("no result is sent with an error").doesNotContain("<result");
        }
    }

    @Test
    @DisplayName("XEP-0313 §4.1.5 form, §7 disco features on the account, XEP-0359 §2 on the server")
    void formAndDisco() {
        String alice = user("wd-alice");
        try (RawMamClient a = online(alice, "desk")) {
            String form = a.iq("get", null, "<query xmlns='urn:xmpp:mam:2'/>");
            assertThat(form).contains("<x xmlns='jabber:x:data' type='form'>")
                    .contains("<field type='hidden' var='FORM_TYPE'><value>urn:xmpp:mam:2</value></field>")
                    .contains("<field type='jid-single' var='with'/>").contains("<field type='text-single' var='start'/>")
                    .contains("<field type='text-single' var='end'/>")
                    .contains("<field type='text-single' var='before-id'/>")
                    .contains("<field type='text-single' var='after-id'/>").contains("var='ids'");
            String account = a.iq("get", bare(alice), "<query xmlns='http://jabber.org/protocol/disco#info'/>");
            assertThat(account).contains("<feature var='urn:xmpp:mam:2'/>").contains("<feature var='urn:xmpp:mam:2#extended'/>");
            String domain = a.iq("get", TestServer.DOMAIN, "<query xmlns='http://jabber.org/protocol/disco#info'/>");
            assertThat(domain).contains("<feature var='urn:xmpp:sid:0'/>");
        }
    }

    @Test
    @DisplayName("XEP-0441 prefs on the wire: default answer, set echoes the applied prefs, and they decide archiving")
    void prefsOnTheWire() {
        String alice = user("wp-alice");
        String bob = user("wp-bob");
        String carol = user("wp-carol");
        try (RawMamClient a = online(alice, "desk"); RawMamClient b = online(bob, "phone");
             RawMamClient c = online(carol, "tab")) {
            assertThat(b.iq("get", null, "<prefs xmlns='urn:xmpp:mam:2'/>"))
                    .contains("<prefs xmlns='urn:xmpp:mam:2' default='always'><always/><never/></prefs>");
            String set = b.iq("set", null, "<prefs xmlns='urn:xmpp:mam:2' default='never'><always><jid>"
                    + bare(alice).toUpperCase() + "</jid></always></prefs>");
            assertThat(set).contains("<prefs xmlns='urn:xmpp:mam:2' default='never'><always><jid>" + bare(alice)
                    + "</jid></always><never/></prefs>");
            assertThat(b.iq("get", null, "<prefs xmlns='urn:xmpp:mam:2'/>")).contains("default='never'");

            a.send(chat(bare(bob), "p1", "<body>from alice</body>"));
            assertThat(stanzaIds(b.awaitMessageContaining("<body>from alice</body>"))).hasSize(1);
            c.send(chat(bare(bob), "p2", "<body>from carol</body>"));
            assertThat(stanzaIds(b.awaitMessageContaining("<body>from carol</body>"))).isEmpty();
            assertThat(query(b, "").bodies()).containsExactly("from alice");
            assertThat(query(c, "").bodies()).as("carol's own archive (default always) has her copy")
                    .containsExactly("from carol");
        }
    }

    @Test
    @DisplayName("XEP-0313 §4.1.3 extended: ids, after-id/before-id, flip-page and §5 metadata")
    void extendedQueries() {
        String alice = user("wz-alice");
        String bob = user("wz-bob");
        try (RawMamClient a = online(alice, "desk"); RawMamClient b = online(bob, "phone")) {
            for (int i = 0; i < 5; i++) {
                a.send(chat(bare(bob), "z" + i, "<body>z" + i + "</body>"));
            }
            b.awaitMessageContaining("<body>z4</body>");
            List<String> ids = query(b, "").ids();
            assertThat(query(b, form("<field var='ids'><value>" + ids.get(3) + "</value><value>" + ids.get(1)
                    + "</value></field>")).bodies()).containsExactly("z1", "z3");
            assertThat(query(b, form(field("after-id", ids.get(0)) + field("before-id", ids.get(4)))).bodies())
                    .containsExactly("z1", "z2", "z3");
            assertThat(query(b, rsm("<max>2</max><before/>") + "<flip-page/>").bodies()).containsExactly("z4", "z3");
            String metadata = b.iq("get", null, "<metadata xmlns='urn:xmpp:mam:2'/>");
            assertThat(metadata).containsPattern("<start id='" + ids.get(0) + "' timestamp='[^']+'/>")
                    .containsPattern("<end id='" + ids.get(4) + "' timestamp='[^']+'/>");
        }
    }
}
