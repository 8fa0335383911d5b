package io.tollgate.administration;

import io.tollgate.http.ErrorCode;
import io.tollgate.http.ProblemException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code ?limit=&cursor=} of a listing: {@code limit} 1..{@value #MAX_LIMIT} (default
 * {@value #DEFAULT_LIMIT}); {@code cursor} the opaque value a previous page returned. A cursor is
 * the base64url of the last item's sort key; it is only ever combined with the caller's own tenant
 * partition, so a forged cursor can at most move within what the caller may list anyway.
 */
public record PageRequest(int limit, Optional<String> after) {

    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_LIMIT = 50;
    private static final Set<String> PARAMETERS = Set.of("limit", "cursor");
    private static final Pattern LIMIT = Pattern.compile("[0-9]{1,3}");
    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_-]{1,700}");

    public PageRequest {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
        }
    }

    /** The first page of {@link #DEFAULT_LIMIT} items. */
    public static PageRequest first() {
        return new PageRequest(DEFAULT_LIMIT, Optional.empty());
    }

    /** Parses the query string parameters; 400 naming the parameter on anything unexpected. */
    public static PageRequest fromQuery(Map<String, String> query) {
        if (query == null || query.isEmpty()) {
            return first();
        }
        for (String name : query.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw invalid(name, "unknown_parameter", "This query parameter is not accepted.");
            }
        }
        int limit = DEFAULT_LIMIT;
        String rawLimit = query.get("limit");
        if (rawLimit != null) {
            if (!LIMIT.matcher(rawLimit).matches() || Integer.parseInt(rawLimit) < 1
                    || Integer.parseInt(rawLimit) > MAX_LIMIT) {
                throw invalid("limit", "out_of_range", "limit must be an integer 1.." + MAX_LIMIT + ".");
            }
            limit = Integer.parseInt(rawLimit);
        }
        Optional<String> after = Optional.empty();
        String cursor = query.get("cursor");
        if (cursor != null) {
            after = Optional.of(decode(cursor));
        }
        return new PageRequest(limit, after);
    }

    /** The cursor of a page that ends with sort key {@code sortKey}. */
    static String encode(String sortKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        if (!CURSOR.matcher(cursor).matches()) {
            throw invalidCursor();
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(cursor);
            String sortKey = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            if (sortKey.isEmpty() || sortKey.chars().anyMatch(Character::isISOControl)) {
                throw invalidCursor();
            }
            return sortKey;
        } catch (IllegalArgumentException | CharacterCodingException e) {
            throw invalidCursor();
        }
    }

    static ProblemException invalidCursor() {
        return invalid("cursor", "invalid_cursor", "Use the next_cursor value of a previous page.");
    }

    private static ProblemException invalid(String field, String code, String message) {
        return ProblemException.invalid(ErrorCode.VALIDATION_FAILED, "A query parameter is invalid.",
                List.of(new ProblemException.FieldError(field, code, message)));
    }
}
