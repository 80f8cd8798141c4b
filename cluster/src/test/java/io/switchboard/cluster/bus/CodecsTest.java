package io.switchboard.cluster.bus;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What crosses a node boundary must come back identical, including absent fields and multibyte text. */
class CodecsTest {

    @Test
    void routedStanzaRoundTripsWithNullFieldsAndUtf8() {
        RoutedStanza s = new RoutedStanza(StanzaKind.MESSAGE, null, "id-1", "älice@localhost/ü", null, "node-1",
                "c-7", 1_234_567L, "<message><body>π ✓</body></message>".getBytes(StandardCharsets.UTF_8));
        Codecs.RoutedStanzaCodec codec = new Codecs.RoutedStanzaCodec();
        Buffer buffer = Buffer.buffer().appendString("prefix");
        codec.encodeToWire(buffer, s);
        RoutedStanza back = codec.decodeFromWire(6, buffer);
        assertThat(back.kind()).isEqualTo(StanzaKind.MESSAGE);
        assertThat(back.type()).isNull();
        assertThat(back.to()).isNull();
        assertThat(back.from()).isEqualTo("älice@localhost/ü");
        assertThat(back.originConnection()).isEqualTo("c-7");
        assertThat(back.ingressMicros()).isEqualTo(1_234_567L);
        assertThat(back.xmlString()).isEqualTo("<message><body>π ✓</body></message>");
    }

    @Test
    void deliveryCarriesTheStanzaOnceForManyConnections() {
        Delivery d = new Delivery(StanzaKind.PRESENCE, List.of("a", "b", "c"), "<presence/>".getBytes(), 42L);
        Codecs.DeliveryCodec codec = new Codecs.DeliveryCodec();
        Buffer buffer = Buffer.buffer();
        codec.encodeToWire(buffer, d);
        Delivery back = codec.decodeFromWire(0, buffer);
        assertThat(back.connectionIds()).containsExactly("a", "b", "c");
        assertThat(back.xml()).isEqualTo("<presence/>".getBytes());
        assertThat(back.kind()).isEqualTo(StanzaKind.PRESENCE);
        assertThat(back.ingressMicros()).isEqualTo(42L);
    }

    @Test
    void sessionCommandRoundTrips() {
        SessionCommand c = new SessionCommand("c-1", "conflict", null);
        Codecs.SessionCommandCodec codec = new Codecs.SessionCommandCodec();
        Buffer buffer = Buffer.buffer();
        codec.encodeToWire(buffer, c);
        assertThat(codec.decodeFromWire(0, buffer)).isEqualTo(c);
    }

    @Test
    void presenceBatchCarriesTheStanzaOnceAndOneToPerRecipient() {
        PresenceBatch b = new PresenceBatch("<presence from='a@x/r'/>".getBytes(), List.of("c1", "c2"),
                List.of("b@x/1", "c@x/2"), 7L);
        Codecs.PresenceBatchCodec codec = new Codecs.PresenceBatchCodec();
        Buffer buffer = Buffer.buffer();
        codec.encodeToWire(buffer, b);
        PresenceBatch back = codec.decodeFromWire(0, buffer);
        assertThat(back.connectionIds()).containsExactly("c1", "c2");
        assertThat(back.toJids()).containsExactly("b@x/1", "c@x/2");
        assertThat(back.xml()).isEqualTo(b.xml());
        assertThat(back.ingressMicros()).isEqualTo(7L);
    }
}
