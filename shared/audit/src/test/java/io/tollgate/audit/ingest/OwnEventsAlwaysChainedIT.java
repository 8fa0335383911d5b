package io.tollgate.audit.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.testing.AuditTestbed;
import io.tollgate.audit.testing.TestAuditEvents;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Property: every event type Tollgate emits, built through {@link AuditRecorder} with hostile
 * optional request facts (absent, empty, blank, oversized, control characters, lone surrogates,
 * non-characters, bidi overrides, non-addresses) and hostile additional data (fractions, huge
 * numbers, nulls, deep nesting), passes the real validator and is chained on DynamoDB Local.
 */
class OwnEventsAlwaysChainedIT {

    private static final long SEED = 20261207L;
    private static final int ROUNDS = 6;

    private static final List<String> HOSTILE_TEXT = Arrays.asList(null, "", " ", "\t\n", "\u0000", "\u001b[31mred",
            "\uD800", "x\uDC00y", "\uFFFF\uFFFE\uFDD0", "\u202Eevil\u202C", "a".repeat(511) + "\uD83D\uDE00",
            "é".repeat(5000), "Mozilla/5.0 (X11; Linux x86_64)", "\u0085\u2028\u2029", "😀".repeat(300));
    private static final List<String> HOSTILE_IP = Arrays.asList(null, "", "0.0.0.0", "not-an-ip", "999.1.1.1.1.1",
            "2001:db8::1", "::ffff:192.0.2.1", "1".repeat(60), "203.0.113.9\u0000", "fe80::1%eth0");

    private final AuditTestbed bed = new AuditTestbed();

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static Map<String, Object> hostileData(Random random) {
        Map<String, Object> data = new HashMap<>();
        data.put("reason", pick(random, HOSTILE_TEXT));
        data.put("ratio", 0.25 + random.nextDouble());
        data.put("big", Long.MAX_VALUE - random.nextInt(5));
        data.put("small", Long.MIN_VALUE);
        data.put("absent", null);
        data.put(pick(random, Arrays.asList("\uD800key", "k\u0000", "plain")), "v");
        Map<String, Object> deep = new HashMap<>();
        Map<String, Object> cursor = deep;
        for (int i = 0; i < 9; i++) {
            Map<String, Object> next = new HashMap<>();
            cursor.put("level" + i, next);
            cursor = next;
        }
        cursor.put("leaf", pick(random, HOSTILE_TEXT));
        data.put("deep", deep);
        data.put("list", Arrays.asList(1.5, null, "\uDBFF", List.of(List.of(List.of(List.of(List.of("x")))))));
        return data;
    }

    @Test
    void ingestWhenEveryOwnEventTypeHasHostileOptionalFactsThenEveryEventIsChained() {
        Random random = new Random(SEED);
        List<AuditEvent> built = new ArrayList<>();
        AuditRecorder recorder = new AuditRecorder(built::add, bed.testbed.clock);
        String tenant = AuditTestbed.newTenant();
        for (int round = 0; round < ROUNDS; round++) {
            for (AuditEventType type : AuditEventType.values()) {
                AuditRecorder.Actor actor = new AuditRecorder.Actor(tenant, pick(random, HOSTILE_TEXT),
                        pick(random, HOSTILE_TEXT), pick(random, HOSTILE_IP), pick(random, HOSTILE_TEXT));
                recorder.record(type, actor, pick(random, HOSTILE_TEXT), pick(random, HOSTILE_TEXT), "failure",
                        random.nextBoolean() ? hostileData(random) : null);
            }
        }
        List<AuditIngestion.Message> messages = built.stream().map(e -> new AuditIngestion.Message(
                UUID.randomUUID().toString(), TestAuditEvents.json(e), Optional.of(e.tenantId()))).toList();

        AuditIngestion.Outcome outcome = bed.audit.ingestion().ingest(messages);

        assertEquals(List.of(), bed.rejected.stream().map(AuditTestbed.Rejected::reason).toList(),
                "seed " + SEED + ": nothing of Tollgate's own is rejected");
        assertEquals(List.of(), outcome.failedMessageIds());
        assertEquals(AuditEventType.values().length * ROUNDS, outcome.stored());
        assertTrue(bed.audit.verifier().verify(tenant, Optional.empty(), Optional.empty()).valid());
    }

    @Test
    void recordWhenUserAgentAbsentOrBlankThenUnknownAndWhenAddressIsNoLiteralThenAbsent() {
        List<AuditEvent> built = new ArrayList<>();
        AuditRecorder recorder = new AuditRecorder(built::add, bed.testbed.clock);
        recorder.record(AuditEventType.LOGIN_FAILURE, new AuditRecorder.Actor("acme", null, "", "not-an-ip", null),
                "auth", "login", "failure", Map.of());
        recorder.record(AuditEventType.LOGIN_FAILURE, new AuditRecorder.Actor("acme", null, null, "2001:db8::1", "  "),
                "auth", "login", "failure", Map.of());

        assertEquals("unknown", built.get(0).userAgent());
        assertEquals(null, built.get(0).ipAddress());
        assertEquals(null, built.get(0).organizationId());
        assertEquals("unknown", built.get(1).userAgent());
        assertEquals("2001:db8::1", built.get(1).ipAddress());
    }

    private static String legacyBody(String tenant, String eventId, String source) {
        return """
                {"timestamp":"%s","event_id":"%s","event_type":"%s","severity":"CRITICAL","tenant_id":"%s",
                 "ip_address":"203.0.113.9","user_agent":"","resource":"auth","action":"login","result":"failure",
                 "additional_data":{"ratio":0.5},"compliance_flags":["pci"]%s}"""
                .formatted(java.time.Instant.now(), eventId, source == null ? "auth_failure" : "acme.failure", tenant,
                        source == null ? "" : ",\"source\":\"" + source + "\"");
    }

    @Test
    void ingestWhenOwnEventWasBuiltBeforeNormalisationThenChainedNormalisedButASubmittedOneStaysRefused() {
        String tenant = AuditTestbed.newTenant();
        String own = "own-" + UUID.randomUUID();
        String submitted = "sub-" + UUID.randomUUID();

        AuditIngestion.Outcome outcome = bed.audit.ingestion().ingest(List.of(
                new AuditIngestion.Message("m1", legacyBody(tenant, own, null), Optional.of(tenant)),
                new AuditIngestion.Message("m2", legacyBody(tenant, submitted, "api_key:abcdefgh"), Optional.of(tenant))));

        assertEquals(1, outcome.stored(), "Tollgate's own event is chained (a dead letter redriven after the fix)");
        assertEquals(1, outcome.rejected(), "a submitter's event is not normalised for it");
        AuditEvent chained = bed.audit.chains().findEvent(tenant, own).orElseThrow().readable().orElseThrow();
        assertEquals("unknown", chained.userAgent());
        assertEquals("0.5", chained.additionalData().get("ratio"));
    }
}
