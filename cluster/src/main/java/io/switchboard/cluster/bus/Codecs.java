package io.switchboard.cluster.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Event-bus codecs for the messages exchanged between roles. Local sends pass the immutable
 * object itself; only cluster hops pay for encoding.
 */
public final class Codecs {
    private Codecs() {
    }

    public static void registerAll(EventBus eventBus) {
        eventBus.registerDefaultCodec(RoutedStanza.class, new RoutedStanzaCodec());
        eventBus.registerDefaultCodec(Delivery.class, new DeliveryCodec());
        eventBus.registerDefaultCodec(SessionCommand.class, new SessionCommandCodec());
        eventBus.registerDefaultCodec(PresenceBatch.class, new PresenceBatchCodec());
    }

    private abstract static class ImmutableCodec<T> implements MessageCodec<T, T> {
        @Override
        public T transform(T value) {
            return value; // records are immutable; byte[] fields are never mutated after creation
        }

        @Override
        public String name() {
            return "switchboard." + getClass().getSimpleName();
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }

    static final class RoutedStanzaCodec extends ImmutableCodec<RoutedStanza> {
        @Override
        public void encodeToWire(Buffer buffer, RoutedStanza s) {
            buffer.appendByte((byte) s.kind().ordinal());
            WireFormat.writeString(buffer, s.type());
            WireFormat.writeString(buffer, s.id());
            WireFormat.writeString(buffer, s.from());
            WireFormat.writeString(buffer, s.to());
            WireFormat.writeString(buffer, s.originNode());
            WireFormat.writeString(buffer, s.originConnection());
            buffer.appendLong(s.ingressMicros());
            WireFormat.writeBytes(buffer, s.xml());
        }

        @Override
        public RoutedStanza decodeFromWire(int pos, Buffer buffer) {
            WireFormat.Reader r = new WireFormat.Reader(buffer, pos);
            StanzaKind kind = StanzaKind.values()[r.readByte()];
            return new RoutedStanza(kind, r.readString(), r.readString(), r.readString(), r.readString(),
                    r.readString(), r.readString(), r.readLong(), r.readBytes());
        }
    }

    static final class DeliveryCodec extends ImmutableCodec<Delivery> {
        @Override
        public void encodeToWire(Buffer buffer, Delivery d) {
            buffer.appendByte((byte) d.kind().ordinal());
            WireFormat.writeStrings(buffer, d.connectionIds());
            WireFormat.writeBytes(buffer, d.xml());
            buffer.appendLong(d.ingressMicros());
        }

        @Override
        public Delivery decodeFromWire(int pos, Buffer buffer) {
            WireFormat.Reader r = new WireFormat.Reader(buffer, pos);
            StanzaKind kind = StanzaKind.values()[r.readByte()];
            return new Delivery(kind, r.readStrings(), r.readBytes(), r.readLong());
        }
    }

    static final class SessionCommandCodec extends ImmutableCodec<SessionCommand> {
        @Override
        public void encodeToWire(Buffer buffer, SessionCommand c) {
            WireFormat.writeString(buffer, c.connectionId());
            WireFormat.writeString(buffer, c.streamCondition());
            WireFormat.writeString(buffer, c.text());
        }

        @Override
        public SessionCommand decodeFromWire(int pos, Buffer buffer) {
            WireFormat.Reader r = new WireFormat.Reader(buffer, pos);
            return new SessionCommand(r.readString(), r.readString(), r.readString());
        }
    }

    static final class PresenceBatchCodec extends ImmutableCodec<PresenceBatch> {
        @Override
        public void encodeToWire(Buffer buffer, PresenceBatch b) {
            WireFormat.writeBytes(buffer, b.xml());
            WireFormat.writeStrings(buffer, b.connectionIds());
            WireFormat.writeStrings(buffer, b.toJids());
            buffer.appendLong(b.ingressMicros());
        }

        @Override
        public PresenceBatch decodeFromWire(int pos, Buffer buffer) {
            WireFormat.Reader r = new WireFormat.Reader(buffer, pos);
            return new PresenceBatch(r.readBytes(), r.readStrings(), r.readStrings(), r.readLong());
        }
    }
}
