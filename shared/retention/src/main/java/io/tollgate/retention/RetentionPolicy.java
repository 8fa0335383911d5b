package io.tollgate.retention;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tollgate.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The retention policy as code: the versioned document
 * {@code io/tollgate/retention/retention-policy.json} shipped with every function that enforces
 * it. Loading validates it: unique class ids, no event type in two classes, exactly one default
 * audit class, every default at or above its legal minimum.
 */
public record RetentionPolicy(int version, List<DataClass> classes) {

    private static final String RESOURCE = "retention-policy.json";

    public RetentionPolicy {
        classes = List.copyOf(classes);
        Set<String> ids = new HashSet<>();
        Set<String> types = new HashSet<>();
        long defaults = 0;
        for (DataClass dataClass : classes) {
            if (!ids.add(dataClass.id())) {
                throw new IllegalArgumentException("retention class " + dataClass.id() + " is declared twice");
            }
            for (String type : dataClass.eventTypes()) {
                if (!types.add(type)) {
                    throw new IllegalArgumentException("audit event type " + type + " is in two retention classes");
                }
            }
            if (dataClass.defaultClass()) {
                if (!DataClass.AUDIT.equals(dataClass.store())) {
                    throw new IllegalArgumentException("the default class " + dataClass.id() + " is not an audit class");
                }
                defaults++;
            }
        }
        if (defaults != 1) {
            throw new IllegalArgumentException("the policy needs exactly one default audit class, has " + defaults);
        }
    }

    /** The document as the JSON holds it (for the loader). */
    private record Document(@JsonProperty("version") int version, @JsonProperty("source") String source,
            @JsonProperty("classes") List<DataClass> classes) {
    }

    /** The policy bundled with the code. */
    public static RetentionPolicy bundled() {
        try (InputStream in = RetentionPolicy.class.getResourceAsStream(RESOURCE)) {
            Objects.requireNonNull(in, RESOURCE + " is not on the classpath");
            Document document = Json.mapper().readValue(in, Document.class);
            return new RetentionPolicy(document.version(), document.classes());
        } catch (IOException e) {
            throw new UncheckedIOException("the retention policy cannot be read", e);
        }
    }

    public Optional<DataClass> dataClass(String id) {
        return classes.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** The audit class of an event type: the class naming it, else the default class. */
    public DataClass classify(String eventType) {
        return classes.stream().filter(c -> DataClass.AUDIT.equals(c.store()) && c.names(eventType)).findFirst()
                .orElseGet(() -> classes.stream().filter(DataClass::defaultClass).findFirst().orElseThrow());
    }

    /** The classes of one store. */
    public List<DataClass> inStore(String store) {
        return classes.stream().filter(c -> c.store().equals(store)).toList();
    }
}
