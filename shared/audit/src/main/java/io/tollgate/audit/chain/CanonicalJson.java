package io.tollgate.audit.chain;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one byte representation of a JSON value that the audit chain hashes and the digests sign:
 * a subset of RFC 8785 (JSON Canonicalization Scheme) that is exactly JCS for the values it accepts.
 *
 * <ul>
 *   <li>no whitespace between tokens;</li>
 *   <li>object members sorted by their names compared as arrays of UTF-16 code units (RFC 8785
 *       §3.2.3); duplicate names cannot occur (the shared mapper refuses them on input);</li>
 *   <li>strings: {@code "} and {@code \} escaped with a backslash, U+0008, U+0009, U+000A,
 *       U+000C, U+000D as {@code \b \t \n \f \r}, other code points below U+0020 as
 *       {@code \}{@code u00xx} (lower-case hex), everything else literal (RFC 8785 §3.2.2.2);</li>
 *   <li>numbers: integers only, in the range ±(2<sup>53</sup>−1), written in plain decimal (the
 *       ECMAScript form of such integers). Fractions and exponents are refused: JCS would format
 *       them through IEEE-754 doubles, and audit data has no use for them that a string cannot serve;</li>
 *   <li>{@code true}, {@code false}, {@code null} literal; the output is UTF-8, and strings with an
 *       unpaired surrogate are refused (they have no UTF-8 form, RFC 8785 §3.2.2.2).</li>
 * </ul>
 */
public final class CanonicalJson {

    /** The largest integer magnitude accepted: 2<sup>53</sup> − 1 (exact in every JSON implementation). */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private CanonicalJson() {
    }

    /** The canonical UTF-8 bytes of {@code value}. */
    public static byte[] bytes(JsonNode value) {
        return text(value).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The canonical text of {@code value}.
     *
     * @throws IllegalArgumentException if it holds a number that is not a safe integer, or a
     *                                  binary or POJO node
     */
    public static String text(JsonNode value) {
        StringBuilder out = new StringBuilder(256);
        write(value, out);
        return out.toString();
    }

    private static void write(JsonNode value, StringBuilder out) {
        switch (value.getNodeType()) {
            case OBJECT -> {
                List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    members.add(it.next());
                }
                // String.compareTo compares UTF-16 code units, as RFC 8785 requires.
                members.sort(Map.Entry.comparingByKey());
                out.append('{');
                for (int i = 0; i < members.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(members.get(i).getKey(), out);
                    out.append(':');
                    write(members.get(i).getValue(), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < value.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    write(value.get(i), out);
                }
                out.append(']');
            }
            case STRING -> string(value.textValue(), out);
            case NUMBER -> {
                if (!value.isIntegralNumber() || !value.canConvertToLong()
                        || Math.abs(value.longValue()) > MAX_SAFE_INTEGER) {
                    throw new IllegalArgumentException("Only integers within +/-(2^53-1) are allowed in canonical JSON");
                }
                out.append(value.longValue());
            }
            case BOOLEAN -> out.append(value.booleanValue() ? "true" : "false");
            case NULL -> out.append("null");
            default -> throw new IllegalArgumentException("Not a JSON value: " + value.getNodeType());
        }
    }

    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw new IllegalArgumentException("Strings in canonical JSON must be valid Unicode (lone surrogate)");
                    } else if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
