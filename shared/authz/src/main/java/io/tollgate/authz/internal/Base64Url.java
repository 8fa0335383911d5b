package io.tollgate.authz.internal;

import java.util.Arrays;

/**
 * A strict base64url decoder (RFC 4648 §5 without padding, as JWS requires in RFC 7515 §2):
 * only the 64 URL-safe characters, no padding, no whitespace, no impossible length, and the unused
 * low bits of the last character must be zero, so every byte string has exactly one accepted
 * encoding (no signature or claim malleability through alternative encodings).
 */
public final class Base64Url {

    private static final byte[] VALUES = new byte[128];

    static {
        Arrays.fill(VALUES, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = (byte) i;
        }
    }

    private Base64Url() {
    }

    /**
     * Decodes {@code text[from, to)}.
     *
     * @return the bytes, or {@code null} when the range is not canonical unpadded base64url
     */
    public static byte[] decode(CharSequence text, int from, int to) {
        int length = to - from;
        int tail = length % 4;
        if (tail == 1) {
            return null;
        }
        byte[] out = new byte[length / 4 * 3 + (tail == 0 ? 0 : tail - 1)];
        int o = 0;
        int i = from;
        int full = to - tail;
        while (i < full) {
            int a = value(text.charAt(i));
            int b = value(text.charAt(i + 1));
            int c = value(text.charAt(i + 2));
            int d = value(text.charAt(i + 3));
            if ((a | b | c | d) < 0) {
                return null;
            }
            int bits = a << 18 | b << 12 | c << 6 | d;
            out[o++] = (byte) (bits >> 16);
            out[o++] = (byte) (bits >> 8);
            out[o++] = (byte) bits;
            i += 4;
        }
        if (tail == 2) {
            int a = value(text.charAt(i));
            int b = value(text.charAt(i + 1));
            if (a < 0 || b < 0 || (b & 0x0F) != 0) {
                return null;
            }
            out[o] = (byte) (a << 2 | b >> 4);
        } else if (tail == 3) {
            int a = value(text.charAt(i));
            int b = value(text.charAt(i + 1));
            int c = value(text.charAt(i + 2));
            if (a < 0 || b < 0 || c < 0 || (c & 0x03) != 0) {
                return null;
            }
            out[o++] = (byte) (a << 2 | b >> 4);
            out[o] = (byte) (b << 4 | c >> 2);
        }
        return out;
    }

    /** The 6-bit value of {@code c}, or -1 for any character outside the alphabet. */
    private static int value(char c) {
        return c < 128 ? VALUES[c] : -1;
    }
}
