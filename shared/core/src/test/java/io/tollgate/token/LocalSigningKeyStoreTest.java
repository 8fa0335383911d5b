package io.tollgate.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tollgate.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSigningKeyStoreTest {

    @Test
    void persistentWhenReopenedThenSameKeyAndFileIsOwnerOnly(@TempDir Path dir) throws Exception {
        TestClock clock = TestClock.at("2026-01-01T00:00:00Z");
        Path file = dir.resolve("keys/signing-keys.json");
        var first = LocalSigningKeyStore.persistent(file, clock, new SecureRandom());
        var second = LocalSigningKeyStore.persistent(file, clock, new SecureRandom());
        assertEquals(first.signingKeys().current().kid(), second.signingKeys().current().kid());
        assertEquals(first.signingKeys().current().publicKey(), second.signingKeys().current().publicKey());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
