package io.tollgate.storage;

import java.time.Instant;
import java.util.Optional;

/**
 * Transaction parts that change a user item, so a session or an MFA challenge is only created
 * together with the state change that justifies it.
 */
public final class UserWrites {

    private UserWrites() {
    }

    /**
     * After a correct password: reset the failure window (and store a stronger re-hash, if
     * any) on condition that the user is still active and not locked at {@code now} — a lock
     * set concurrently by another request cancels the transaction. The caller may add to the
     * returned update (e.g. the session slots) before writing it.
     */
    public static ItemUpdate passwordAccepted(String table, String tenantId, String username, Instant now,
            Optional<String> rehash) {
        ItemUpdate update = ItemUpdate.of(table, Keys.user(tenantId, username))
                .name("#pk", Keys.PK).name("#count", "fail_count").name("#since", "fail_since")
                .name("#locked", "locked_until").name("#status", "status")
                .value(":zero", Attributes.n(0)).value(":now", Attributes.epochMillis(now))
                .value(":active", Attributes.s("ACTIVE"))
                .set("#count = :zero").set("last_login_at = :now")
                .remove("#since")
                .condition("attribute_exists(#pk) AND #status = :active")
                .condition("attribute_not_exists(#locked) OR #locked <= :now");
        rehash.ifPresent(hash -> update.set("password_hash = :hash").value(":hash", Attributes.s(hash)));
        return update;
    }

    /**
     * After a correct password when a second step follows: on the same conditions as
     * {@link #passwordAccepted} (active, not locked), stores a re-hash if any, but keeps the
     * failure window, so MFA failures keep counting towards the lockout across logins.
     */
    public static ItemUpdate passwordAcceptedPendingMfa(String table, String tenantId, String username, Instant now,
            Optional<String> rehash) {
        ItemUpdate update = ItemUpdate.of(table, Keys.user(tenantId, username))
                .name("#pk", Keys.PK).name("#locked", "locked_until").name("#status", "status")
                .value(":now", Attributes.epochMillis(now)).value(":active", Attributes.s("ACTIVE"))
                .set("last_password_at = :now")
                .condition("attribute_exists(#pk) AND #status = :active")
                .condition("attribute_not_exists(#locked) OR #locked <= :now");
        rehash.ifPresent(hash -> update.set("password_hash = :hash").value(":hash", Attributes.s(hash)));
        return update;
    }

    /**
     * After a correct second factor: the same reset as {@link #passwordAccepted} (failure window,
     * last login) on the same conditions — an account locked meanwhile cancels the session.
     */
    public static ItemUpdate secondFactorAccepted(String table, String tenantId, String username, Instant now) {
        return passwordAccepted(table, tenantId, username, now, Optional.empty());
    }

    /** An update of an active user item, to which the caller adds its change. */
    public static ItemUpdate activeUser(String table, String tenantId, String username) {
        return ItemUpdate.of(table, Keys.user(tenantId, username))
                .name("#pk", Keys.PK).name("#status", "status").value(":active", Attributes.s("ACTIVE"))
                .condition("attribute_exists(#pk) AND #status = :active");
    }

    /** Adds {@code method} to the user's {@code mfa_methods}, on condition that it is not there yet. */
    public static ItemUpdate addMfaMethod(ItemUpdate update, String method) {
        return update.name("#mfa", "mfa_methods")
                .value(":mfa_empty", Attributes.strings(java.util.List.of()))
                .value(":mfa_add", Attributes.strings(java.util.List.of(method)))
                .value(":mfa_method", Attributes.s(method))
                .set("#mfa = list_append(if_not_exists(#mfa, :mfa_empty), :mfa_add)")
                .condition("attribute_not_exists(#mfa) OR NOT contains(#mfa, :mfa_method)");
    }

    /** Removes {@code method}, which the caller read at position {@code index}, on condition it is still there. */
    public static ItemUpdate removeMfaMethod(ItemUpdate update, int index, String method) {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative");
        }
        return update.name("#mfa", "mfa_methods").value(":mfa_method", Attributes.s(method))
                .remove("#mfa[" + index + "]")
                .condition("#mfa[" + index + "] = :mfa_method");
    }
}
