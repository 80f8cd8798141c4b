package io.switchboard.loadtest.gatling;

import io.gatling.core.session.Session;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.switchboard.loadtest.run.DeliveryTracker;
import io.switchboard.loadtest.run.FileBarrier;
import io.switchboard.loadtest.run.RunSettings;
import io.switchboard.loadtest.run.RunStats;
import io.switchboard.loadtest.xml.XmlElement;
import io.switchboard.loadtest.xmpp.EpochClock;
import io.switchboard.loadtest.xmpp.Stanzas;
import io.switchboard.loadtest.xmpp.XmppListener;
import io.switchboard.loadtest.xmpp.XmppTcpClient;

import java.util.HashSet;
import java.util.Set;

/**
 * The state of one virtual user over TCP, kept in its Gatling session: which user it is, its current
 * connection, and what it has received (chat deliveries for the exactly-once check, contacts seen
 * online, archive results). It is the connection's {@link XmppListener}, so it sees every stanza the
 * steps did not ask for. Only touched on the virtual user's event loop.
 */
public final class VirtualClient implements XmppListener {
    public static final String ATTRIBUTE = "xmpp.client";

    final RunSettings settings;
    final int index;
    final String username;
    final DeliveryTracker deliveries;
    private final GatlingStats stats;
    private final String scenario;
    private final Set<Integer> contactsOnline = new HashSet<>();
    XmppTcpClient connection;
    int attempt;
    boolean online;
    boolean departed;
    long loginStartMicros;
    long dropMicros;
    String mamQueryId;
    int mamResults;
    private Runnable changeHook;

    VirtualClient(RunSettings settings, int index, GatlingStats stats, String scenario) {
        this.settings = settings;
        this.index = index;
        this.username = settings.username(index);
        this.deliveries = new DeliveryTracker(settings.runId());
        this.stats = stats;
        this.scenario = scenario;
    }

    public static VirtualClient of(Session session) {
        scala.Option<Object> v = session.attributes().get(ATTRIBUTE);
        return v.isDefined() ? (VirtualClient) v.get() : null;
    }

    /** A fresh connection for the next login (the old one, if any, is gone or dropped). */
    XmppTcpClient newConnection(EventLoop loop, ChannelFactory<? extends Channel> channels) {
        attempt++;
        connection = new XmppTcpClient(loop, channels, settings.domain(), settings.timeoutMillis());
        connection.listener(this);
        contactsOnline.clear();
        return connection;
    }

    /** Runs once after anything this client waits on may have changed (a delivery, a contact's presence). */
    void onChange(Runnable hook) {
        this.changeHook = hook;
    }

    private void changed() {
        Runnable hook = changeHook;
        if (hook != null) {
            hook.run();
        }
    }

    int contactsOnline() {
        return contactsOnline.size();
    }

    /** The contacts this user was provisioned with: the rest of its group (presence scenarios). */
    int expectedContacts() {
        return settings.groupEnd(index) - settings.groupStart(index) - 1;
    }

    void wentOnline() {
        if (!online) {
            online = true;
            RunStats.connected();
        }
    }

    void wentOffline() {
        if (online) {
            online = false;
            RunStats.disconnected();
        }
    }

    /** This user gives up (a failed step): barriers stop waiting for it. */
    void depart() {
        wentOffline();
        if (!departed) {
            departed = true;
            RunStats.count("users.departed");
            FileBarrier.departed();
        }
        if (connection != null) {
            connection.abort();
        }
    }

    // ---- XmppListener ---------------------------------------------------------------------------

    @Override
    public void onMessage(XmlElement message, long readMicros) {
        XmlElement result = message.child("result", Stanzas.NS_MAM);
        if (result != null) {
            if (result.attribute("queryid") != null && result.attribute("queryid").equals(mamQueryId)) {
                mamResults++;
            }
            return;
        }
        String body = message.childText("body");
        switch (deliveries.accept(body, readMicros)) {
            case FIRST -> {
                long latency = deliveries.lastLatencyMicros();
                RunStats.count("chat.received");
                RunStats.histogram("chat").record(latency);
                if (settings.logDeliveries()) {
                    long end = readMicros / 1000;
                    stats.ok(scenario, "chat: delivery", end - Math.max(0, latency) / 1000, end);
                }
                changed();
            }
            case DUPLICATE -> {
                RunStats.count("chat.duplicates");
                long now = readMicros / 1000;
                stats.ko(scenario, "chat: delivery", now, now, "duplicate message");
                changed();
            }
            case END -> changed();
            case STALE -> RunStats.count("chat.stale");
            case NOT_OURS -> RunStats.count("messages.other");
        }
    }

    @Override
    public void onPresence(XmlElement presence, long readMicros) {
        String from = presence.attribute("from");
        if (from == null) {
            return;
        }
        int slash = from.indexOf('/');
        String bare = slash < 0 ? from : from.substring(0, slash);
        int at = bare.indexOf('@');
        int sender = at < 0 ? -1 : settings.indexOf(bare.substring(0, at));
        if (sender < 0 || sender == index) {
            return;
        }
        String type = presence.attribute("type");
        if (type == null) {
            contactsOnline.add(sender);
            String status = presence.childText("status");
            if (status != null && status.startsWith(DeliveryTracker.PREFIX + settings.runId() + "|")) {
                String[] f = status.split("\\|");
                long latency = readMicros - Long.parseLong(f[4]);
                RunStats.count("presence.received");
                RunStats.histogram("presence").record(latency);
                if (settings.logDeliveries()) {
                    long end = readMicros / 1000;
                    stats.ok(scenario, "presence: delivery", end - Math.max(0, latency) / 1000, end);
                }
            }
            changed();
        } else if (type.equals("unavailable")) {
            contactsOnline.remove(sender);
        }
    }

    @Override
    public void onConnectionLost(String reason) {
        RunStats.count("connections.lost");
        long now = EpochClock.micros() / 1000;
        stats.ko(scenario, "connection", now, now, reason);
        wentOffline();
        if (!departed) {
            departed = true; // barriers stop waiting for it; its next step finds the connection gone
            RunStats.count("users.departed");
            FileBarrier.departed();
        }
        changed();
    }
}
