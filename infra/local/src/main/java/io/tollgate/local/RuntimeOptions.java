package io.tollgate.local;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Command-line options of {@code ./tollgate local}.
 *
 * @param port     HTTP port on 127.0.0.1 (default 3000; 0 picks a free one)
 * @param data     folder that keeps DynamoDB data and local keys across restarts; in memory when empty
 * @param seed     JSON file of tenants, organisations and users to create at start
 * @param template the SAM template to serve (default: template.yaml found from the working folder)
 */
public record RuntimeOptions(int port, Optional<Path> data, Optional<Path> seed, Optional<Path> template) {

    static final String USAGE = """
            usage: ./tollgate local [--port N] [--data DIR] [--seed FILE] [--template FILE]
              --port N        port on 127.0.0.1 (default 3000, 0 = any free port)
              --data DIR      keep DynamoDB data and local keys in DIR (default: in memory)
              --seed FILE     create the tenants, organisations and users in FILE (see docs/guide.md)
              --template FILE serve this SAM template (default: ./template.yaml)""";

    public static RuntimeOptions parse(String... args) {
        int port = 3000;
        Optional<Path> data = Optional.empty();
        Optional<Path> seed = Optional.empty();
        Optional<Path> template = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port" -> port = parsePort(value(args, ++i, arg));
                case "--data" -> data = Optional.of(Path.of(value(args, ++i, arg)));
                case "--seed" -> seed = Optional.of(Path.of(value(args, ++i, arg)));
                case "--template" -> template = Optional.of(Path.of(value(args, ++i, arg)));
                default -> throw new IllegalArgumentException("Unknown option " + arg + "\n" + USAGE);
            }
        }
        return new RuntimeOptions(port, data, seed, template);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }
        return args[index];
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--port must be 0..65535");
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a number", e);
        }
    }
}
