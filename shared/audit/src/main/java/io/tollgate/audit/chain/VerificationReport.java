package io.tollgate.audit.chain;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of verifying a tenant's chain over a range: valid, or the first broken sequence
 * number with the kind of tampering and a detail that names positions and hashes only (never
 * event content).
 *
 * @param fromSeq        first position verified
 * @param toSeq          last position verified
 * @param eventsChecked  links recomputed
 * @param digestsChecked digest signatures and links checked
 * @param head           the chain head read at the start
 * @param broken         the first break, if any
 * @param purged         the ranges of positions that were retained, then purged by retention (hash
 *                       stubs that still link: not tampering), in position order
 * @param provingDigests the numbers of the signed digests that anchor and close the range (the digest
 *                       at {@code fromSeq - 1} and those signed over positions of the range), in order:
 *                       the ids an auditor re-checks against the signing key
 */
public record VerificationReport(long fromSeq, long toSeq, long eventsChecked, int digestsChecked, ChainHead head,
        Optional<Break> broken, java.util.List<PurgedRange> purged, java.util.List<Long> provingDigests) {

    public VerificationReport {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(broken, "broken");
        purged = java.util.List.copyOf(purged);
        provingDigests = java.util.List.copyOf(provingDigests);
    }

    public VerificationReport(long fromSeq, long toSeq, long eventsChecked, int digestsChecked, ChainHead head,
            Optional<Break> broken, java.util.List<PurgedRange> purged) {
        this(fromSeq, toSeq, eventsChecked, digestsChecked, head, broken, purged, java.util.List.of());
    }

    public VerificationReport(long fromSeq, long toSeq, long eventsChecked, int digestsChecked, ChainHead head,
            Optional<Break> broken) {
        this(fromSeq, toSeq, eventsChecked, digestsChecked, head, broken, java.util.List.of());
    }

    /** How many positions of the range are hash stubs. */
    public long eventsPurged() {
        return purged.stream().mapToLong(PurgedRange::count).sum();
    }

    /** Consecutive positions {@code [fromSeq, toSeq]} whose events were purged by retention. */
    public record PurgedRange(long fromSeq, long toSeq) {
        public long count() {
            return toSeq - fromSeq + 1;
        }
    }

    public boolean valid() {
        return broken.isEmpty();
    }

    /**
     * The report as the API and {@code ./tollgate audit verify} show it: {@code valid}, the counts
     * and positions, the head, and for a break {@code broken_at}, {@code reason}, {@code detail}.
     */
    public java.util.Map<String, Object> wire() {
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("valid", valid());
        body.put("events", eventsChecked);
        body.put("from_seq", fromSeq);
        body.put("to_seq", toSeq);
        body.put("digests", digestsChecked);
        body.put("head_seq", head.seq());
        body.put("head", head.hash());
        body.put("purged", eventsPurged());
        body.put("retained_then_purged", purged().stream()
                .map(range -> java.util.Map.of("from_seq", range.fromSeq(), "to_seq", range.toSeq())).toList());
        broken.ifPresent(b -> {
            body.put("broken_at", b.seq());
            body.put("reason", b.kind().wireName());
            body.put("detail", b.detail());
        });
        return body;
    }

    /** What is wrong at a position. */
    public enum Kind {
        /** The event's content no longer matches its hash (or no longer forms an event). */
        EDITED,
        /** A position of the chain has no event (a gap, or the tail ends before the head). */
        DELETED,
        /** A self-consistent event sits at another position than the one it was chained at. */
        REORDERED,
        /** A signed digest does not match the chain, or the digests do not chain to each other. */
        DIGEST_MISMATCH,
        /** A digest's signature does not verify under the trusted signing key. */
        DIGEST_SIGNATURE_INVALID;

        /** The lower-case name used on the wire. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The first break: where, what, and a detail safe to show. */
    public record Break(long seq, Kind kind, String detail) {
        public Break {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
