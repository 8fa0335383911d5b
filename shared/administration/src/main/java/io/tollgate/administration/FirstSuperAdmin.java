package io.tollgate.administration;

import io.tollgate.password.PasswordChangeTickets;
import io.tollgate.settings.SecuritySettings;
import io.tollgate.storage.Attributes;
import io.tollgate.storage.Keys;
import io.tollgate.tenant.Tenant;
import io.tollgate.user.UserDirectory;
import io.tollgate.user.UserProvisioning;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The first {@code super_admin} of a fresh stack (docs/deploy.md, ADR 0065). A stack starts with no user, and
 * every administrative route needs one, so the very first platform administrator is made here: once per stack
 * (a conditional claim item that is never removed after success), audited (tenant and user creation are
 * recorded like any other, by the {@code system} actor), and with no standing secret: the account gets no
 * password, only an invitation ticket (ADR 0045) that sets the first password once within 24 hours. Whoever
 * may invoke the function (an IAM permission, recorded by CloudTrail) receives the ticket in the invocation
 * result; nothing else ever sees it.
 */
public final class FirstSuperAdmin {

    /** The platform tenant to create (or reuse) and the administrator's address, which is also the user name. */
    public record Request(String tenantId, String tenantName, String email) {
        public Request {
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(tenantName, "tenantName");
            Objects.requireNonNull(email, "email");
        }
    }

    /** What was created; {@code invitationToken} is shown once, to the invoker. */
    public record Created(String tenantId, String userId, String invitationToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "Created[tenantId=" + tenantId + ", userId=" + userId + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** The stack already has its first super_admin; nothing was changed. */
    public static final class AlreadyCreatedException extends RuntimeException {
        AlreadyCreatedException() {
            super("this stack's first super_admin was created already; further administrators are invited by it");
        }
    }

    private final DynamoDbClient dynamoDb;
    private final String identityTable;
    private final UserDirectory directory;
    private final UserProvisioning provisioning;
    private final PasswordChangeTickets tickets;
    private final SecuritySettings defaultSettings;
    private final Clock clock;

    public FirstSuperAdmin(DynamoDbClient dynamoDb, String identityTable, UserDirectory directory,
                           UserProvisioning provisioning, PasswordChangeTickets tickets, SecuritySettings defaultSettings,
                           Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.identityTable = Objects.requireNonNull(identityTable, "identityTable");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.provisioning = Objects.requireNonNull(provisioning, "provisioning");
        this.tickets = Objects.requireNonNull(tickets, "tickets");
        this.defaultSettings = Objects.requireNonNull(defaultSettings, "defaultSettings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Claims the stack's one first-administrator slot, then creates the tenant (unless it exists) and the invited
     * {@code super_admin}. A failure before the user exists gives the claim back, so the operator can correct the
     * request and invoke again; bad input is refused before anything is written.
     *
     * @throws AlreadyCreatedException when the slot was claimed before
     */
    public Created create(Request request) {
        if (!Tenant.ID.matcher(request.tenantId()).matches() || request.tenantName().isBlank()
                || !request.email().matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new IllegalArgumentException("tenant (1-63 lower-case letters, digits or dashes), tenant_name and email are required");
        }
        claim();
        UserProvisioning.Requester system = UserProvisioning.Requester.system(request.tenantId());
        UserProvisioning.Invited invited;
        try {
            Tenant tenant = directory.tenant(request.tenantId()).orElseGet(() -> provisioning.createTenant(
                    request.tenantId(), request.tenantName(), defaultSettings, Tenant.DEFAULT_ROLE_PROFILE, system));
            invited = provisioning.invite(tenant, new UserProvisioning.NewUserRequest(request.email(), request.email(),
                    null, List.of("super_admin"), null), system, tickets);
        } catch (RuntimeException e) {
            dynamoDb.deleteItem(r -> r.tableName(identityTable).key(Keys.firstSuperAdminClaim()));
            throw e;
        }
        dynamoDb.updateItem(r -> r.tableName(identityTable).key(Keys.firstSuperAdminClaim())
                .updateExpression("SET tenant_id = :tenant, user_id = :user")
                .expressionAttributeValues(Map.of(":tenant", Attributes.s(request.tenantId()),
                        ":user", Attributes.s(invited.userId()))));
        return new Created(request.tenantId(), invited.userId(), invited.ticket().token(), invited.ticket().expiresAt());
    }

    private void claim() {
        Map<String, AttributeValue> item = new HashMap<>(Keys.firstSuperAdminClaim());
        item.put("claimed_at", Attributes.s(clock.instant().toString()));
        try {
            dynamoDb.putItem(r -> r.tableName(identityTable).item(item).conditionExpression("attribute_not_exists(pk)"));
        } catch (ConditionalCheckFailedException e) {
            throw new AlreadyCreatedException();
        }
    }
}
