package io.tollgate.otp;

import java.io.ByteArrayOutputStream;
import java.util.Objects;

/**
 * Base32 (RFC 4648 §6) with the upper-case alphabet {@code A-Z2-7}: the encoding of TOTP
 * secrets in {@code otpauth://} URIs and in the "enter this key" fallback of enrollment.
 *
 * <p>{@link #encode} writes no padding (as authenticator apps expect). {@link #decode} is
 * tolerant of what people and apps produce: lower case, spaces, and trailing {@code =}
 * padding; it is strict about everything else: any other character, padding in the middle,
 * a length no encoder can produce, or non-zero unused trailing bits
 * (RFC 4648 §3.5) is rejected with {@link IllegalArgumentException}.
 */
public final class Base32 {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int[] VALUES = new int[128];

    static {
        java.util.Arrays.fill(VALUES, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = i;
            VALUES[Character.toLowerCase(ALPHABET[i])] = i;
        }
    }

    private Base32() {
    }

    /** Encodes {@code data} without padding. */
    public static String encode(byte[] data) {
        Objects.requireNonNull(data, "data");
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET[(buffer >>> (bits - 5)) & 0x1F]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET[(buffer << (5 - bits)) & 0x1F]);
        }
        return out.toString();
    }

    /**
     * Decodes {@code text}, ignoring case, spaces and trailing padding.
     *
     * @throws IllegalArgumentException if the input is not canonical Base32; the message names
     *                                  the position, never the input
     */
    public static byte[] decode(CharSequence text) {
        Objects.requireNonNull(text, "text");
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        int symbols = 0;
        boolean padding = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                continue;
            }
            if (c == '=') {
                padding = true;
                continue;
            }
            int value = c < 128 ? VALUES[c] : -1;
            if (value < 0) {
                throw new IllegalArgumentException("Invalid Base32 character at index " + i);
            }
            if (padding) {
                throw new IllegalArgumentException("Base32 padding is only allowed at the end");
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            symbols++;
            if (bits >= 8) {
                out.write((buffer >>> (bits - 8)) & 0xFF);
                bits -= 8;
            }
        }
        int remainder = symbols % 8;
        if (remainder == 1 || remainder == 3 || remainder == 6) {
            throw new IllegalArgumentException("Invalid Base32 length");
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            throw new IllegalArgumentException("Base32 input has non-zero trailing bits");
        }
        return out.toByteArray();
    }
}
