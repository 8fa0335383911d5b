package io.tollgate.audit.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The local runtime's stand-in for the KMS signing key: an EC P-256 key pair, in memory or in the
 * file {@value #KEY_FILE_NAME} of the data folder (two Base64 lines, PKCS#8 private key then X.509
 * public key), created owner read/write only and atomically like the local master key
 * (ADR 0010); a file readable by group or others is refused. Never used in AWS.
 */
public final class LocalDigestSigner implements DigestSigner {

    public static final String KEY_FILE_NAME = "audit-digest-signing.key";

    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;
    private final SecureRandom random;

    private LocalDigestSigner(PrivateKey privateKey, PublicKey publicKey, SecureRandom random) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.random = random;
        try {
            this.keyId = "local:" + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    /** A signer with a fresh key pair that lives as long as this object. */
    public static LocalDigestSigner inMemory(SecureRandom random) {
        KeyPair pair = generate(random);
        return new LocalDigestSigner(pair.getPrivate(), pair.getPublic(), random);
    }

    /** Loads the key pair from {@code dataFolder}, creating it (owner-only, atomically) if missing. */
    public static LocalDigestSigner persistent(Path dataFolder, SecureRandom random) {
        Objects.requireNonNull(dataFolder, "dataFolder");
        Path file = dataFolder.resolve(KEY_FILE_NAME);
        try {
            Files.createDirectories(dataFolder);
            if (!Files.exists(file)) {
                create(file, random);
            }
            return read(file, random);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load or create the local digest signing key " + file, e);
        }
    }

    private static void create(Path file, SecureRandom random) throws IOException {
        KeyPair pair = generate(random);
        String text = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n"
                + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n";
        boolean posix = isPosix(file);
        Path temp = posix
                ? Files.createTempFile(file.getParent(), KEY_FILE_NAME, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(file.getParent(), KEY_FILE_NAME, ".tmp");
        try {
            Files.writeString(temp, text, StandardCharsets.US_ASCII);
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                // Another process created it first: use theirs.
            } catch (UnsupportedOperationException e) {
                Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static LocalDigestSigner read(Path file, SecureRandom random) throws IOException {
        if (isPosix(file)) {
            Set<PosixFilePermission> permissions = Files.getFileAttributeView(file, PosixFileAttributeView.class)
                    .readAttributes().permissions();
            if (!OWNER_ONLY.containsAll(permissions)) {
                throw new IllegalStateException("The local digest signing key file " + file
                        + " must be accessible by its owner only (rw-------), found "
                        + PosixFilePermissions.toString(permissions));
            }
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        if (lines.size() != 2) {
            throw new IllegalStateException("The local digest signing key file " + file + " is malformed");
        }
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            return new LocalDigestSigner(
                    factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(lines.get(0)))),
                    factory.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(lines.get(1)))), random);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("The local digest signing key file " + file + " is malformed", e);
        }
    }

    private static KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is unavailable", e);
        }
    }

    private static boolean isPosix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    @Override
    public String keyId() {
        return keyId;
    }

    @Override
    public byte[] sign(byte[] message) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(privateKey, random);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA signing failed", e);
        }
    }

    @Override
    public boolean verify(byte[] message, byte[] signatureBytes, String keyId) {
        if (!this.keyId.equals(keyId)) {
            return false;
        }
        return EcdsaVerification.verify(publicKey, message, signatureBytes);
    }

    @Override
    public String toString() {
        return "LocalDigestSigner[keyId=" + keyId + ", privateKey=<redacted>]";
    }

    /** ECDSA P-256 / SHA-256 verification of a DER signature; malformed signatures are simply invalid. */
    static final class EcdsaVerification {
        private EcdsaVerification() {
        }

        static boolean verify(PublicKey key, byte[] message, byte[] signatureBytes) {
            try {
                Signature signature = Signature.getInstance("SHA256withECDSA");
                signature.initVerify(key);
                signature.update(message);
                return signature.verify(signatureBytes);
            } catch (SignatureException e) {
                return false;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("ECDSA verification is unavailable", e);
            }
        }
    }
}
