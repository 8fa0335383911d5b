package io.tollgate.token;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The local runtime's stand-in for the Secrets Manager key set: generated on first start and,
 * with a data folder, kept in {@code signing-keys.json} created owner-read/write only so a
 * restart keeps issued tokens valid. Never used in AWS.
 */
public final class LocalSigningKeyStore implements SigningKeyStore {

    private final SigningKeySet keys;

    private LocalSigningKeyStore(SigningKeySet keys) {
        this.keys = keys;
    }

    /** A fresh in-memory key set. */
    public static LocalSigningKeyStore inMemory(Clock clock, SecureRandom random) {
        return new LocalSigningKeyStore(new SigningKeySet(List.of(
                SigningKeySetCodec.generateRsa(2048, SigningKey.Status.CURRENT, clock.instant(), random))));
    }

    /** Loads {@code file}, or generates and writes it (mode 600) if it does not exist. */
    public static LocalSigningKeyStore persistent(Path file, Clock clock, SecureRandom random) {
        try {
            if (Files.exists(file)) {
                return new LocalSigningKeyStore(
                        SigningKeySetCodec.decode(Files.readString(file, StandardCharsets.UTF_8), true));
            }
            LocalSigningKeyStore store = inMemory(clock, random);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            Optional<java.nio.file.attribute.FileAttribute<?>> ownerOnly = ownerOnly(file);
            if (ownerOnly.isPresent()) {
                Files.createFile(temp, ownerOnly.get());
            } else {
                Files.createFile(temp);
            }
            Files.writeString(temp, SigningKeySetCodec.encode(store.keys), StandardCharsets.UTF_8);
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load or create the local signing key file " + file, e);
        }
    }

    private static Optional<java.nio.file.attribute.FileAttribute<?>> ownerOnly(Path file) {
        if (!file.toAbsolutePath().getRoot().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return Optional.empty();
        }
        return Optional.of(PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    @Override
    public SigningKeySet signingKeys() {
        return keys;
    }
}
