package io.switchboard.storage.embedded;

import io.switchboard.storage.Storage;
import io.switchboard.storage.StorageContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Runs the storage contract against SQLite, one fresh data directory per test. */
class EmbeddedStorageContractTest extends StorageContractTest {

    @TempDir
    Path dataDirectory;

    @Override
    protected Storage createStorage() {
        return EmbeddedStorage.open(dataDirectory);
    }

    @Override
    protected Storage reopen(Storage old) {
        old.close();
        return EmbeddedStorage.open(dataDirectory);
    }
}
