package io.switchboard.storage.embedded;

import java.util.Objects;

/**
 * One schema change: an SQL script applied once, in version order, inside the same transaction
 * that records it in {@code schema_version} (SQLite DDL is transactional, so a failed migration
 * leaves no half-built schema behind).
 *
 * @param version     1, 2, 3, ... without gaps
 * @param description short text recorded in {@code schema_version} for humans
 * @param sql         one or more {@code ;}-separated statements
 */
record Migration(int version, String description, String sql) {

    Migration {
        if (version < 1) {
            throw new IllegalArgumentException("migration versions start at 1: " + version);
        }
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(sql, "sql");
    }
}
