package io.tollgate.audit.chain;

import java.util.Objects;

/**
 * The clear request facts ({@code ip_address}, {@code user_agent}) of an event about a data
 * subject whose chained (hashed) copies are sealed under the subject's key (ADR 0061). The item
 * keeps them beside the sealed ones as unhashed working copies, for detection and readers, until
 * the subject is erased: then they are removed and only the sealed copies, unreadable once the key
 * is destroyed, remain for verification.
 */
public record SubjectFacts(String userId, String ipAddress, String userAgent) {

    public SubjectFacts {
        Objects.requireNonNull(userId, "userId");
    }
}
