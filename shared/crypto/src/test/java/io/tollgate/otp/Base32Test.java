package io.tollgate.otp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class Base32Test {

    /** RFC 4648 §10 test vectors (the padded form is what the RFC lists). */
    @ParameterizedTest
    @CsvSource(value = {
            "'',''",
            "f,MY======",
            "fo,MZXQ====",
            "foo,MZXW6===",
            "foob,MZXW6YQ=",
            "fooba,MZXW6YTB",
            "foobar,MZXW6YTBOI======"})
    void encodeWhenRfc4648VectorsThenUnpaddedFormAndDecodeAcceptsBoth(String plain, String padded) {
        byte[] bytes = plain.getBytes(StandardCharsets.US_ASCII);
        String unpadded = padded.replace("=", "");
        assertEquals(unpadded, Base32.encode(bytes));
        assertArrayEquals(bytes, Base32.decode(padded));
        assertArrayEquals(bytes, Base32.decode(unpadded));
    }

    @Test
    void decodeWhenLowerCaseAndSpacesThenTolerated() {
        assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Base32.decode("mzxw 6ytb oi== ===="));
        assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Base32.decode("MzXw6YtBoI"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"MZXW6YT1", "MZXW6YT8", "MZXW-6YTB", "MZXW6YTB\n", "MZ=XW6YTB", "MZXW6YTBÖ",
            "M", "MZX", "MZXW6Y", "MZXW6YTBO", "MB", "MZXW6YTBOJ"})
    void decodeWhenInvalidCharacterPaddingLengthOrTrailingBitsThenRejected(String input) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Base32.decode(input));
        assertFalse(e.getMessage().contains(input.trim()), "the message does not echo the input");
    }

    @Test
    void decodeWhenEncodedRandomBytesThenRoundTrips() {
        Random random = new Random(7);
        for (int length = 0; length < 70; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            String encoded = Base32.encode(bytes);
            assertEquals((length * 8 + 4) / 5, encoded.length());
            assertArrayEquals(bytes, Base32.decode(encoded));
        }
    }
}
