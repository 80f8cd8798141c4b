package io.switchboard.storage.embedded;

import io.switchboard.storage.NoSuchAccountException;
import io.switchboard.storage.VCardStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** {@link VCardStore} on the embedded SQLite schema (table {@code vcards}). */
final class EmbeddedVCardStore implements VCardStore {

    private final SqliteWorkers workers;

    EmbeddedVCardStore(SqliteWorkers workers) {
        this.workers = workers;
    }

    @Override
    public CompletionStage<Optional<byte[]>> get(String owner) {
        Objects.requireNonNull(owner, "owner");
        return workers.read("read vCard of " + owner, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT vcard FROM vcards WHERE owner = ?")) {
                select.setString(1, owner);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(EmbeddedAccountStore.bytes(rs, 1)) : Optional.<byte[]>empty();
                }
            }
        });
    }

    @Override
    public CompletionStage<Void> put(String owner, byte[] vcard) {
        Objects.requireNonNull(owner, "owner");
        // Snapshot now: the caller may reuse the array before the work runs.
        byte[] copy = Objects.requireNonNull(vcard, "vcard").clone();
        return workers.write("store vCard of " + owner, connection -> {
            if (!EmbeddedAccountStore.accountExists(connection, owner)) {
                throw new NoSuchAccountException(owner);
            }
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO vcards (owner, vcard) VALUES (?, ?)
                    ON CONFLICT (owner) DO UPDATE SET vcard = excluded.vcard""")) {
                upsert.setString(1, owner);
                upsert.setBytes(2, copy);
                upsert.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public CompletionStage<Boolean> delete(String owner) {
        Objects.requireNonNull(owner, "owner");
        return workers.write("delete vCard of " + owner, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM vcards WHERE owner = ?")) {
                delete.setString(1, owner);
                return delete.executeUpdate() > 0;
            }
        });
    }
}
