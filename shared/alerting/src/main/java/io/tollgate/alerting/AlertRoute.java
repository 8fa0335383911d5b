package io.tollgate.alerting;

import io.tollgate.audit.AuditSeverity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Seed 001's severity routing (§Incident Response, communication plan), per tenant: CRITICAL
 * mails every administrator at once, HIGH mails the tenant's security contacts, MEDIUM waits for
 * the daily digest (to the security contacts), LOW is not alerted. A tenant without security
 * contacts gets HIGH alerts and digests at its administrators, so nothing goes unread.
 */
public enum AlertRoute {
    ALL_ADMINISTRATORS, SECURITY_CONTACTS, DAILY_DIGEST, NONE;

    public static AlertRoute of(AuditSeverity severity) {
        return switch (severity) {
            case CRITICAL -> ALL_ADMINISTRATORS;
            case HIGH -> SECURITY_CONTACTS;
            case MEDIUM -> DAILY_DIGEST;
            case LOW -> NONE;
        };
    }

    /**
     * Who receives this route's mail, each address once (compared case-insensitively, first
     * spelling kept): the administrators for CRITICAL; the contacts, or the administrators when
     * there are none, for HIGH and the digest; nobody for LOW.
     */
    public List<String> recipients(List<String> securityContacts, List<String> administrators) {
        List<String> chosen = switch (this) {
            case ALL_ADMINISTRATORS -> administrators;
            case SECURITY_CONTACTS, DAILY_DIGEST -> securityContacts.isEmpty() ? administrators : securityContacts;
            case NONE -> List.of();
        };
        Map<String, String> unique = new LinkedHashMap<>();
        for (String address : chosen) {
            unique.putIfAbsent(address.toLowerCase(Locale.ROOT), address);
        }
        return new ArrayList<>(unique.values());
    }
}
