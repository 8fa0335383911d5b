package io.tollgate.settings;

import static io.tollgate.settings.SecuritySettings.require;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The purposes a tenant asks its users to consent to (GDPR Art. 6(1)(a) and Art. 7; ADR 0068): the
 * {@code consent} section of {@link SecuritySettings}. Each purpose has a stable id (e.g.
 * {@code analytics}), the text shown to the user, and a version: consent is to one version of the
 * text, so when the text changes the version goes up and earlier consent no longer counts as
 * consent to the current text. A stored tenant without the section has no purposes.
 */
public record ConsentSettings(List<Purpose> purposes) {

    /** At most this many purposes per tenant: the consent list is one page for the user. */
    public static final int MAX_PURPOSES = 20;

    public ConsentSettings {
        require(purposes != null && purposes.size() <= MAX_PURPOSES, "consent.purposes must list 0..20 purposes");
        purposes = List.copyOf(purposes);
        Set<String> ids = new HashSet<>();
        for (Purpose purpose : purposes) {
            require(purpose != null, "consent.purposes must not contain null");
            require(ids.add(purpose.id()), "consent.purposes must not repeat an id");
        }
    }

    /** No purposes. */
    public static ConsentSettings defaults() {
        return new ConsentSettings(List.of());
    }

    /** The purpose with this id, if the tenant declares it. */
    public Optional<Purpose> purpose(String id) {
        return purposes.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    /**
     * These purposes as they are stored after {@code previous}: the version of a purpose whose
     * description is unchanged stays what it was; a changed description gets the previous version
     * plus one; a purpose new to the tenant keeps the version it was given. A version never goes
     * down, so consent recorded against an older text never matches a newer one.
     */
    public ConsentSettings versionedAfter(ConsentSettings previous) {
        Map<String, Purpose> before = previous.purposes().stream()
                .collect(Collectors.toMap(Purpose::id, Function.identity()));
        return new ConsentSettings(purposes.stream().map(p -> {
            Purpose old = before.get(p.id());
            if (old == null) {
                return p;
            }
            int version = old.description().equals(p.description()) ? old.version()
                    : Math.max(old.version() + 1, p.version());
            return new Purpose(p.id(), p.description(), version);
        }).toList());
    }

    /**
     * One purpose of processing: {@code id} is lower-case letters, digits, {@code _} and {@code -}
     * (1..64, it is a path segment and a key part), {@code description} the text the user agrees
     * to (1..1000 characters), {@code version} 1 or more.
     */
    public record Purpose(String id, String description, int version) {
        public Purpose {
            require(id != null && id.matches("[a-z][a-z0-9_-]{0,63}"),
                    "consent.purposes id must be 1..64 of a-z, 0-9, _ and -, starting with a letter");
            require(description != null && !description.isBlank() && description.length() <= 1000,
                    "consent.purposes description must be 1..1000 characters");
            require(version >= 1 && version <= 1_000_000, "consent.purposes version must be 1..1000000");
        }
    }
}
