package io.switchboard.router.mod.mam;

import io.switchboard.storage.ArchivePage;
import io.switchboard.storage.ArchivePrefs;
import io.switchboard.storage.ArchiveQuery;
import io.switchboard.storage.ArchiveStore;
import io.switchboard.storage.ArchivedMessage;
import io.switchboard.storage.NoSuchAccountException;
import io.switchboard.storage.StorageException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A test double following the ArchiveStore contract, with switches to fail or hang. */
final class InMemoryArchiveStore implements ArchiveStore {
    final Map<String, ConcurrentSkipListMap<Long, ArchivedMessage>> archives = new ConcurrentHashMap<>();
    final Map<String, ArchivePrefs> prefs = new ConcurrentHashMap<>();
    final Set<String> accounts = ConcurrentHashMap.newKeySet();
    final AtomicInteger queries = new AtomicInteger();
    volatile boolean down;
    volatile boolean hanging;

    InMemoryArchiveStore(String... accounts) {
        this.accounts.addAll(List.of(accounts));
    }

    List<ArchivedMessage> archiveOf(String owner) {
        return new ArrayList<>(archives.getOrDefault(owner, new ConcurrentSkipListMap<>()).values());
    }

    private <T> CompletionStage<T> answer(java.util.function.Supplier<T> value) {
        if (hanging) {
            return new CompletableFuture<>();
        }
        if (down) {
            return CompletableFuture.failedFuture(new StorageException("store is down"));
        }
        try {
            return CompletableFuture.completedFuture(value.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Void> append(ArchivedMessage m) {
        return answer(() -> {
            if (!accounts.contains(m.owner())) {
                throw new NoSuchAccountException(m.owner());
            }
            archives.computeIfAbsent(m.owner(), o -> new ConcurrentSkipListMap<>()).putIfAbsent(m.id(), m);
            return null;
        });
    }

    @Override
    public CompletionStage<ArchivePage> query(String owner, ArchiveQuery q) {
        queries.incrementAndGet();
        return answer(() -> {
            List<ArchivedMessage> matching = new ArrayList<>();
            for (ArchivedMessage m : archiveOf(owner)) {
                if (q.matches(m)) {
                    matching.add(m);
                }
            }
            boolean complete = matching.size() <= q.limit();
            List<ArchivedMessage> page = complete ? matching : q.last()
                    ? matching.subList(matching.size() - q.limit(), matching.size()) : matching.subList(0, q.limit());
            return new ArchivePage(page, complete);
        });
    }

    @Override
    public CompletionStage<ArchivePrefs> prefs(String owner) {
        return answer(() -> prefs.getOrDefault(owner, ArchivePrefs.DEFAULT));
    }

    @Override
    public CompletionStage<Void> setPrefs(String owner, ArchivePrefs p) {
        return answer(() -> {
            if (!accounts.contains(owner)) {
                throw new NoSuchAccountException(owner);
            }
            prefs.put(owner, p);
            return null;
        });
    }
}
