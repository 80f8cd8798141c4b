package io.switchboard.storage.embedded;

import io.switchboard.storage.NoSuchAccountException;
import io.switchboard.storage.PrivateXmlStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** {@link PrivateXmlStore} on the embedded SQLite schema (table {@code private_xml}). */
final class EmbeddedPrivateXmlStore implements PrivateXmlStore {

    private final SqliteWorkers workers;

    EmbeddedPrivateXmlStore(SqliteWorkers workers) {
        this.workers = workers;
    }

    @Override
    public CompletionStage<Optional<byte[]>> get(String owner, String key) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(key, "key");
        return workers.read("read private XML of " + owner, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT element FROM private_xml WHERE owner = ? AND key = ?")) {
                select.setString(1, owner);
                select.setString(2, key);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(EmbeddedAccountStore.bytes(rs, 1)) : Optional.<byte[]>empty();
                }
            }
        });
    }

    @Override
    public CompletionStage<Void> put(String owner, String key, byte[] element) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(key, "key");
        byte[] copy = Objects.requireNonNull(element, "element").clone();
        return workers.write("store private XML of " + owner, connection -> {
            if (!EmbeddedAccountStore.accountExists(connection, owner)) {
                throw new NoSuchAccountException(owner);
            }
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO private_xml (owner, key, element) VALUES (?, ?, ?)
                    ON CONFLICT (owner, key) DO UPDATE SET element = excluded.element""")) {
                upsert.setString(1, owner);
                upsert.setString(2, key);
                upsert.setBytes(3, copy);
                upsert.executeUpdate();
            }
            return null;
        });
    }
}
