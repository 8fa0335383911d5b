package io.tollgate.alerting.trail;

import java.util.Objects;

/**
 * Where one Tollgate event type lands in OCSF: its class and activity ({@code activity_id} and
 * {@code activity_name} as the class defines them; 99 = Other, named after the Tollgate event).
 */
public record OcsfActivity(OcsfClass ocsfClass, int activityId, String activityName) {

    public OcsfActivity {
        Objects.requireNonNull(ocsfClass, "ocsfClass");
        Objects.requireNonNull(activityName, "activityName");
        if (activityId < 0 || activityId > 99) {
            throw new IllegalArgumentException("activity_id must be 0..99");
        }
    }

    /** {@code type_uid}: class uid × 100 + activity id. */
    public long typeUid() {
        return ocsfClass.uid() * 100L + activityId;
    }

    /** {@code type_name}: "class: activity". */
    public String typeName() {
        return ocsfClass.label() + ": " + activityName;
    }
}
