package io.tollgate.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.tollgate.detection.AnomalyDetection;
import io.tollgate.detection.CrossAccountBruteForceRule;
import io.tollgate.audit.AuditEvent;
import io.tollgate.audit.AuditEventType;
import io.tollgate.mail.MailMessage;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.tenant.Tenant;
import io.tollgate.testing.Testbed;
import io.tollgate.user.UserDirectory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Detection's two alert hooks (ADR 0042) over DynamoDB Local: an acted decision mails the tenant's
 * administrators once with its evidence and action; a HIGH/CRITICAL finding on the stream mails
 * once however often it repeats; failed logins and routine events mail nobody.
 */
class AnomalyAlertingIT {

    private static final String SAMPLE = "../../events/anomaly-credential-stuffing-stream.json";
    private static final Instant RECORDED_WINDOW = Instant.parse("2026-11-23T09:00:00Z");

    private final Testbed bed = new Testbed();
    private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

    AnomalyAlertingIT() {
        UserDirectory directory = bed.services.userDirectory();
        directory.createTenant(new Tenant(tenant, "Acme", Tenant.Status.ACTIVE, SecuritySettings.defaults()),
                bed.clock.instant());
        Map.of("root@acme.test", List.of("tenant_admin"), "platform@acme.test", List.of("super_admin"),
                "clerk@acme.test", List.of("user")).forEach((address, roles) -> directory.createUser(
                new UserDirectory.NewUser(tenant, UUID.randomUUID().toString(), address, address, null, roles, "x"),
                bed.clock.instant()));
    }

    private AuditEvent failure(String userId, String ip) {
        return new AuditEvent(bed.clock.instant(), UUID.randomUUID().toString(), AuditEventType.LOGIN_FAILURE.wireName(),
                AuditEventType.LOGIN_FAILURE.severity(), userId, tenant, null, ip, "ua", "auth", "login", "failure",
                Map.of("reason", "wrong_password"), List.of());
    }

    private List<String> recipients() {
        return bed.mails.stream().map(MailMessage::to).sorted().toList();
    }

    @Test
    void bruteForceDecisionThenEachAdministratorMailedOnceWithEvidenceAndAction() {
        AnomalyDetection detection = AnomalyDetection.from(bed.services);
        // 15 accounts: over brute force's 10, under credential stuffing's 20 (that rule would mail on its own).
        for (int i = 0; i < 15; i++) {
            detection.onChainedEvent(failure("u-" + i, "203.0.113.77"));
        }

        assertEquals(List.of("platform@acme.test", "root@acme.test"), recipients(),
                "HIGH goes to the security contacts, here (none set) the administrators; the user gets nothing");
        String text = bed.mails.get(0).text();
        String decisionId = (String) bed.audit.ofType("security_alert").get(0).additionalData().get("decision_id");
        assertTrue(bed.mails.get(0).subject().startsWith("[Tollgate HIGH] brute-force-across-accounts on ip:203.0.113.77"),
                bed.mails.get(0).subject());
        assertTrue(text.contains("distinct_accounts: 10"), text);
        assertTrue(text.contains("threshold.window_seconds: 900"), text);
        assertTrue(text.contains("Action taken: block_ip: 203.0.113.77 refused at login until "), text);
        assertTrue(text.contains("./tollgate explain " + decisionId), text);
    }

    /** The recording in this tenant and the current window, its failed logins turned into {@code type}. */
    private DynamodbEvent recording(String type, String severity) {
        DynamodbEvent event = EventLoader.loadDynamoDbEvent(SAMPLE);
        Duration shift = Duration.between(RECORDED_WINDOW, CrossAccountBruteForceRule.defaults().windowStart(bed.clock.instant()));
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            Map<String, AttributeValue> image = record.getDynamodb().getNewImage();
            if (image.containsKey("tenant_id")) {
                image.put("tenant_id", new AttributeValue().withS(tenant));
                image.put("timestamp", new AttributeValue().withS(Instant.parse(image.get("timestamp").getS()).plus(shift).toString()));
                if (image.get("event_type").getS().equals("auth_failure")) {
                    image.put("event_type", new AttributeValue().withS(type));
                    image.put("severity", new AttributeValue().withS(severity));
                    image.put("alert", new AttributeValue().withS(severity));
                }
            }
        }
        return event;
    }

    @Test
    void criticalFindingRepeatedOnTheStreamThenEveryAdministratorMailedOnceEvenWhenTheBatchIsRedelivered() {
        AnomalyDetectionHandler handler = new AnomalyDetectionHandler(bed.services);

        // A CRITICAL finding another service submitted (a namespaced custom type no rule counts).
        handler.handleRequest(recording("payments.fraud_block", "CRITICAL"), null);
        handler.handleRequest(recording("payments.fraud_block", "CRITICAL"), null);

        assertEquals(List.of("platform@acme.test", "root@acme.test"), recipients());
        assertTrue(bed.mails.get(0).subject().startsWith("[Tollgate CRITICAL] payments.fraud_block (failure)"),
                bed.mails.get(0).subject());
        assertTrue(bed.audit.ofType("security_alert").isEmpty(), "no rule counts this type");
    }

    @Test
    void failedLoginsBelowTheRuleThresholdAndRoutineEventsOnTheStreamThenNobodyMailed() {
        AnomalyDetection detection = AnomalyDetection.from(bed.services);
        for (int i = 0; i < 9; i++) {
            detection.onChainedEvent(failure("u-" + i, "203.0.113.78"));
        }
        new AnomalyDetectionHandler(bed.services).handleRequest(recording("login_success", "HIGH"), null);

        assertEquals(List.of(), bed.mails, "CRITICAL auth_failure events are counted by rules, not mailed one by one");
    }
}
