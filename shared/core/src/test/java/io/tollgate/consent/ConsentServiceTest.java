package io.tollgate.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.audit.AuditRecorder;
import io.tollgate.audit.AuditRecorder.Actor;
import io.tollgate.http.ProblemException;
import io.tollgate.settings.ConsentSettings.Purpose;
import io.tollgate.storage.TableNames;
import io.tollgate.testing.RecordingAuditPublisher;
import io.tollgate.testing.TestClock;
import io.tollgate.user.UserDirectory;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The rules of consent that need no table (ADR 0068): who may change it, and how a state reads. */
class ConsentServiceTest {

    private static final Actor ALICE = new Actor("acme", "u-1", "risk", "192.0.2.1", "test");
    private static final Purpose ANALYTICS_V2 = new Purpose("analytics", "Product analytics", 2);

    @Test
    void changeWhenApiKeyOrNoSessionThenForbiddenBeforeAnyReadOrWrite() {
        RecordingAuditPublisher audit = new RecordingAuditPublisher();
        DynamoDbClient untouchable = (DynamoDbClient) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
                    throw new AssertionError("no storage call expected: " + method.getName());
                });
        TableNames tables = new TableNames("i", "s", "x");
        TestClock clock = TestClock.startingNow();
        ConsentService service = new ConsentService(new ConsentRepository(untouchable, tables),
                new UserDirectory(untouchable, tables), new AuditRecorder(audit, clock), clock);
        for (ConsentService.Subject caller : List.of(new ConsentService.Subject(ALICE, "api_key", null),
                new ConsentService.Subject(ALICE, "bearer", null), new ConsentService.Subject(ALICE, "bearer", " "),
                new ConsentService.Subject(ALICE, null, "sid"))) {
            assertEquals(403, assertThrows(ProblemException.class, () -> service.grant(caller, "analytics")).errorCode().status());
            assertEquals(403, assertThrows(ProblemException.class, () -> service.withdraw(caller, "analytics")).errorCode().status());
        }
        assertEquals(List.of(), audit.events());
        assertTrue(new ConsentService.Subject(ALICE, "bearer", "sid").session());
    }

    @Test
    void viewWhenGrantedToAnOlderVersionThenOutdatedAndNotGranted() {
        Map<String, Object> outdated = ConsentService.view(ANALYTICS_V2,
                Optional.of(new ConsentRecord("analytics", 1, true, Instant.EPOCH, 1)));
        assertEquals("outdated", outdated.get("status"));
        assertEquals(false, outdated.get("granted"));
        assertEquals(1, outdated.get("consented_version"));
        assertEquals(2, outdated.get("version"));
    }

    @Test
    void viewWhenGrantedToCurrentWithdrawnOrNeverGivenThenThatStatus() {
        Map<String, Object> granted = ConsentService.view(ANALYTICS_V2,
                Optional.of(new ConsentRecord("analytics", 2, true, Instant.EPOCH, 3)));
        assertEquals("granted", granted.get("status"));
        assertEquals(true, granted.get("granted"));
        Map<String, Object> withdrawn = ConsentService.view(ANALYTICS_V2,
                Optional.of(new ConsentRecord("analytics", 2, false, Instant.EPOCH, 4)));
        assertEquals("withdrawn", withdrawn.get("status"));
        assertFalse((Boolean) withdrawn.get("granted"));
        Map<String, Object> none = ConsentService.view(ANALYTICS_V2, Optional.empty());
        assertEquals("not_given", none.get("status"));
        assertEquals(null, none.get("changed_at"));
    }
}
