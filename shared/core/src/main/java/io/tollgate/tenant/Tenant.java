package io.tollgate.tenant;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Attributes;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A tenant: the isolation boundary of Tollgate. Its id is part of every key of its data; its
 * {@link SecuritySettings} are stored with it as JSON; its role profile (the permission matrix its
 * users' roles are read in) is chosen at creation and never changes (ADR 0039).
 */
public record Tenant(String id, String name, Status status, SecuritySettings settings, String roleProfile) {

    /** The role profile of a tenant that chose none: seed 000's five roles. */
    public static final String DEFAULT_ROLE_PROFILE = "default";
    /** The item attribute holding the role profile. */
    public static final String ROLE_PROFILE_ATTRIBUTE = "role_profile";

    /** Lower-case letters, digits and dashes, 1–63 characters, starting with a letter or digit. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public enum Status {
        ACTIVE, SUSPENDED
    }

    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(roleProfile, "roleProfile");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Invalid tenant id");
        }
    }

    /** A tenant with the {@linkplain #DEFAULT_ROLE_PROFILE default} role profile. */
    public Tenant(String id, String name, Status status, SecuritySettings settings) {
        this(id, name, status, settings, DEFAULT_ROLE_PROFILE);
    }

    /** Reads a tenant item. */
    public static Tenant fromItem(Map<String, AttributeValue> item) {
        try {
            return new Tenant(Attributes.requiredString(item, "tenant_id"), Attributes.requiredString(item, "name"),
                    Status.valueOf(Attributes.requiredString(item, "status")),
                    Json.mapper().readValue(Attributes.requiredString(item, "settings"), SecuritySettings.class),
                    Attributes.string(item, ROLE_PROFILE_ATTRIBUTE).orElse(DEFAULT_ROLE_PROFILE));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored settings of a tenant are not readable", e);
        }
    }

    /** The item attributes of this tenant, without its key. */
    public Map<String, AttributeValue> attributes() {
        try {
            return Map.of("tenant_id", Attributes.s(id), "name", Attributes.s(name),
                    "status", Attributes.s(status.name()),
                    "settings", Attributes.s(Json.mapper().writeValueAsString(settings)),
                    ROLE_PROFILE_ATTRIBUTE, Attributes.s(roleProfile));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Tenant settings not serialisable", e);
        }
    }
}
