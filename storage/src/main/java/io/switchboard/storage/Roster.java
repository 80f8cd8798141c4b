package io.switchboard.storage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A user's whole roster at one version, as read in one consistent snapshot.
 *
 * @param version the roster version this content belongs to (see {@link RosterStore}): {@code 0}
 *                for a user whose roster was never changed, otherwise the version returned by the
 *                last change
 * @param items   the items, copied into an unmodifiable list sorted by contact in Unicode code
 *                point order; at most one item per contact
 */
public record Roster(long version, List<RosterItem> items) {

    /** The roster of a user who has never had an item. */
    public static final Roster EMPTY = new Roster(0, List.of());

    private static final Comparator<RosterItem> BY_CONTACT =
            Comparator.comparing(RosterItem::contact, CodePointOrder.INSTANCE);

    /**
     * @throws IllegalArgumentException if the version is negative or two items have the same contact
     */
    public Roster {
        if (version < 0) {
            throw new IllegalArgumentException("roster version must not be negative: " + version);
        }
        List<RosterItem> sorted = new ArrayList<>(Objects.requireNonNull(items, "items"));
        sorted.forEach(item -> Objects.requireNonNull(item, "item"));
        sorted.sort(BY_CONTACT);
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).contact().equals(sorted.get(i - 1).contact())) {
                throw new IllegalArgumentException("more than one item for " + sorted.get(i).contact());
            }
        }
        items = List.copyOf(sorted);
    }

    /** The item for a contact (exact string match), if the roster has one. */
    public Optional<RosterItem> item(String contact) {
        Objects.requireNonNull(contact, "contact");
        for (RosterItem item : items) {
            if (item.contact().equals(contact)) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public int size() {
        return items.size();
    }
}
