package io.tollgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Normalises the optional facts of an event Tollgate builds (who, from where, with what) so that
 * the audit ingest never has a reason to reject one of Tollgate's own events (ADR 0059): a caller
 * who omits or mangles a header must not erase its own failed logins from the trail.
 *
 * <ul>
 *   <li>{@code user_agent}: absent, empty or blank becomes {@value #UNKNOWN}; control characters,
 *       lone surrogates and other non-characters become U+FFFD; cut at {@value #MAX_USER_AGENT}
 *       UTF-16 units (never inside a surrogate pair);</li>
 *   <li>{@code ip_address}: kept when it is an IPv4/IPv6 literal's characters (at most 45), else
 *       absent (the address is unknown; nothing is ever blocked for an absent address);</li>
 *   <li>{@code user_id}, {@code organization_id}, {@code resource}, {@code action}: cleaned as above,
 *       cut at {@value #MAX_IDENTIFIER}, absent when empty or blank;</li>
 *   <li>{@code additional_data}: strings cleaned and cut at {@value #MAX_DATA_STRING}, numbers that
 *       the canonical form cannot carry (fractions, beyond ±(2^53−1)) written as text, {@code null}
 *       members dropped, nesting deeper than {@value #MAX_DATA_DEPTH} written as text; data whose JSON
 *       exceeds {@value #MAX_DATA_BYTES} bytes replaced by {@code {"omitted":"too_large"}}.</li>
 * </ul>
 * The limits are the audit validator's, which refers to them. Stateless.
 */
public final class RequestFacts {

    /** The {@code user_agent} of an event whose request had none. */
    public static final String UNKNOWN = "unknown";
    public static final int MAX_USER_AGENT = 512;
    public static final int MAX_IDENTIFIER = 256;
    public static final int MAX_IP_ADDRESS = 45;
    public static final int MAX_DATA_STRING = 1024;
    public static final int MAX_DATA_DEPTH = 5;
    /** Below the validator's 8 KiB of canonical {@code additional_data}, with room for escaping differences. */
    public static final int MAX_DATA_BYTES = 7 * 1024;
    /** The characters of an IPv4 or IPv6 literal. */
    public static final Pattern IP_ADDRESS = Pattern.compile("[0-9A-Fa-f:.]{2," + MAX_IP_ADDRESS + "}");

    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private RequestFacts() {
    }

    /** {@code event} with every optional fact normalised; the required fields are untouched. */
    public static AuditEvent normalise(AuditEvent event) {
        return new AuditEvent(event.timestamp(), event.eventId(), event.eventType(), event.severity(),
                identifier(event.userId()), event.tenantId(), identifier(event.organizationId()),
                ipAddress(event.ipAddress()), userAgent(event.userAgent()), identifier(event.resource()),
                identifier(event.action()), event.result(), additionalData(event.additionalData()),
                event.complianceFlags(), event.source());
    }

    /** {@code additionalData} normalised as described above; null is an empty map. */
    public static Map<String, Object> additionalData(Map<String, ?> additionalData) {
        return additionalData == null ? Map.of() : bounded(data(additionalData, 1));
    }

    /** {@code data}, or a marker saying it was left out when its JSON exceeds {@value #MAX_DATA_BYTES} bytes. */
    private static Map<String, Object> bounded(Map<String, Object> data) {
        try {
            return Json.mapper().writeValueAsBytes(data).length <= MAX_DATA_BYTES ? data : Map.of("omitted", "too_large");
        } catch (JsonProcessingException e) {
            return Map.of("omitted", "not_serialisable");
        }
    }

    /** The user agent to record: cleaned, cut, {@value #UNKNOWN} when there is none. */
    public static String userAgent(String raw) {
        return raw == null || raw.isBlank() ? UNKNOWN : clean(raw, MAX_USER_AGENT);
    }

    /** The source address to record, or null when {@code raw} is no address literal. */
    public static String ipAddress(String raw) {
        return raw != null && IP_ADDRESS.matcher(raw).matches() ? raw : null;
    }

    /** An identifier-like fact: cleaned and cut, null when empty or blank. */
    public static String identifier(String raw) {
        return raw == null || raw.isBlank() ? null : clean(raw, MAX_IDENTIFIER);
    }

    /**
     * {@code raw} with control characters, lone surrogates and non-characters replaced by U+FFFD,
     * cut at {@code max} UTF-16 units without splitting a pair; null stays null.
     */
    static String clean(String raw, int max) {
        if (raw == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(raw.length(), max));
        for (int i = 0; i < raw.length(); ) {
            int codePoint = raw.codePointAt(i);
            int width = Character.charCount(codePoint);
            boolean odd = Character.isISOControl(codePoint) || Character.getType(codePoint) == Character.SURROGATE
                    || Character.getType(codePoint) == Character.UNASSIGNED && isNonCharacter(codePoint);
            String replacement = odd ? "\uFFFD" : raw.substring(i, i + width);
            if (out.length() + replacement.length() > max) {
                break;
            }
            out.append(replacement);
            i += width;
        }
        return out.toString();
    }

    private static boolean isNonCharacter(int codePoint) {
        return (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || (codePoint & 0xFFFE) == 0xFFFE;
    }

    private static Map<String, Object> data(Map<String, ?> data, int depth) {
        Map<String, Object> out = new LinkedHashMap<>();
        data.forEach((name, value) -> {
            Object normal = value(value, depth);
            if (normal != null) {
                out.put(clean(name, MAX_IDENTIFIER), normal);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object value(Object value, int depth) {
        if (value == null) {
            return null;
        }
        if ((value instanceof Map<?, ?> || value instanceof List<?>) && depth >= MAX_DATA_DEPTH) {
            return clean(String.valueOf(value), MAX_DATA_STRING);
        }
        if (value instanceof Map<?, ?> map) {
            return data((Map<String, ?>) map, depth + 1);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object element : list) {
                Object normal = value(element, depth + 1);
                if (normal != null) {
                    out.add(normal);
                }
            }
            return out;
        }
        if (value instanceof Boolean) {
            return value;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long number = ((Number) value).longValue();
            return number >= -MAX_SAFE_INTEGER && number <= MAX_SAFE_INTEGER ? value : Long.toString(number);
        }
        if (value instanceof Number number) {
            return number.toString();
        }
        return clean(value.toString(), MAX_DATA_STRING);
    }
}
