package io.tollgate.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;

/**
 * The local runtime's stand-in for KMS (docs/contract.md §Encryption and storage): a 256-bit master key, in memory or in the
 * file {@value #KEY_FILE_NAME} of a data folder, that wraps data keys with AES-256-GCM.
 *
 * <p>Wrapped key format: {@code version(1)=1 | nonce(12) | AES-256-GCM(dataKey) + tag(16)}, 61
 * bytes, with additional authenticated data {@code "tollgate-local-wrap-v1" | context canonical
 * bytes}: like KMS, a wrapped key only unwraps for the context it was generated for.
 *
 * <p>The key file holds the raw 32 bytes, is created owner read/write only ({@code rw-------})
 * and atomically (written to a temporary file, then hard-linked into place, so a concurrent
 * start never sees a half-written key and never overwrites an existing one). An existing file
 * that group or others can access is refused. Never used in AWS.
 */
public final class LocalKeyRing implements DataKeyProvider {

    /** Name of the master key file inside the data folder. */
    public static final String KEY_FILE_NAME = "local-master.key";

    private static final byte VERSION = 1;
    private static final byte[] WRAP_LABEL = "tollgate-local-wrap-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int WRAPPED_BYTES = 1 + AesGcm.NONCE_BYTES + DataKey.KEY_BYTES + AesGcm.TAG_BYTES;
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final byte[] masterKey;
    private final String keyId;
    private final SecureRandom random;

    private LocalKeyRing(byte[] masterKey, SecureRandom random) {
        this.masterKey = masterKey;
        this.random = random;
        this.keyId = "local:" + fingerprint(masterKey);
    }

    /** A key ring with a fresh master key that lives as long as this object. */
    public static LocalKeyRing inMemory(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] key = new byte[DataKey.KEY_BYTES];
        random.nextBytes(key);
        return new LocalKeyRing(key, random);
    }

    /**
     * Loads the master key from {@code dataFolder/}{@value #KEY_FILE_NAME}, creating the folder
     * and the file (owner-only, atomically) if missing.
     *
     * @throws IllegalStateException if the file exists with the wrong size or is readable by
     *                               group or others
     * @throws UncheckedIOException  if the file cannot be read or created
     */
    public static LocalKeyRing persistent(Path dataFolder, SecureRandom random) {
        Objects.requireNonNull(dataFolder, "dataFolder");
        Objects.requireNonNull(random, "random");
        Path file = dataFolder.resolve(KEY_FILE_NAME);
        try {
            Files.createDirectories(dataFolder);
            if (!Files.exists(file)) {
                createKeyFile(file, random);
            }
            return new LocalKeyRing(readKeyFile(file), random);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load or create the local master key file " + file, e);
        }
    }

    private static void createKeyFile(Path file, SecureRandom random) throws IOException {
        byte[] key = new byte[DataKey.KEY_BYTES];
        random.nextBytes(key);
        boolean posix = isPosix(file);
        Path temp = posix
                ? Files.createTempFile(file.getParent(), KEY_FILE_NAME, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(file.getParent(), KEY_FILE_NAME, ".tmp");
        try {
            Files.write(temp, key);
            try {
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                // Another process created it first: use theirs.
            } catch (UnsupportedOperationException e) {
                Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Arrays.fill(key, (byte) 0);
            Files.deleteIfExists(temp);
        }
    }

    private static byte[] readKeyFile(Path file) throws IOException {
        if (isPosix(file)) {
            Set<PosixFilePermission> permissions = Files.getFileAttributeView(file, PosixFileAttributeView.class)
                    .readAttributes().permissions();
            if (!OWNER_ONLY.containsAll(permissions)) {
                throw new IllegalStateException("The local master key file " + file + " must be accessible by its owner only"
                        + " (rw-------), found " + PosixFilePermissions.toString(permissions));
            }
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length != DataKey.KEY_BYTES) {
            throw new IllegalStateException("The local master key file " + file + " must hold exactly "
                    + DataKey.KEY_BYTES + " bytes");
        }
        return key;
    }

    private static boolean isPosix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    @Override
    public DataKey generateDataKey(EncryptionContext context) {
        Objects.requireNonNull(context, "context");
        byte[] dataKey = new byte[DataKey.KEY_BYTES];
        random.nextBytes(dataKey);
        byte[] nonce = new byte[AesGcm.NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = AesGcm.seal(masterKey, nonce, aad(context), dataKey);
        byte[] wrapped = ByteBuffer.allocate(WRAPPED_BYTES).put(VERSION).put(nonce).put(sealed).array();
        try {
            return new DataKey(dataKey, wrapped, keyId);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    @Override
    public byte[] decryptDataKey(byte[] wrapped, EncryptionContext context) {
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(context, "context");
        if (wrapped.length != WRAPPED_BYTES || wrapped[0] != VERSION) {
            throw new CiphertextIntegrityException("Wrapped data key is malformed or not from a local key ring");
        }
        byte[] nonce = Arrays.copyOfRange(wrapped, 1, 1 + AesGcm.NONCE_BYTES);
        byte[] sealed = Arrays.copyOfRange(wrapped, 1 + AesGcm.NONCE_BYTES, wrapped.length);
        return AesGcm.open(masterKey, nonce, aad(context), sealed, "Wrapped data key");
    }

    /** {@code local:} and the first 16 hex digits of the master key's SHA-256; not secret. */
    public String keyId() {
        return keyId;
    }

    @Override
    public String toString() {
        return "LocalKeyRing[keyId=" + keyId + ", masterKey=<redacted>]";
    }

    private static byte[] aad(EncryptionContext context) {
        byte[] canonical = context.canonicalBytes();
        return ByteBuffer.allocate(WRAP_LABEL.length + canonical.length).put(WRAP_LABEL).put(canonical).array();
    }

    private static String fingerprint(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
