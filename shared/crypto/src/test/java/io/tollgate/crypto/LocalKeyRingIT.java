package io.tollgate.crypto;

import static io.tollgate.crypto.TestContexts.ACME_TOTP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.List;
import java.util.ArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKeyRingIT {

    @TempDir
    Path dataFolder;

    @Test
    void persistentWhenFileMissingThenCreatedOwnerOnlyWith32Bytes() throws IOException {
        LocalKeyRing ring = LocalKeyRing.persistent(dataFolder.resolve("nested"), new SecureRandom());
        Path file = dataFolder.resolve("nested").resolve(LocalKeyRing.KEY_FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(32, Files.size(file));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
        LocalKeyRingTest.assertHidden(ring.toString(), Files.readAllBytes(file));
    }

    @Test
    void persistentWhenReopenedThenUnwrapsEarlierKeys() {
        LocalKeyRing first = LocalKeyRing.persistent(dataFolder, new SecureRandom());
        DataKey key = first.generateDataKey(ACME_TOTP);
        LocalKeyRing second = LocalKeyRing.persistent(dataFolder, new SecureRandom());
        assertEquals(first.keyId(), second.keyId());
        assertArrayEquals(key.plaintext(), second.decryptDataKey(key.wrapped(), ACME_TOTP));
    }

    @Test
    void persistentWhenStartedConcurrentlyThenAllShareOneKey() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<String>> starts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                starts.add(() -> LocalKeyRing.persistent(dataFolder, new SecureRandom()).keyId());
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> id : pool.invokeAll(starts)) {
                ids.add(id.get());
            }
            assertEquals(1, ids.stream().distinct().count(), ids.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void persistentWhenFileReadableByOthersThenRefused() throws IOException {
        LocalKeyRing.persistent(dataFolder, new SecureRandom());
        Path file = dataFolder.resolve(LocalKeyRing.KEY_FILE_NAME);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LocalKeyRing.persistent(dataFolder, new SecureRandom()));
        assertEquals(true, e.getMessage().contains("rw-r--r--"), e.getMessage());
    }

    @Test
    void persistentWhenFileHasWrongLengthThenRefused() throws IOException {
        Path file = dataFolder.resolve(LocalKeyRing.KEY_FILE_NAME);
        Files.write(file, new byte[16]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThrows(IllegalStateException.class, () -> LocalKeyRing.persistent(dataFolder, new SecureRandom()));
    }
}
