package io.tollgate.local;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Tools outside the JVM that some tests run (cfn-lint, the SAM translator, make, moto): whether a command
 * works here, and what a test does without it. It is skipped with the install command, except under
 * {@code CI=true}, where it fails: CI must never pass without the checks these tools make.
 */
final class ExternalTools {

    private ExternalTools() {
    }

    /** Whether {@code command} runs and exits 0 within a minute. */
    static boolean succeeds(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The first Python 3 on PATH that imports {@code modules}, or a skip (a failure under CI). */
    static String pythonWith(String modules, String what, String install) {
        for (String python : List.of("python3.11", "python3")) {
            if (succeeds(List.of(python, "-c", "import " + modules))) {
                return python;
            }
        }
        unavailable(what, install);
        throw new AssertionError("unreachable");
    }

    /** Skips the calling test, or fails it under {@code CI=true}. */
    static void unavailable(String what, String install) {
        String message = "this test needs " + what + "; install with: " + install;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " (CI=true: it may not be skipped)");
        }
        System.err.println(message + " - skipped");
        Assumptions.abort(message);
    }
}
