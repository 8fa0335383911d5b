package io.tollgate.authz.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JOSE header or JWT claims set (RFC 7515 §4, RFC 7519 §4) into plain Java values:
 * {@code Map<String,Object>}, {@code List<Object>}, {@code String}, {@code Long} (integers that
 * fit), {@code Number} (any other number), {@code Boolean} and {@link #NULL}.
 *
 * <p>Stricter than a general JSON reader because RFC 7515 §5.2 step 4 requires rejecting
 * duplicate member names (and a parser that keeps the first or the last one is a classic
 * confused-deputy gap between two validators): duplicates are detected at every depth and
 * reported as {@link Failure#DUPLICATE_KEY}; the root must be an object; nothing may follow it;
 * nesting is limited. A separate factory (not {@code io.tollgate.json.Json}) because duplicates
 * must be told apart from other syntax errors, which the shared mapper cannot do.
 */
public final class JoseJson {

    /** Why a document was refused. */
    public enum Failure {
        MALFORMED, DUPLICATE_KEY
    }

    /** Thrown for any refusal; carries no stack trace (it is an expected, attacker-driven outcome). */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Failure failure;

        RefusedException(Failure failure, Throwable cause) {
            super(failure.name(), cause, false, false);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    /** The JSON {@code null} literal (kept distinct from an absent member). */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private static final int MAX_DEPTH = 16;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(64).maxStringLength(16 * 1024).build())
            .build();

    private JoseJson() {
    }

    /** Parses UTF-8 JSON whose root must be an object. */
    public static Map<String, Object> parseObject(byte[] utf8) throws RefusedException {
        try (JsonParser parser = FACTORY.createParser(utf8)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new RefusedException(Failure.MALFORMED, null);
            }
            Map<String, Object> root = readObject(parser);
            if (parser.nextToken() != null) {
                throw new RefusedException(Failure.MALFORMED, null);
            }
            return root;
        } catch (StreamReadException e) {
            throw new RefusedException(Failure.MALFORMED, e);
        } catch (IOException e) {
            // Parsing a byte array performs no I/O; any IOException here is a syntax problem.
            throw new RefusedException(Failure.MALFORMED, e);
        }
    }

    private static Map<String, Object> readObject(JsonParser parser) throws IOException, RefusedException {
        Map<String, Object> members = new HashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            Object value = readValue(parser, parser.nextToken());
            if (members.putIfAbsent(name, value) != null) {
                throw new RefusedException(Failure.DUPLICATE_KEY, null);
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new RefusedException(Failure.MALFORMED, null);
        }
        return members;
    }

    private static Object readValue(JsonParser parser, JsonToken token) throws IOException, RefusedException {
        if (token == null) {
            throw new RefusedException(Failure.MALFORMED, null);
        }
        return switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.INT
                    || parser.getNumberType() == JsonParser.NumberType.LONG
                    ? (Object) parser.getLongValue() : parser.getNumberValue();
            case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> NULL;
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> readArray(parser);
            default -> throw new RefusedException(Failure.MALFORMED, null);
        };
    }

    private static List<Object> readArray(JsonParser parser) throws IOException, RefusedException {
        List<Object> items = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            items.add(readValue(parser, token));
        }
        return items;
    }
}
