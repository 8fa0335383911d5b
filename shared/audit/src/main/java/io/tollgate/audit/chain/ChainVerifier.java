package io.tollgate.audit.chain;

import io.tollgate.audit.AuditEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Recomputes a tenant's chain and checks its signed digests (docs/contract.md §Audit, detection, retention), reporting the
 * first broken sequence number and why.
 *
 * <p>Per position {@code p} of the range, in order: an item must exist at {@code p}
 * ({@link VerificationReport.Kind#DELETED}); its attributes must still form an event whose hash,
 * recomputed from them with the {@code seq} and {@code prev_hash} it carries, is its stored hash
 * ({@code EDITED}); the {@code seq} it carries must be {@code p} ({@code REORDERED}: a
 * self-consistent event moved); its {@code prev_hash} must be the hash of position {@code p - 1}
 * (else event {@code p - 1} was replaced by a self-consistent rewrite: {@code EDITED} at
 * {@code p - 1}). A digest whose {@code chain_seq} is {@code p} must carry {@code p}'s hash
 * ({@code DIGEST_MISMATCH}: e.g. the whole tail was rewritten consistently). The digests
 * themselves must be numbered without gaps, link to each other and verify under the trusted key
 * ({@code DIGEST_MISMATCH}, {@code DIGEST_SIGNATURE_INVALID}, reported at their {@code chain_seq}).
 * The chain must reach the head, and no digest may cover a position beyond it ({@code DELETED}).
 *
 * <p>A hash stub left by retention ({@link ChainPurge}) has no event to recompute, but its
 * {@code seq}, its {@code prev_hash} link and any digest at its position are checked like any
 * link, and the next event's {@code prev_hash} (covered by that event's hash) pins its hash; so
 * it is reported in {@link VerificationReport#purged()} as retained-then-purged, not as a break.
 *
 * <p>Range: {@code from} starts after the last digest signed at or before it (that digest's
 * signed head is the trusted anchor); {@code to} ends at the first digest signed at or after it;
 * without them the whole chain, from the genesis to the head, is verified. Memory is constant in
 * the chain length (links are streamed), linear in the number of digests.
 */
public final class ChainVerifier {

    private final AuditChainStore chains;
    private final AuditDigests digests;

    public ChainVerifier(AuditChainStore chains, AuditDigests digests) {
        this.chains = Objects.requireNonNull(chains, "chains");
        this.digests = Objects.requireNonNull(digests, "digests");
    }

    /** The range holds more chain positions than the caller would check at once; nothing but head and digests was read. */
    public static final class RangeTooLargeException extends RuntimeException {
        private final long positions;

        RangeTooLargeException(long positions, long max) {
            super("the range holds " + positions + " chain positions, more than " + max);
            this.positions = positions;
        }

        public long positions() {
            return positions;
        }
    }

    /** Verifies the whole range, however long (the CLI, {@code ./tollgate audit verify}). */
    public VerificationReport verify(String tenantId, Optional<Instant> from, Optional<Instant> to) {
        return verify(tenantId, from, to, Long.MAX_VALUE);
    }

    /**
     * Verifies the range if it holds at most {@code maxPositions} chain positions, which keeps a synchronous
     * caller (API Gateway answers within 30 s) within its time; consecutive ranges anchored on the signed
     * digests cover a longer chain piece by piece.
     *
     * @throws RangeTooLargeException before any event is read, when the range is longer
     */
    public VerificationReport verify(String tenantId, Optional<Instant> from, Optional<Instant> to, long maxPositions) {
        Snapshot snapshot = read(tenantId);
        Progress progress = plan(snapshot, from, to);
        if (progress.positions() > maxPositions) {
            throw new RangeTooLargeException(progress.positions(), maxPositions);
        }
        return finish(snapshot, advance(tenantId, snapshot, progress, Long.MAX_VALUE));
    }

    /**
     * Where a verification stands between chunks (an asynchronous job's checkpoint): the resolved range, the next
     * position to read, the hash it must link to, what was counted so far, and the first break once found.
     *
     * @param fromSeq      first position of the range
     * @param toSeq        last position of the range
     * @param nextSeq      the next position to read
     * @param previousHash the hash position {@code nextSeq - 1} must have (the anchor at the start)
     * @param checked      events recomputed so far
     * @param purged       purged ranges met so far
     * @param broken       the first break found by the walk, if any (the walk then stops)
     */
    public record Progress(long fromSeq, long toSeq, long nextSeq, String previousHash, long checked,
            List<VerificationReport.PurgedRange> purged, Optional<VerificationReport.Break> broken) {

        public Progress {
            Objects.requireNonNull(previousHash, "previousHash");
            Objects.requireNonNull(broken, "broken");
            purged = List.copyOf(purged);
        }

        /** Positions in the whole range. */
        public long positions() {
            return Math.max(0, toSeq - fromSeq + 1);
        }

        /** Whether every position was read or a break stopped the walk: only {@link #finish} is left. */
        public boolean walked() {
            return broken.isPresent() || nextSeq > toSeq;
        }
    }

    /** Resolves the range (reads the head and the digests only): the start of a verification in chunks. */
    public Progress start(String tenantId, Optional<Instant> from, Optional<Instant> to) {
        return plan(read(tenantId), from, to);
    }

    /** Reads and checks at most {@code maxPositions} further positions; {@code progress} as returned before. */
    public Progress advance(String tenantId, Progress progress, long maxPositions) {
        if (maxPositions < 1) {
            throw new IllegalArgumentException("maxPositions must be positive");
        }
        return advance(tenantId, read(tenantId), progress, maxPositions);
    }

    /** The report of a walked verification: the digests and the head as they are now. */
    public VerificationReport finish(String tenantId, Progress progress) {
        if (!progress.walked()) {
            throw new IllegalStateException("the verification has positions left to read");
        }
        return finish(read(tenantId), progress);
    }

    /** The head and the digests of one reading, with the digests' own check done. */
    private record Snapshot(ChainHead head, int digestCount, List<SignedDigest> valid,
            Optional<VerificationReport.Break> digestBreak) {
    }

    private Snapshot read(String tenantId) {
        ChainHead head = chains.readHead(tenantId);
        List<AuditDigests.Stored> stored = digests.all(tenantId);
        List<SignedDigest> valid = new ArrayList<>();
        Optional<VerificationReport.Break> digestBreak = checkDigests(tenantId, stored, valid);
        return new Snapshot(head, stored.size(), valid, digestBreak);
    }

    private static Progress plan(Snapshot snapshot, Optional<Instant> from, Optional<Instant> to) {
        ChainHead head = snapshot.head();
        long fromSeq = 1;
        String anchor = ChainHead.GENESIS.hash();
        if (from.isPresent()) {
            for (SignedDigest digest : snapshot.valid()) {
                if (!digest.signedAt().isAfter(from.get()) && digest.chainSeq() < head.seq()) {
                    fromSeq = digest.chainSeq() + 1;
                    anchor = digest.chainHash();
                }
            }
        }
        long toSeq = head.seq();
        if (to.isPresent()) {
            for (SignedDigest digest : snapshot.valid()) {
                if (!digest.signedAt().isBefore(to.get()) && digest.chainSeq() >= fromSeq) {
                    toSeq = Math.min(toSeq, digest.chainSeq());
                    break;
                }
            }
        }
        return new Progress(fromSeq, toSeq, fromSeq, anchor, 0, List.of(), Optional.empty());
    }

    private Progress advance(String tenantId, Snapshot snapshot, Progress progress, long maxPositions) {
        if (progress.walked()) {
            return progress;
        }
        Walk walk = new Walk(progress, digestAt(snapshot));
        long last = progress.toSeq() - progress.nextSeq() < maxPositions
                ? progress.toSeq() : progress.nextSeq() + maxPositions - 1;
        chains.forEachLink(tenantId, progress.nextSeq(), last, walk::accept);
        walk.endOfChunk(last);
        return walk.progress(progress);
    }

    private static VerificationReport finish(Snapshot snapshot, Progress progress) {
        ChainHead head = snapshot.head();
        Walk walk = new Walk(progress, digestAt(snapshot));
        walk.finish(progress.toSeq(), head);
        for (SignedDigest digest : snapshot.valid()) {
            if (digest.chainSeq() > head.seq()) {
                walk.report(head.seq() + 1, VerificationReport.Kind.DELETED, "digest " + digest.digestSeq()
                        + " signed position " + digest.chainSeq() + " but the chain head is at " + head.seq());
            }
        }
        Optional<VerificationReport.Break> first = walk.broken;
        Optional<VerificationReport.Break> digestBreak = snapshot.digestBreak();
        if (digestBreak.isPresent() && (first.isEmpty() || digestBreak.get().seq() < first.get().seq())) {
            first = digestBreak;
        }
        List<Long> proving = new ArrayList<>();
        for (SignedDigest digest : snapshot.valid()) {
            if (digest.chainSeq() >= progress.fromSeq() - 1 && digest.chainSeq() <= progress.toSeq()) {
                proving.add(digest.digestSeq());
            }
        }
        return new VerificationReport(progress.fromSeq(), progress.toSeq(), walk.checked, snapshot.digestCount(), head,
                first, walk.purged, proving);
    }

    private static Map<Long, SignedDigest> digestAt(Snapshot snapshot) {
        Map<Long, SignedDigest> digestAt = new HashMap<>();
        for (SignedDigest digest : snapshot.valid()) {
            digestAt.putIfAbsent(digest.chainSeq(), digest);
        }
        return digestAt;
    }

    private Optional<VerificationReport.Break> checkDigests(String tenantId, List<AuditDigests.Stored> stored,
            List<SignedDigest> valid) {
        Optional<VerificationReport.Break> first = Optional.empty();
        String previous = ChainHead.GENESIS.hash();
        long expectedNumber = 1;
        long lastSeq = 0;
        for (AuditDigests.Stored item : stored) {
            Optional<VerificationReport.Break> problem = Optional.empty();
            if (item.digest().isEmpty()) {
                problem = Optional.of(new VerificationReport.Break(lastSeq + 1, VerificationReport.Kind.DIGEST_MISMATCH,
                        "digest " + item.number() + " is not a well-formed signed digest"));
            } else {
                SignedDigest digest = item.digest().get();
                if (item.number() != expectedNumber || digest.digestSeq() != item.number()) {
                    problem = Optional.of(new VerificationReport.Break(digest.chainSeq(),
                            VerificationReport.Kind.DIGEST_MISMATCH, "digest " + expectedNumber + " is missing or renumbered"));
                } else if (!digest.tenantId().equals(tenantId)) {
                    problem = Optional.of(new VerificationReport.Break(digest.chainSeq(),
                            VerificationReport.Kind.DIGEST_MISMATCH, "digest " + item.number() + " belongs to another tenant"));
                } else if (!digest.prevDigestHash().equals(previous)) {
                    problem = Optional.of(new VerificationReport.Break(digest.chainSeq(),
                            VerificationReport.Kind.DIGEST_MISMATCH, "digest " + item.number()
                                    + " does not link to the digest before it"));
                } else if (!DigestSigner.ALGORITHM.equals(digest.algorithm()) || !verifies(digest)) {
                    problem = Optional.of(new VerificationReport.Break(digest.chainSeq(),
                            VerificationReport.Kind.DIGEST_SIGNATURE_INVALID, "the signature of digest "
                                    + item.number() + " does not verify under key " + digest.keyId()));
                } else {
                    valid.add(digest);
                }
                previous = digest.digestHash();
                lastSeq = digest.chainSeq();
            }
            expectedNumber = item.number() + 1;
            if (problem.isPresent() && (first.isEmpty() || problem.get().seq() < first.get().seq())) {
                first = problem;
            }
        }
        return first;
    }

    private boolean verifies(SignedDigest digest) {
        return digests.signer().verify(digest.payload(), digest.signature(), digest.keyId());
    }

    /** The running state of one verification walk. */
    private static final class Walk {
        private final Map<Long, SignedDigest> digestAt;
        private long expected;
        private String previousHash;
        private long checked;
        private Optional<VerificationReport.Break> broken = Optional.empty();
        private final List<VerificationReport.PurgedRange> purged = new ArrayList<>();

        Walk(Progress progress, Map<Long, SignedDigest> digestAt) {
            this.expected = progress.nextSeq();
            this.previousHash = progress.previousHash();
            this.checked = progress.checked();
            this.broken = progress.broken();
            this.purged.addAll(progress.purged());
            this.digestAt = digestAt;
        }

        /**
         * After the links of a chunk ending at {@code last}: a position of the chunk that had no item is a
         * gap (the next chunk would otherwise start past it).
         */
        void endOfChunk(long last) {
            if (broken.isEmpty() && expected <= last) {
                report(expected, VerificationReport.Kind.DELETED, "the chain ends at position " + (expected - 1)
                        + " before position " + last);
            }
        }

        Progress progress(Progress before) {
            return new Progress(before.fromSeq(), before.toSeq(), expected, previousHash, checked, purged, broken);
        }

        void report(long seq, VerificationReport.Kind kind, String detail) {
            if (broken.isEmpty() || seq < broken.get().seq()) {
                broken = Optional.of(new VerificationReport.Break(seq, kind, detail));
            }
        }

        void accept(StoredLink link) {
            if (broken.isPresent()) {
                return;
            }
            long p = expected;
            if (link.position() != p) {
                report(p, VerificationReport.Kind.DELETED, "no event at position " + p
                        + " (next stored position is " + link.position() + ")");
                return;
            }
            if (link.purged()) {
                acceptStub(link, p);
                return;
            }
            Optional<AuditEvent> event = link.event();
            if (event.isEmpty() || link.seq().isEmpty()) {
                report(p, VerificationReport.Kind.EDITED, "the item at position " + p + " no longer forms an event");
                return;
            }
            String recomputed = AuditChain.hash(link.seq().get(), link.prevHash(), event.get());
            if (!recomputed.equals(link.hash())) {
                report(p, VerificationReport.Kind.EDITED, "the event at position " + p + " does not match its hash");
                return;
            }
            if (link.seq().get() != p) {
                report(p, VerificationReport.Kind.REORDERED, "position " + p + " holds the event chained at position "
                        + link.seq().get());
                return;
            }
            if (!linksAndMatchesDigest(link, p)) {
                return;
            }
            checked++;
            previousHash = link.hash();
            expected = p + 1;
        }

        /**
         * Whether the link at {@code p} (an event or a stub) links to the hash before it and matches
         * any digest signed at its position; reports the break otherwise.
         */
        private boolean linksAndMatchesDigest(StoredLink link, long p) {
            if (!link.prevHash().equals(previousHash)) {
                report(Math.max(1, p - 1), VerificationReport.Kind.EDITED, "the event at position " + (p - 1)
                        + " was replaced: position " + p + " links to another hash");
                return false;
            }
            SignedDigest digest = digestAt.get(p);
            if (digest != null && !digest.chainHash().equals(link.hash())) {
                report(p, VerificationReport.Kind.DIGEST_MISMATCH, "digest " + digest.digestSeq() + " signed another hash"
                        + " for position " + p);
                return false;
            }
            return true;
        }

        private void acceptStub(StoredLink link, long p) {
            if (link.seq().isEmpty() || link.hash().isEmpty()) {
                report(p, VerificationReport.Kind.EDITED, "the hash stub at position " + p + " is incomplete");
                return;
            }
            if (link.seq().get() != p) {
                report(p, VerificationReport.Kind.REORDERED, "position " + p + " holds the stub of position "
                        + link.seq().get());
                return;
            }
            if (!linksAndMatchesDigest(link, p)) {
                return;
            }
            int last = purged.size() - 1;
            if (last >= 0 && purged.get(last).toSeq() == p - 1) {
                purged.set(last, new VerificationReport.PurgedRange(purged.get(last).fromSeq(), p));
            } else {
                purged.add(new VerificationReport.PurgedRange(p, p));
            }
            previousHash = link.hash();
            expected = p + 1;
        }

        void finish(long toSeq, ChainHead head) {
            if (broken.isPresent()) {
                return;
            }
            if (expected <= toSeq) {
                report(expected, VerificationReport.Kind.DELETED, "the chain ends at position " + (expected - 1)
                        + " before position " + toSeq);
            } else if (toSeq == head.seq() && head.seq() > 0 && !previousHash.equals(head.hash())) {
                report(head.seq(), VerificationReport.Kind.EDITED, "the head does not match the event at position "
                        + head.seq());
            }
        }
    }
}
