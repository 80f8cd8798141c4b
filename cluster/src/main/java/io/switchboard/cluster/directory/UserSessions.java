package io.switchboard.cluster.directory;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The session-directory value for one bare JID: its bound resources. Treated as immutable. */
public final class UserSessions implements IdentifiedDataSerializable {
    private List<SessionEntry> entries;

    /** For deserialization only. */
    public UserSessions() {
        this.entries = List.of();
    }

    public UserSessions(List<SessionEntry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<SessionEntry> entries() {
        return entries;
    }

    public Optional<SessionEntry> resource(String resource) {
        for (SessionEntry e : entries) {
            if (e.resource().equals(resource)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * The entry for a resource if it still belongs to that connection, else null: changes sent
     * on behalf of a replaced session must not touch its replacement.
     */
    SessionEntry ownedBy(String resource, String connectionId) {
        for (SessionEntry e : entries) {
            if (e.resource().equals(resource)) {
                return e.connectionId().equals(connectionId) ? e : null;
            }
        }
        return null;
    }

    UserSessions replacing(SessionEntry replacement) {
        List<SessionEntry> next = new ArrayList<>(entries.size() + 1);
        for (SessionEntry e : entries) {
            if (!e.resource().equals(replacement.resource())) {
                next.add(e);
            }
        }
        next.add(replacement);
        return new UserSessions(next);
    }

    UserSessions without(SessionEntry removed) {
        List<SessionEntry> next = new ArrayList<>(entries);
        next.remove(removed);
        return new UserSessions(next);
    }

    @Override
    public int getFactoryId() {
        return DirectorySerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return DirectorySerialization.USER_SESSIONS;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeInt(entries.size());
        for (SessionEntry e : entries) {
            e.writeData(out);
        }
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        int size = in.readInt();
        List<SessionEntry> read = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            SessionEntry e = new SessionEntry();
            e.readData(in);
            read.add(e);
        }
        entries = List.copyOf(read);
    }

    @Override
    public String toString() {
        return "UserSessions" + entries;
    }
}
