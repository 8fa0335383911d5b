package io.tollgate.administration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import io.tollgate.http.ProblemException.FieldError;
import io.tollgate.json.Json;
import io.tollgate.settings.SecuritySettings;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The JSON form of a tenant's {@link SecuritySettings} (docs/openapi.yaml {@code SecuritySettings}):
 * the record's own shape, camelCase, durations as ISO-8601 ({@code "PT15M"}). Reading is strict:
 * every field is required (a {@code PUT} replaces the whole document), unknown fields and wrong
 * types are refused, and every value passes the floors of the settings records' constructors.
 * Each refusal names its field.
 */
public final class SettingsDocument {

    private static final ObjectReader READER = Json.mapper().readerFor(SecuritySettings.class)
            .with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .with(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);

    private SettingsDocument() {
    }

    /** The settings a document describes; 400 {@code validation_failed} naming the field otherwise. */
    public static SecuritySettings read(JsonNode document) {
        if (document == null || !document.isObject()) {
            throw invalid("settings", "wrong_type", "The settings must be a JSON object.");
        }
        try {
            return READER.readValue(document);
        } catch (UnrecognizedPropertyException e) {
            throw invalid(path(e, e.getPropertyName()), "unknown_field", "This field is not accepted.");
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause();
            // Only the settings records' own checks (constant texts) reach the caller; anything else is generic.
            String message = cause instanceof IllegalArgumentException && cause.getMessage() != null
                    ? cause.getMessage() : "This value is not accepted.";
            throw invalid(path(e, null), "out_of_range", message);
        } catch (MismatchedInputException e) {
            boolean missing = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Missing");
            String field = missing && e.getOriginalMessage().contains("'")
                    ? path(e, e.getOriginalMessage().split("'")[1]) : path(e, null);
            throw invalid(field, missing ? "required" : "wrong_type",
                    missing ? "This field is required." : "This field has the wrong type.");
        } catch (JsonProcessingException e) {
            throw invalid("settings", "invalid", "The settings are not valid.");
        } catch (java.io.IOException e) {
            throw invalid("settings", "invalid", "The settings are not valid.");
        }
    }

    /**
     * As {@link #read(JsonNode)}, and the SIEM webhook's host must be a public address
     * ({@link io.tollgate.net.WebhookTargets}; any address in the local runtime): 400 naming
     * {@code alerting.siemWebhookUrl} otherwise, without echoing the URL.
     */
    public static SecuritySettings read(JsonNode document, io.tollgate.net.WebhookTargets targets) {
        SecuritySettings settings = read(document);
        if (settings.alerting().siemWebhook().flatMap(targets::checkConfigured).isPresent()) {
            throw invalid("alerting.siemWebhookUrl", "not_public",
                    "The webhook host must resolve to public addresses only (no loopback, link-local or private ones).");
        }
        return settings;
    }

    /** The document of {@code settings}. */
    public static JsonNode write(SecuritySettings settings) {
        return Json.mapper().valueToTree(settings);
    }

    private static String path(JsonMappingException e, String leaf) {
        String prefix = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : Integer.toString(ref.getIndex()))
                .collect(Collectors.joining("."));
        if (leaf == null) {
            return prefix.isEmpty() ? "settings" : prefix;
        }
        return prefix.isEmpty() || prefix.endsWith(leaf) ? (prefix.isEmpty() ? leaf : prefix) : prefix + "." + leaf;
    }

    private static ProblemException invalid(String field, String code, String message) {
        return ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "The settings are not valid.",
                List.of(new FieldError(field, code, message)));
    }
}
