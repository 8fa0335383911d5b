package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The repository explains itself: the ADR index lists every record, once, and links only to records that exist. */
class RepositoryDocsTest {

    private static final Path ADR = Path.of("../../docs/adr").toAbsolutePath().normalize();
    private static final Pattern RECORD = Pattern.compile("\\d{4}-[a-z0-9-]+\\.md");
    private static final Pattern INDEX_ROW = Pattern.compile("^\\| \\[(\\d{4})]\\((\\d{4}-[a-z0-9-]+\\.md)\\) \\| .+ \\| .+ \\|$");

    @Test
    void adrIndexWhenReadThenListsEveryRecordOnceInOrderWithItsStatus() throws IOException {
        List<String> records;
        try (Stream<Path> files = Files.list(ADR)) {
            records = files.map(file -> file.getFileName().toString())
                    .filter(name -> RECORD.matcher(name).matches())
                    .sorted()
                    .toList();
        }
        List<String> indexed = Files.readAllLines(ADR.resolve("README.md")).stream()
                .map(INDEX_ROW::matcher)
                .filter(Matcher::matches)
                .peek(row -> assertTrue(row.group(2).startsWith(row.group(1) + "-"), row.group(0)))
                .map(row -> row.group(2))
                .toList();

        assertEquals(records, indexed, "docs/adr/README.md must list every ADR, in number order");
    }
}
