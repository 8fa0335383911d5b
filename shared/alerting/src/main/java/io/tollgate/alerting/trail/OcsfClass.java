package io.tollgate.alerting.trail;

/**
 * The four OCSF classes the audit trail is forwarded in (docs/siem-ocsf.md): their class and
 * category ids and names as the OCSF schema defines them.
 */
public enum OcsfClass {
    DETECTION_FINDING(2004, "Detection Finding", 2, "Findings"),
    ACCOUNT_CHANGE(3001, "Account Change", 3, "Identity & Access Management"),
    AUTHENTICATION(3002, "Authentication", 3, "Identity & Access Management"),
    API_ACTIVITY(6003, "API Activity", 6, "Application Activity");

    private final int uid;
    private final String label;
    private final int categoryUid;
    private final String categoryName;

    OcsfClass(int uid, String label, int categoryUid, String categoryName) {
        this.uid = uid;
        this.label = label;
        this.categoryUid = categoryUid;
        this.categoryName = categoryName;
    }

    public int uid() {
        return uid;
    }

    public String label() {
        return label;
    }

    public int categoryUid() {
        return categoryUid;
    }

    public String categoryName() {
        return categoryName;
    }
}
