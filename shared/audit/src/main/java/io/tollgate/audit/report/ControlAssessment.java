package io.tollgate.audit.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The verdict on one section of a compliance report: a {@link Status} derived from its figures
 * only, by fixed rules (docs/adr/0070-compliance-report-document.md), and the recommendations that
 * would move it to {@code compliant}. Deterministic so that an auditor can re-derive it from the
 * figures printed next to it.
 *
 * @param status          the verdict
 * @param recommendations what to do, empty when compliant
 */
public record ControlAssessment(Status status, List<String> recommendations) {

    public ControlAssessment {
        Objects.requireNonNull(status, "status");
        recommendations = List.copyOf(recommendations);
    }

    /** Verdicts, from best to worst (the report's overall status is the worst of its sections). */
    public enum Status {
        /** The figures show the control operating. */
        COMPLIANT,
        /** Nothing in the range evidences the control (no activity): neither a pass nor a failure. */
        NO_EVIDENCE,
        /** The control operates, with findings to follow up. */
        ATTENTION,
        /** The figures show the control failing. */
        NON_COMPLIANT;

        /** The lower-case name used on the wire. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The assessment of section {@code section} from its figures; a truncated tally is at best {@code attention}. */
    public static ControlAssessment of(String section, Map<String, Object> figures, boolean truncated) {
        List<String> advice = new ArrayList<>();
        Status status = switch (section) {
            case "authentication" -> {
                if (number(figures, "token_reuse_detected") > 0) {
                    advice.add("Investigate the refresh-token reuse detections: each one revoked a token family.");
                    yield Status.ATTENTION;
                }
                yield number(figures, "logins_succeeded") + number(figures, "logins_failed") == 0
                        ? Status.NO_EVIDENCE : Status.COMPLIANT;
            }
            case "failed_and_locked" -> {
                if (number(figures, "accounts_locked") > number(figures, "accounts_unlocked")
                        || number(figures, "ips_blocked") > 0) {
                    advice.add("Review the locked accounts and blocked addresses of the period with their owners.");
                    yield Status.ATTENTION;
                }
                yield Status.COMPLIANT;
            }
            case "mfa_coverage" -> mfa(figures, advice);
            case "privileged_actions" -> {
                if (number(figures, "denied") > 0) {
                    advice.add("Review the denied privileged actions: who attempted them and why.");
                    yield Status.ATTENTION;
                }
                yield number(figures, "total") == 0 ? Status.NO_EVIDENCE : Status.COMPLIANT;
            }
            case "role_changes" -> {
                if (number(figures, "privilege_escalation_attempts") > 0) {
                    advice.add("Investigate the privilege escalation attempts and confirm no role was granted by them.");
                    yield Status.NON_COMPLIANT;
                }
                yield Status.COMPLIANT;
            }
            case "key_rotations" -> {
                if (number(figures, "signing_key_rotations") == 0) {
                    advice.add("Rotate the token signing key: no rotation was recorded in the period.");
                    yield Status.ATTENTION;
                }
                yield Status.COMPLIANT;
            }
            case "retention" -> {
                if (number(figures, "runs") == 0) {
                    advice.add("Check the retention schedule: no retention run was recorded in the period.");
                    yield Status.ATTENTION;
                }
                yield Status.COMPLIANT;
            }
            case "data_subject_requests" -> {
                if (number(figures, "completed_late") > 0 || number(figures, "open_overdue") > 0) {
                    advice.add("Answer the overdue data-subject requests and record why the late ones missed the 30-day deadline.");
                    yield Status.NON_COMPLIANT;
                }
                if (number(figures, "open") > 0) {
                    advice.add("Follow the open data-subject requests to their deadline.");
                    yield Status.ATTENTION;
                }
                yield number(figures, "received") == 0 ? Status.NO_EVIDENCE : Status.COMPLIANT;
            }
            case "open_alerts" -> {
                if (number(figures, "open") > 0) {
                    advice.add("Triage the open security alerts.");
                    yield Status.ATTENTION;
                }
                yield Status.COMPLIANT;
            }
            case "data_access" -> number(figures, "total") == 0 ? Status.NO_EVIDENCE : Status.COMPLIANT;
            case "consent" -> number(figures, "granted") + number(figures, "withdrawn") == 0 ? Status.NO_EVIDENCE
                    : Status.COMPLIANT;
            case "audit_chain" -> {
                if (!Boolean.TRUE.equals(figures.get("valid"))) {
                    advice.add("Treat the audit trail as tampered from the broken position: preserve it and open an incident.");
                    yield Status.NON_COMPLIANT;
                }
                yield Status.COMPLIANT;
            }
            default -> Status.NO_EVIDENCE;
        };
        if (truncated && status.compareTo(Status.ATTENTION) < 0) {
            advice.add("Narrow the period: the event tally was truncated.");
            status = Status.ATTENTION;
        }
        return new ControlAssessment(status, advice);
    }

    private static Status mfa(Map<String, Object> figures, List<String> advice) {
        long active = number(figures, "active_users");
        long withMfa = number(figures, "users_with_mfa");
        if (active == 0) {
            return Status.NO_EVIDENCE;
        }
        if (withMfa == active) {
            return Status.COMPLIANT;
        }
        advice.add("Enrol the " + (active - withMfa) + " active user(s) without a second factor, or require MFA in the tenant settings.");
        return withMfa == 0 ? Status.NON_COMPLIANT : Status.ATTENTION;
    }

    private static long number(Map<String, Object> figures, String name) {
        return figures.get(name) instanceof Number n ? n.longValue() : 0L;
    }
}
