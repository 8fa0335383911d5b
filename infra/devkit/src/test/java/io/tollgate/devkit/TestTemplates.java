package io.tollgate.devkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The devkit's test template ({@code src/test/resources/sam/template.yaml}), read from the class path. */
final class TestTemplates {

    private TestTemplates() {
    }

    static String yaml() {
        try (InputStream in = TestTemplates.class.getResourceAsStream("/sam/template.yaml")) {
            if (in == null) {
                throw new IllegalStateException("/sam/template.yaml is not on the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SamTemplate template() {
        return SamTemplate.parse(yaml(), "sam/template.yaml");
    }
}
