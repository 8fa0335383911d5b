package io.tollgate.local;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code --seed} file of the local runtime (documented in docs/guide.md). Passwords are in
 * clear text here, which only the local runtime accepts; they are checked against the tenant's
 * password policy and stored as Argon2id hashes like any other.
 */
public record SeedFile(List<SeedTenant> tenants) {

    public SeedFile {
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
    }

    /** {@code role_profile}: {@code default} (seed 000's roles) when absent, or {@code simple} (seed 001's). */
    public record SeedTenant(String id, String name, @JsonProperty("role_profile") String roleProfile,
            List<SeedOrganization> organizations, List<SeedUser> users) {
        public SeedTenant {
            organizations = organizations == null ? List.of() : List.copyOf(organizations);
            users = users == null ? List.of() : List.copyOf(users);
        }
    }

    public record SeedOrganization(String id, String name) {
    }

    public record SeedUser(String username, String email, String password, List<String> roles, String org,
            @JsonProperty("totp_secret") String totpSecret) {
        public SeedUser {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }

        @Override
        public String toString() {
            return "SeedUser[username=" + username + "]";
        }
    }

    public static SeedFile read(Path file) {
        try {
            return Json.mapper().readValue(Files.readAllBytes(file), SeedFile.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Seed file " + file + " is not valid: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Seed file " + file + " cannot be read", e);
        }
    }
}
