package io.switchboard.storage;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One contact in a user's roster (RFC 6121 §2.1.2).
 *
 * <p>Storage keeps items as given and interprets nothing: which combinations of subscription,
 * {@code ask} and pre-approval make sense is the presence layer's business (RFC 6121 Appendix A).
 * The only checks are the size limits below, so no backend has to store unbounded strings.
 *
 * @param contact      normalised bare JID of the contact, e.g. {@code "bob@example.com"} (the
 *                     caller normalises; stores compare it as an exact string)
 * @param name         the user's display name for the contact, or {@code null} for none;
 *                     {@code ""} is kept as distinct from {@code null}. At most
 *                     {@value #MAX_NAME_LENGTH} code points
 * @param groups       group names, each at most {@value #MAX_GROUP_LENGTH} code points; copied
 *                     into an unmodifiable set sorted in code point order (groups have no
 *                     order in XMPP, so a stable one makes equality and output deterministic)
 * @param subscription the subscription state
 * @param askSubscribe whether the user's subscription request is awaiting the contact's answer
 *                     ("Pending Out", shown to clients as {@code ask='subscribe'})
 * @param approved     whether the user pre-approved a subscription request from the contact
 *                     (RFC 6121 §3.4), shown to clients as {@code approved='true'}
 */
public record RosterItem(String contact, String name, Set<String> groups, Subscription subscription,
                         boolean askSubscribe, boolean approved) {

    /** Longest accepted {@link #name()}, in Unicode code points. */
    public static final int MAX_NAME_LENGTH = 1024;

    /** Longest accepted group name, in Unicode code points. */
    public static final int MAX_GROUP_LENGTH = 1024;

    /**
     * @throws NullPointerException     if {@code contact}, {@code groups}, a group or
     *                                  {@code subscription} is null
     * @throws IllegalArgumentException if the name or a group name is too long
     */
    public RosterItem {
        Objects.requireNonNull(contact, "contact");
        Objects.requireNonNull(subscription, "subscription");
        if (name != null) {
            checkLength("name", name, MAX_NAME_LENGTH);
        }
        groups = copyGroups(groups);
    }

    /** A new item as a roster set without attributes creates it: no name, no groups, no subscription. */
    public static RosterItem of(String contact) {
        return new RosterItem(contact, null, Set.of(), Subscription.NONE, false, false);
    }

    public RosterItem withName(String name) {
        return new RosterItem(contact, name, groups, subscription, askSubscribe, approved);
    }

    public RosterItem withGroups(Collection<String> groups) {
        return new RosterItem(contact, name, Set.copyOf(Objects.requireNonNull(groups, "groups")),
                subscription, askSubscribe, approved);
    }

    public RosterItem withSubscription(Subscription subscription) {
        return new RosterItem(contact, name, groups, subscription, askSubscribe, approved);
    }

    public RosterItem withAskSubscribe(boolean askSubscribe) {
        return new RosterItem(contact, name, groups, subscription, askSubscribe, approved);
    }

    public RosterItem withApproved(boolean approved) {
        return new RosterItem(contact, name, groups, subscription, askSubscribe, approved);
    }

    private static Set<String> copyGroups(Set<String> groups) {
        Objects.requireNonNull(groups, "groups");
        // Always copied, even when it looks like one of ours: a caller could wrap a set it still mutates.
        TreeSet<String> copy = new TreeSet<>(CodePointOrder.INSTANCE);
        for (String group : groups) {
            Objects.requireNonNull(group, "group");
            checkLength("group name", group, MAX_GROUP_LENGTH);
            copy.add(group);
        }
        return Collections.unmodifiableSortedSet(copy);
    }

    private static void checkLength(String what, String value, int max) {
        // Cheap test first: a string of at most max UTF-16 units has at most max code points.
        if (value.length() > max && value.codePointCount(0, value.length()) > max) {
            throw new IllegalArgumentException(what + " longer than " + max + " characters: "
                    + value.codePointCount(0, value.length()));
        }
    }
}
