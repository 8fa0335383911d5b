package io.tollgate.audit.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditSeverity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    private static final AuditEvent EVENT = new AuditEvent(Instant.parse("2026-01-02T03:04:05.123Z"), "e-1", "login",
            AuditSeverity.HIGH, "u-1", "acme", null, "192.0.2.1", null, "session", "create", "success",
            Map.of("b", 2, "a", "x"), List.of("sox"));

    @Test
    void hashWhenEventThenSha256OfTheDocumentedCanonicalForm() throws Exception {
        String expected = "{\"event\":{\"action\":\"create\",\"additional_data\":{\"a\":\"x\",\"b\":2},"
                + "\"compliance_flags\":[\"sox\"],\"event_id\":\"e-1\",\"event_type\":\"login\","
                + "\"ip_address\":\"192.0.2.1\",\"resource\":\"session\",\"result\":\"success\",\"severity\":\"HIGH\","
                + "\"tenant_id\":\"acme\",\"timestamp\":\"2026-01-02T03:04:05.123000000Z\",\"user_id\":\"u-1\"},"
                + "\"prev_hash\":\"" + ChainHead.GENESIS.hash() + "\",\"seq\":1}";
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(expected.getBytes(StandardCharsets.UTF_8)));
        assertEquals(sha, AuditChain.hash(1, ChainHead.GENESIS.hash(), EVENT));
    }

    @Test
    void linkWhenEventsThenConsecutiveSequenceAndEachLinksToThePrevious() {
        ChainHead head = new ChainHead(41, "a".repeat(64));
        List<ChainedEvent> links = AuditChain.link(head, List.of(EVENT, EVENT, EVENT));
        assertEquals(List.of(42L, 43L, 44L), links.stream().map(ChainedEvent::seq).toList());
        assertEquals(head.hash(), links.get(0).prevHash());
        assertEquals(links.get(0).hash(), links.get(1).prevHash());
        assertEquals(links.get(1).hash(), links.get(2).prevHash());
        assertNotEquals(links.get(0).hash(), links.get(1).hash(), "same event at another position hashes differently");
    }

    @Test
    void hashWhenAnyFieldChangesThenDifferent() {
        String original = AuditChain.hash(1, ChainHead.GENESIS.hash(), EVENT);
        AuditEvent otherResult = new AuditEvent(EVENT.timestamp(), EVENT.eventId(), EVENT.eventType(), EVENT.severity(),
                EVENT.userId(), EVENT.tenantId(), null, EVENT.ipAddress(), null, EVENT.resource(), EVENT.action(),
                "failure", EVENT.additionalData(), EVENT.complianceFlags());
        assertNotEquals(original, AuditChain.hash(1, ChainHead.GENESIS.hash(), otherResult));
        assertNotEquals(original, AuditChain.hash(2, ChainHead.GENESIS.hash(), EVENT));
        assertNotEquals(original, AuditChain.hash(1, "b".repeat(64), EVENT));
    }
}
