package io.tollgate.otp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.tollgate.crypto.testing.ManualClock;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TotpSecretTest {

    private static final TotpSecret RFC_SEED = TotpSecret.of("12345678901234567890".getBytes(StandardCharsets.US_ASCII));

    @Test
    void generateWhenCalledThen160RandomBits() {
        TotpSecret one = TotpSecret.generate(new SecureRandom());
        TotpSecret two = TotpSecret.generate(new SecureRandom());
        assertEquals(20, one.bytes().length);
        assertEquals(32, one.base32().length());
        assertFalse(java.util.Arrays.equals(one.bytes(), two.bytes()));
        assertArrayEquals(one.bytes(), Base32.decode(one.base32()));
    }

    @Test
    void otpauthUriWhenDefaultsThenKeyUriFormatWithEveryParameter() {
        assertEquals("otpauth://totp/Acme%20Bank:ana.lovelace%40example.com"
                        + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Acme%20Bank"
                        + "&algorithm=SHA1&digits=6&period=30",
                RFC_SEED.otpauthUri("Acme Bank", "ana.lovelace@example.com"));
    }

    @Test
    void otpauthUriWhenReservedOrNonAsciiCharactersThenPercentEncodedUtf8() {
        String uri = RFC_SEED.otpauthUri("Bank & Co/Zürich?", "a+b@x.com",
                new TotpSettings("HmacSHA256", 8, Duration.ofSeconds(60), 1));
        assertTrue(uri.startsWith("otpauth://totp/Bank%20%26%20Co%2FZ%C3%BCrich%3F:a%2Bb%40x.com?"), uri);
        assertTrue(uri.contains("&issuer=Bank%20%26%20Co%2FZ%C3%BCrich%3F&"), uri);
        assertTrue(uri.endsWith("&algorithm=SHA256&digits=8&period=60"), uri);
        assertEquals("-._~AZaz09", TotpSecret.percentEncode("-._~AZaz09"));
    }

    @Test
    void otpauthUriWhenColonOrBlankLabelThenRejected() {
        assertThrows(IllegalArgumentException.class, () -> RFC_SEED.otpauthUri("Acme:Bank", "ana"));
        assertThrows(IllegalArgumentException.class, () -> RFC_SEED.otpauthUri("Acme", "ana:x"));
        assertThrows(IllegalArgumentException.class, () -> RFC_SEED.otpauthUri(" ", "ana"));
        assertThrows(IllegalArgumentException.class, () -> RFC_SEED.otpauthUri("Acme", "a".repeat(129)));
    }

    @Test
    void qrCodePngBase64WhenDecodedThenContainsTheOtpauthUri() throws Exception {
        String png = RFC_SEED.qrCodePngBase64("Acme Bank", "ana.lovelace@example.com");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(png)));
        assertEquals(256, image.getWidth());
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        String decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels)))).getText();
        assertEquals(RFC_SEED.otpauthUri("Acme Bank", "ana.lovelace@example.com"), decoded);
    }

    @Test
    void bytesWhenSecretEnrolledThenVerifierAcceptsAppCode() {
        TotpSecret secret = TotpSecret.generate(new SecureRandom());
        ManualClock clock = ManualClock.at("2025-03-01T12:00:00Z");
        TotpVerifier verifier = new TotpVerifier(clock);
        byte[] asTyped = Base32.decode(secret.base32().toLowerCase());
        assertTrue(verifier.verify(secret.bytes(), verifier.codeAt(asTyped, clock.instant())).isPresent());
    }

    @Test
    void ofWhenTooShortOrTooLongThenRejected() {
        assertThrows(IllegalArgumentException.class, () -> TotpSecret.of(new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> TotpSecret.of(new byte[65]));
    }

    @Test
    void toStringWhenSecretThenHidden() {
        String text = RFC_SEED.toString();
        assertFalse(text.contains(RFC_SEED.base32().substring(0, 8)), text);
        assertFalse(text.contains("1234567890"), text);
        assertFalse(text.contains(HexFormat.of().formatHex(RFC_SEED.bytes(), 0, 4)), text);
        assertEquals("TotpSecret[160 bits, <redacted>]", text);
    }
}
