package io.tollgate.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tollgate.audit.AuditSeverity;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertRouteTest {

    private static final List<String> CONTACTS = List.of("soc@acme.test", "ciso@acme.test");
    private static final List<String> ADMINS = List.of("root@acme.test", "ops@acme.test");

    @Test
    void routeWhenSeverityThenSeed001Routing() {
        assertEquals(AlertRoute.ALL_ADMINISTRATORS, AlertRoute.of(AuditSeverity.CRITICAL));
        assertEquals(AlertRoute.SECURITY_CONTACTS, AlertRoute.of(AuditSeverity.HIGH));
        assertEquals(AlertRoute.DAILY_DIGEST, AlertRoute.of(AuditSeverity.MEDIUM));
        assertEquals(AlertRoute.NONE, AlertRoute.of(AuditSeverity.LOW));
    }

    @Test
    void recipientsWhenCriticalThenEveryAdministratorEvenWithContacts() {
        assertEquals(ADMINS, AlertRoute.ALL_ADMINISTRATORS.recipients(CONTACTS, ADMINS));
    }

    @Test
    void recipientsWhenHighOrDigestWithContactsThenContactsOnly() {
        assertEquals(CONTACTS, AlertRoute.SECURITY_CONTACTS.recipients(CONTACTS, ADMINS));
        assertEquals(CONTACTS, AlertRoute.DAILY_DIGEST.recipients(CONTACTS, ADMINS));
    }

    @Test
    void recipientsWhenHighOrDigestWithoutContactsThenAdministrators() {
        assertEquals(ADMINS, AlertRoute.SECURITY_CONTACTS.recipients(List.of(), ADMINS));
        assertEquals(ADMINS, AlertRoute.DAILY_DIGEST.recipients(List.of(), ADMINS));
    }

    @Test
    void recipientsWhenLowThenNobody() {
        assertEquals(List.of(), AlertRoute.NONE.recipients(CONTACTS, ADMINS));
    }

    @Test
    void recipientsWhenAnAddressRepeatsInAnotherCaseThenMailedOnce() {
        assertEquals(List.of("Root@acme.test", "ops@acme.test"), AlertRoute.ALL_ADMINISTRATORS.recipients(List.of(),
                List.of("Root@acme.test", "ops@acme.test", "root@ACME.test")));
    }

    @Test
    void recipientsWhenTenantHasNobodyThenEmpty() {
        assertEquals(List.of(), AlertRoute.SECURITY_CONTACTS.recipients(List.of(), List.of()));
    }
}
