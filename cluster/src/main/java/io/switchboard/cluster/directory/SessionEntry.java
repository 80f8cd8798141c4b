package io.switchboard.cluster.directory;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;

/**
 * One bound resource of a user: where its connection lives and its presence state as far as
 * routing cares (RFC 6121 §8: availability and priority).
 */
public final class SessionEntry implements IdentifiedDataSerializable {
    private String resource;
    private String nodeId;
    private String connectionId;
    private int priority;
    private boolean available;
    private long boundAtMillis;
    private boolean rosterRequested;

    /** For deserialization only. */
    public SessionEntry() {
    }

    public SessionEntry(String resource, String nodeId, String connectionId, int priority, boolean available,
                        long boundAtMillis) {
        this(resource, nodeId, connectionId, priority, available, boundAtMillis, false);
    }

    public SessionEntry(String resource, String nodeId, String connectionId, int priority, boolean available,
                        long boundAtMillis, boolean rosterRequested) {
        this.resource = resource;
        this.nodeId = nodeId;
        this.connectionId = connectionId;
        this.priority = priority;
        this.available = available;
        this.boundAtMillis = boundAtMillis;
        this.rosterRequested = rosterRequested;
    }

    public static SessionEntry bound(String resource, String nodeId, String connectionId) {
        return new SessionEntry(resource, nodeId, connectionId, 0, false, System.currentTimeMillis());
    }

    public String resource() {
        return resource;
    }

    public String nodeId() {
        return nodeId;
    }

    public String connectionId() {
        return connectionId;
    }

    public int priority() {
        return priority;
    }

    /** True once the resource has sent available presence (an "available resource", RFC 6121 §1.3). */
    public boolean available() {
        return available;
    }

    public long boundAtMillis() {
        return boundAtMillis;
    }

    /** An "interested resource" (RFC 6121 §2.1.6): it requested the roster, so it gets roster pushes. */
    public boolean rosterRequested() {
        return rosterRequested;
    }

    SessionEntry withPresence(boolean available, int priority) {
        return new SessionEntry(resource, nodeId, connectionId, priority, available, boundAtMillis, rosterRequested);
    }

    SessionEntry onNode(String newNodeId) {
        return new SessionEntry(resource, newNodeId, connectionId, priority, available, boundAtMillis, rosterRequested);
    }

    SessionEntry withRosterRequested() {
        return new SessionEntry(resource, nodeId, connectionId, priority, available, boundAtMillis, true);
    }

    @Override
    public int getFactoryId() {
        return DirectorySerialization.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return DirectorySerialization.SESSION_ENTRY;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(resource);
        out.writeString(nodeId);
        out.writeString(connectionId);
        out.writeInt(priority);
        out.writeBoolean(available);
        out.writeLong(boundAtMillis);
        out.writeBoolean(rosterRequested);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        resource = in.readString();
        nodeId = in.readString();
        connectionId = in.readString();
        priority = in.readInt();
        available = in.readBoolean();
        boundAtMillis = in.readLong();
        rosterRequested = in.readBoolean();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SessionEntry e && e.resource.equals(resource) && e.nodeId.equals(nodeId)
                && e.connectionId.equals(connectionId) && e.priority == priority && e.available == available
                && e.boundAtMillis == boundAtMillis && e.rosterRequested == rosterRequested;
    }

    @Override
    public int hashCode() {
        return connectionId.hashCode();
    }

    @Override
    public String toString() {
        return "SessionEntry[" + resource + " @" + nodeId + "/" + connectionId + " prio=" + priority
                + (available ? " available" : " unavailable") + (rosterRequested ? " roster" : "") + "]";
    }
}
