package io.tollgate.otp;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * A TOTP shared secret and how it is handed to an authenticator app at enrollment: the
 * Key URI Format ({@code otpauth://totp/...}) and that URI as a QR code PNG.
 *
 * <p>Secrets are 160 random bits, the HMAC-SHA-1 block-appropriate length recommended by
 * RFC 4226 §4 (R6). They are stored only envelope-encrypted (docs/contract.md §Encryption and storage). {@link #toString()}
 * never shows the secret.
 */
public final class TotpSecret {

    /** Length of generated secrets, in bytes (160 bits). */
    public static final int SECRET_BYTES = 20;
    private static final int MAX_LABEL_LENGTH = 128;
    private static final int QR_SIZE_PIXELS = 256;

    private final byte[] secret;

    private TotpSecret(byte[] secret) {
        this.secret = secret;
    }

    /** A new random 160-bit secret. */
    public static TotpSecret generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return new TotpSecret(bytes);
    }

    /** Wraps stored secret bytes (after decryption), copied; at least 128 bits (RFC 4226 R6). */
    public static TotpSecret of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < 16 || bytes.length > 64) {
            throw new IllegalArgumentException("A TOTP secret must be 16 to 64 bytes");
        }
        return new TotpSecret(bytes.clone());
    }

    /** A copy of the raw secret, for the verifier and for encryption. */
    public byte[] bytes() {
        return secret.clone();
    }

    /** The secret in unpadded RFC 4648 Base32: what a user types when they cannot scan the QR code. */
    public String base32() {
        return Base32.encode(secret);
    }

    /**
     * The Key URI Format URI:
     * {@code otpauth://totp/{issuer}:{account}?secret=..&issuer=..&algorithm=SHA1&digits=6&period=30},
     * with issuer and account percent-encoded (RFC 3986 §2.1, UTF-8, every byte outside the
     * unreserved set, so a space is {@code %20}, never {@code +}).
     *
     * @param issuer  who the account is at, e.g. the tenant's display name; no colon
     * @param account the user's login, usually the e-mail address; no colon
     */
    public String otpauthUri(String issuer, String account, TotpSettings settings) {
        requireLabel(issuer, "issuer");
        requireLabel(account, "account");
        Objects.requireNonNull(settings, "settings");
        String encodedIssuer = percentEncode(issuer);
        return "otpauth://totp/" + encodedIssuer + ":" + percentEncode(account)
                + "?secret=" + base32()
                + "&issuer=" + encodedIssuer
                + "&algorithm=" + settings.uriAlgorithm()
                + "&digits=" + settings.digits()
                + "&period=" + settings.timeStep().toSeconds();
    }

    /** {@link #otpauthUri(String, String, TotpSettings)} with {@link TotpSettings#defaults()}. */
    public String otpauthUri(String issuer, String account) {
        return otpauthUri(issuer, account, TotpSettings.defaults());
    }

    /**
     * The default-settings URI as a 256×256 black-on-white QR code PNG (error correction M, quiet
     * zone of 4 modules), Base64-encoded for a {@code data:image/png;base64,} URL. The image
     * contains the secret: send it once, over TLS, and never log it.
     */
    public String qrCodePngBase64(String issuer, String account) {
        return Base64.getEncoder().encodeToString(renderQrPng(otpauthUri(issuer, account)));
    }

    @Override
    public String toString() {
        return "TotpSecret[" + secret.length * 8 + " bits, <redacted>]";
    }

    static byte[] renderQrPng(String text) {
        BitMatrix matrix;
        try {
            matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, QR_SIZE_PIXELS, QR_SIZE_PIXELS,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M,
                            EncodeHintType.MARGIN, 4,
                            EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name()));
        } catch (WriterException e) {
            throw new IllegalArgumentException("The otpauth URI is too long for a QR code", e);
        }
        BufferedImage image = new BufferedImage(matrix.getWidth(), matrix.getHeight(), BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < matrix.getHeight(); y++) {
            for (int x = 0; x < matrix.getWidth(); x++) {
                image.setRGB(x, y, matrix.get(x, y) ? 0xFF000000 : 0xFFFFFFFF);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", png)) {
                throw new IllegalStateException("No PNG writer in this JVM");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the QR code PNG", e);
        }
        return png.toByteArray();
    }

    private static void requireLabel(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank() || value.length() > MAX_LABEL_LENGTH) {
            throw new IllegalArgumentException("The otpauth " + name + " must be 1 to " + MAX_LABEL_LENGTH + " characters");
        }
        if (value.indexOf(':') >= 0) {
            throw new IllegalArgumentException("The otpauth " + name + " must not contain a colon");
        }
    }

    /** Percent-encodes every UTF-8 byte outside RFC 3986 unreserved characters. */
    static String percentEncode(String value) {
        StringBuilder out = new StringBuilder(value.length() * 3);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >>> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
