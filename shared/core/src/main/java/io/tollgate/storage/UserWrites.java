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
}
