package io.switchboard.cluster.directory;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.util.Map;

/**
 * Entry processors run on the partition owner, so concurrent binds, unbinds and presence changes
 * of one user's resources never lose each other's updates.
 */
final class DirectoryProcessors {
    private DirectoryProcessors() {
    }

    /** Adds or replaces the entry for a resource; returns the replaced entry (a conflict) or null. */
    static final class Bind implements EntryProcessor<String, UserSessions, SessionEntry>, IdentifiedDataSerializable {
        private SessionEntry entry;

        public Bind() {
        }

        Bind(SessionEntry entry) {
            this.entry = entry;
        }

        @Override
        public SessionEntry process(Map.Entry<String, UserSessions> mapEntry) {
            UserSessions current = mapEntry.getValue() == null ? new UserSessions() : mapEntry.getValue();
            SessionEntry previous = current.resource(entry.resource()).orElse(null);
            mapEntry.setValue(current.replacing(entry));
            return previous;
        }

        @Override
        public int getFactoryId() {
            return DirectorySerialization.FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return DirectorySerialization.BIND;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            entry.writeData(out);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            entry = new SessionEntry();
            entry.readData(in);
        }
    }

    /**
     * Removes a resource only if it still belongs to the given connection: the late unbind of a
     * replaced session must not remove its replacement.
     */
    static final class Unbind implements EntryProcessor<String, UserSessions, SessionEntry>, IdentifiedDataSerializable {
        private String resource;
        private String connectionId;

        public Unbind() {
        }

        Unbind(String resource, String connectionId) {
            this.resource = resource;
            this.connectionId = connectionId;
        }

        @Override
        public SessionEntry process(Map.Entry<String, UserSessions> mapEntry) {
            UserSessions current = mapEntry.getValue();
            SessionEntry existing = current == null ? null : current.ownedBy(resource, connectionId);
            if (existing == null) {
                return null;
            }
            UserSessions next = current.without(existing);
            mapEntry.setValue(next.entries().isEmpty() ? null : next);
            return existing;
        }

        @Override
        public int getFactoryId() {
            return DirectorySerialization.FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return DirectorySerialization.UNBIND;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(resource);
            out.writeString(connectionId);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            resource = in.readString();
            connectionId = in.readString();
        }
    }

    /**
     * Moves a resource's session to another node, keeping everything else (presence, priority,
     * interest in roster pushes): XEP-0198 resumption on a different connector. Only if the
     * resource still belongs to that session; returns the moved entry, or null when it did not.
     */
    static final class Move implements EntryProcessor<String, UserSessions, SessionEntry>, IdentifiedDataSerializable {
        private String resource;
        private String connectionId;
        private String newNodeId;

        public Move() {
        }

        Move(String resource, String connectionId, String newNodeId) {
            this.resource = resource;
            this.connectionId = connectionId;
            this.newNodeId = newNodeId;
        }

        @Override
        public SessionEntry process(Map.Entry<String, UserSessions> mapEntry) {
            UserSessions current = mapEntry.getValue();
            SessionEntry existing = current == null ? null : current.ownedBy(resource, connectionId);
            if (existing == null) {
                return null;
            }
            SessionEntry moved = existing.onNode(newNodeId);
            mapEntry.setValue(current.replacing(moved));
            return moved;
        }

        @Override
        public int getFactoryId() {
            return DirectorySerialization.FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return DirectorySerialization.MOVE;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(resource);
            out.writeString(connectionId);
            out.writeString(newNodeId);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            resource = in.readString();
            connectionId = in.readString();
            newNodeId = in.readString();
        }
    }

    /** Records availability and priority of a resource; returns the entry as it was before, or null. */
    static final class UpdatePresence implements EntryProcessor<String, UserSessions, SessionEntry>,
            IdentifiedDataSerializable {
        private String resource;
        private String connectionId;
        private boolean available;
        private int priority;

        public UpdatePresence() {
        }

        UpdatePresence(String resource, String connectionId, boolean available, int priority) {
            this.resource = resource;
            this.connectionId = connectionId;
            this.available = available;
            this.priority = priority;
        }

        @Override
        public SessionEntry process(Map.Entry<String, UserSessions> mapEntry) {
            UserSessions current = mapEntry.getValue();
            SessionEntry existing = current == null ? null : current.ownedBy(resource, connectionId);
            if (existing == null) {
                return null;
            }
            if (existing.available() != available || existing.priority() != priority) {
                mapEntry.setValue(current.replacing(existing.withPresence(available, priority)));
            }
            return existing;
        }

        @Override
        public int getFactoryId() {
            return DirectorySerialization.FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return DirectorySerialization.UPDATE_PRESENCE;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(resource);
            out.writeString(connectionId);
            out.writeBoolean(available);
            out.writeInt(priority);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            resource = in.readString();
            connectionId = in.readString();
            available = in.readBoolean();
            priority = in.readInt();
        }
    }

    /** Marks a resource as interested in roster pushes; returns true if it was bound to that connection. */
    static final class MarkRosterRequested implements EntryProcessor<String, UserSessions, Boolean>,
            IdentifiedDataSerializable {
        private String resource;
        private String connectionId;

        public MarkRosterRequested() {
        }

        MarkRosterRequested(String resource, String connectionId) {
            this.resource = resource;
            this.connectionId = connectionId;
        }

        @Override
        public Boolean process(Map.Entry<String, UserSessions> mapEntry) {
            UserSessions current = mapEntry.getValue();
            SessionEntry existing = current == null ? null : current.ownedBy(resource, connectionId);
            if (existing == null) {
                return false;
            }
            if (!existing.rosterRequested()) {
                mapEntry.setValue(current.replacing(existing.withRosterRequested()));
            }
            return true;
        }

        @Override
        public int getFactoryId() {
            return DirectorySerialization.FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return DirectorySerialization.MARK_ROSTER_REQUESTED;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(resource);
            out.writeString(connectionId);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            resource = in.readString();
            connectionId = in.readString();
        }
    }

    /** Removes every resource held on a node; returns the removed entries (for their unavailable). */
    static final class RemoveNode implements EntryProcessor<String, UserSessions, UserSessions>,
            IdentifiedDataSerializable {
        private String nodeId;

        public RemoveNode() {
        }

        RemoveNode(String nodeId) {
            this.nodeId = nodeId;
        }

        @Override
        public UserSessions process(Map.Entry<String, UserSessions> mapEntry) {
            UserSessions current = mapEntry.getValue();
            if (current == null) {
                return null;
            }
            java.util.List<SessionEntry> kept = new java.util.ArrayList<>();
            java.util.List<SessionEntry> removed = new java.util.ArrayList<>();
            for (SessionEntry e : current.entries()) {
                (e.nodeId().equals(nodeId) ? removed : kept).add(e);
            }
            if (!removed.isEmpty()) {
                mapEntry.setValue(kept.isEmpty() ? null : new UserSessions(kept));
            }
            return new UserSessions(removed);
        }

        @Override
        public int getFactoryId() {
            return DirectorySerialization.FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return DirectorySerialization.REMOVE_NODE;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(nodeId);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            nodeId = in.readString();
        }
    }

    /** Matches users with at least one resource on a node; evaluated on the partition owners. */
    static final class OnNode implements com.hazelcast.query.Predicate<String, UserSessions>,
            IdentifiedDataSerializable {
        private String nodeId;

        public OnNode() {
        }

        OnNode(String nodeId) {
            this.nodeId = nodeId;
        }

        @Override
        public boolean apply(Map.Entry<String, UserSessions> entry) {
            UserSessions value = entry.getValue();
            return value != null && value.entries().stream().anyMatch(e -> e.nodeId().equals(nodeId));
        }

        @Override
        public int getFactoryId() {
            return DirectorySerialization.FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return DirectorySerialization.ON_NODE;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(nodeId);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            nodeId = in.readString();
        }
    }

    /**
     * Whether a resource is bound to a connection, read on the partition owner: authoritative,
     * unlike a read through a near cache, which may not have seen the latest change yet.
     */
    static final class Holds implements EntryProcessor<String, UserSessions, Boolean>, ReadOnly,
            IdentifiedDataSerializable {
        private String resource;
        private String connectionId;

        public Holds() {
        }

        Holds(String resource, String connectionId) {
            this.resource = resource;
            this.connectionId = connectionId;
        }

        @Override
        public Boolean process(Map.Entry<String, UserSessions> mapEntry) {
            UserSessions current = mapEntry.getValue();
            return current != null && current.ownedBy(resource, connectionId) != null;
        }

        @Override
        public EntryProcessor<String, UserSessions, Boolean> getBackupProcessor() {
            return null; // reads only
        }

        @Override
        public int getFactoryId() {
            return DirectorySerialization.FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return DirectorySerialization.HOLDS;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(resource);
            out.writeString(connectionId);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            resource = in.readString();
            connectionId = in.readString();
        }
    }
}
