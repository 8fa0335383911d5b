package io.tollgate.devkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A small Secrets Manager that speaks the AWS JSON 1.1 protocol on loopback, so the production
 * adapters (the real SDK v2 {@code SecretsManagerClient}) run unchanged in tests and in
 * {@code ./tollgate local}. It implements what Tollgate uses: {@code CreateSecret},
 * {@code DescribeSecret}, {@code GetSecretValue}, {@code PutSecretValue},
 * {@code UpdateSecretVersionStage} and {@code RotateSecret} with the version-stage rules of the
 * real service ({@code AWSCURRENT}, {@code AWSPREVIOUS}, {@code AWSPENDING}); {@code RotateSecret}
 * only opens the pending version — the caller then runs the rotation function's four steps, as
 * Secrets Manager invokes the rotation Lambda. With a state file, secrets survive a restart; the file is
 * created owner-read/write only. Never deployed.
 */
public final class SecretsManagerLocalServer extends AwsJsonProtocolServer {

    private static final String CURRENT = "AWSCURRENT";
    private static final String PREVIOUS = "AWSPREVIOUS";
    private static final String PENDING = "AWSPENDING";

    private final Optional<Path> stateFile;
    private final Map<String, Secret> secrets = new LinkedHashMap<>();

    private static final class Secret {
        String name;
        boolean rotationEnabled;
        final Map<String, Version> versions = new LinkedHashMap<>();
    }

    private static final class Version {
        String value;
        final List<String> stages = new ArrayList<>();
        long createdEpochSeconds;
    }

    private SecretsManagerLocalServer(Optional<Path> stateFile) {
        super("Secrets Manager", "secrets-manager-local", 4);
        this.stateFile = stateFile;
        stateFile.filter(Files::exists).ifPresent(this::load);
        serve();
    }

    /** Secrets kept in memory only. */
    public static SecretsManagerLocalServer inMemory() {
        return new SecretsManagerLocalServer(Optional.empty());
    }

    /** Secrets kept in {@code file} (created mode 600). */
    public static SecretsManagerLocalServer persistent(Path file) {
        return new SecretsManagerLocalServer(Optional.of(file));
    }

    @Override
    synchronized ObjectNode operation(String target, JsonNode body) {
        String operation = target.startsWith("secretsmanager.") ? target.substring("secretsmanager.".length()) : target;
        ObjectNode result = switch (operation) {
            case "CreateSecret" -> createSecret(body);
            case "DescribeSecret" -> describeSecret(body);
            case "GetSecretValue" -> getSecretValue(body);
            case "PutSecretValue" -> putSecretValue(body);
            case "UpdateSecretVersionStage" -> updateSecretVersionStage(body);
            case "RotateSecret" -> rotateSecret(body);
            default -> throw new ApiError("InvalidAction", "Unsupported operation " + operation);
        };
        save();
        return result;
    }

    private Secret secret(JsonNode body) {
        String id = text(body, "SecretId").orElseThrow(() -> new ApiError("InvalidParameterException", "SecretId is required"));
        String name = id.startsWith("arn:") ? id.substring(id.lastIndexOf(':') + 1) : id;
        Secret secret = secrets.get(name);
        if (secret == null) {
            throw new ApiError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        return secret;
    }

    private ObjectNode createSecret(JsonNode body) {
        String name = text(body, "Name").orElseThrow(() -> new ApiError("InvalidParameterException", "Name is required"));
        if (secrets.containsKey(name)) {
            throw new ApiError("ResourceExistsException", "The secret " + name + " already exists.");
        }
        Secret secret = new Secret();
        secret.name = name;
        secrets.put(name, secret);
        ObjectNode out = identity(secret);
        Optional<String> value = text(body, "SecretString");
        if (value.isPresent()) {
            String versionId = text(body, "ClientRequestToken").orElse(UUID.randomUUID().toString());
            addVersion(secret, versionId, value.get(), List.of(CURRENT));
            out.put("VersionId", versionId);
        }
        return out;
    }

    private ObjectNode describeSecret(JsonNode body) {
        Secret secret = secret(body);
        ObjectNode out = identity(secret);
        out.put("RotationEnabled", secret.rotationEnabled);
        ObjectNode stages = out.putObject("VersionIdsToStages");
        secret.versions.forEach((id, version) -> {
            if (!version.stages.isEmpty()) {
                ArrayNode list = stages.putArray(id);
                version.stages.forEach(list::add);
            }
        });
        return out;
    }

    private ObjectNode getSecretValue(JsonNode body) {
        Secret secret = secret(body);
        Optional<String> versionId = text(body, "VersionId");
        String stage = text(body, "VersionStage").orElse(versionId.isPresent() ? null : CURRENT);
        Map.Entry<String, Version> found = secret.versions.entrySet().stream()
                .filter(e -> versionId.map(e.getKey()::equals).orElse(true))
                .filter(e -> stage == null || e.getValue().stages.contains(stage))
                .findFirst()
                .orElseThrow(() -> new ApiError("ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret value for staging label: " + stage));
        if (found.getValue().value == null) {
            throw new ApiError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value.");
        }
        ObjectNode out = identity(secret);
        out.put("VersionId", found.getKey());
        out.put("SecretString", found.getValue().value);
        ArrayNode stages = out.putArray("VersionStages");
        found.getValue().stages.forEach(stages::add);
        out.put("CreatedDate", found.getValue().createdEpochSeconds);
        return out;
    }

    private ObjectNode putSecretValue(JsonNode body) {
        Secret secret = secret(body);
        String versionId = text(body, "ClientRequestToken").orElse(UUID.randomUUID().toString());
        String value = text(body, "SecretString").orElseThrow(
                () -> new ApiError("InvalidParameterException", "SecretString is required"));
        List<String> stages = new ArrayList<>();
        if (body.has("VersionStages")) {
            body.get("VersionStages").forEach(s -> stages.add(s.asText()));
        } else {
            stages.add(CURRENT);
        }
        Version existing = secret.versions.get(versionId);
        if (existing != null && existing.value != null) {
            if (!existing.value.equals(value)) {
                throw new ApiError("ResourceExistsException", "A version with this ClientRequestToken already exists.");
            }
        } else {
            addVersion(secret, versionId, value, stages);
        }
        ObjectNode out = identity(secret);
        out.put("VersionId", versionId);
        ArrayNode list = out.putArray("VersionStages");
        secret.versions.get(versionId).stages.forEach(list::add);
        return out;
    }

    private ObjectNode updateSecretVersionStage(JsonNode body) {
        Secret secret = secret(body);
        String stage = text(body, "VersionStage").orElseThrow(
                () -> new ApiError("InvalidParameterException", "VersionStage is required"));
        Optional<String> moveTo = text(body, "MoveToVersionId");
        Optional<String> removeFrom = text(body, "RemoveFromVersionId");
        String holder = secret.versions.entrySet().stream().filter(e -> e.getValue().stages.contains(stage))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        if (holder != null && moveTo.isPresent() && !moveTo.get().equals(holder)
                && !removeFrom.map(holder::equals).orElse(false)) {
            throw new ApiError("InvalidParameterException",
                    "The staging label " + stage + " is attached to version " + holder + "; name it in RemoveFromVersionId.");
        }
        removeFrom.ifPresent(id -> version(secret, id).stages.remove(stage));
        moveTo.ifPresent(id -> {
            Version target = version(secret, id);
            moveStage(secret, stage, id);
            if (stage.equals(CURRENT)) {
                target.stages.remove(PENDING);
                if (holder != null && !holder.equals(id)) {
                    moveStage(secret, PREVIOUS, holder);
                }
            }
        });
        return identity(secret);
    }

    private ObjectNode rotateSecret(JsonNode body) {
        Secret secret = secret(body);
        secret.rotationEnabled = true;
        String versionId = text(body, "ClientRequestToken").orElse(UUID.randomUUID().toString());
        Version pending = new Version();
        pending.createdEpochSeconds = Instant.now().getEpochSecond();
        secret.versions.values().forEach(v -> v.stages.remove(PENDING));
        pending.stages.add(PENDING);
        secret.versions.put(versionId, pending);
        ObjectNode out = identity(secret);
        out.put("VersionId", versionId);
        return out;
    }

    private Version version(Secret secret, String id) {
        Version version = secret.versions.get(id);
        if (version == null) {
            throw new ApiError("ResourceNotFoundException", "No version " + id);
        }
        return version;
    }

    private void addVersion(Secret secret, String versionId, String value, List<String> stages) {
        Version version = secret.versions.computeIfAbsent(versionId, id -> new Version());
        version.value = value;
        version.createdEpochSeconds = Instant.now().getEpochSecond();
        String oldCurrent = secret.versions.entrySet().stream()
                .filter(e -> !e.getKey().equals(versionId) && e.getValue().stages.contains(CURRENT))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        for (String stage : stages) {
            moveStage(secret, stage, versionId);
        }
        if (stages.contains(CURRENT) && oldCurrent != null) {
            moveStage(secret, PREVIOUS, oldCurrent);
        }
    }

    private static void moveStage(Secret secret, String stage, String toVersion) {
        secret.versions.forEach((id, v) -> {
            if (!id.equals(toVersion)) {
                v.stages.remove(stage);
            }
        });
        List<String> stages = secret.versions.get(toVersion).stages;
        if (!stages.contains(stage)) {
            stages.add(stage);
        }
    }

    private static ObjectNode identity(Secret secret) {
        ObjectNode out = JSON.createObjectNode();
        out.put("ARN", "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + secret.name);
        out.put("Name", secret.name);
        return out;
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode node = body == null ? null : body.get(field);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    private void load(Path file) {
        try {
            JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            root.fields().forEachRemaining(entry -> {
                Secret secret = new Secret();
                secret.name = entry.getKey();
                secret.rotationEnabled = entry.getValue().path("rotation_enabled").asBoolean();
                entry.getValue().path("versions").fields().forEachRemaining(v -> {
                    Version version = new Version();
                    version.value = v.getValue().hasNonNull("value") ? v.getValue().get("value").asText() : null;
                    version.createdEpochSeconds = v.getValue().path("created").asLong();
                    v.getValue().path("stages").forEach(s -> version.stages.add(s.asText()));
                    secret.versions.put(v.getKey(), version);
                });
                secrets.put(secret.name, secret);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the local secrets file " + file, e);
        }
    }

    private void save() {
        if (stateFile.isEmpty()) {
            return;
        }
        Path file = stateFile.get();
        ObjectNode root = JSON.createObjectNode();
        secrets.forEach((name, secret) -> {
            ObjectNode node = root.putObject(name);
            node.put("rotation_enabled", secret.rotationEnabled);
            ObjectNode versions = node.putObject("versions");
            secret.versions.forEach((id, version) -> {
                ObjectNode v = versions.putObject(id);
                v.put("value", version.value);
                v.put("created", version.createdEpochSeconds);
                ArrayNode stages = v.putArray("stages");
                version.stages.forEach(stages::add);
            });
        });
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            if (file.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(temp);
            }
            Files.writeString(temp, JSON.writeValueAsString(root), StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the local secrets file " + file, e);
        }
    }
}
