package io.switchboard.cluster.directory;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/** Hazelcast serialization for the session directory: explicit, compact and versionable. */
public final class DirectorySerialization implements DataSerializableFactory {
    static final int FACTORY_ID = 0x5B01;
    static final int SESSION_ENTRY = 1;
    static final int USER_SESSIONS = 2;
    static final int BIND = 3;
    static final int UNBIND = 4;
    static final int UPDATE_PRESENCE = 5;
    static final int MARK_ROSTER_REQUESTED = 6;
    static final int REMOVE_NODE = 7;
    static final int ON_NODE = 8;
    static final int HOLDS = 9;
    static final int MOVE = 10;

    public static void register(SerializationConfig config) {
        config.addDataSerializableFactory(FACTORY_ID, new DirectorySerialization());
    }

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        switch (typeId) {
            case SESSION_ENTRY: return new SessionEntry();
            case USER_SESSIONS: return new UserSessions();
            case BIND: return new DirectoryProcessors.Bind();
            case UNBIND: return new DirectoryProcessors.Unbind();
            case UPDATE_PRESENCE: return new DirectoryProcessors.UpdatePresence();
            case MARK_ROSTER_REQUESTED: return new DirectoryProcessors.MarkRosterRequested();
            case REMOVE_NODE: return new DirectoryProcessors.RemoveNode();
            case ON_NODE: return new DirectoryProcessors.OnNode();
            case HOLDS: return new DirectoryProcessors.Holds();
            case MOVE: return new DirectoryProcessors.Move();
            default: return null;
        }
    }
}
