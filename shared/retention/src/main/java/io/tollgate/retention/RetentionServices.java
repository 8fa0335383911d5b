package io.tollgate.retention;

import io.tollgate.administration.AdminAuthority;
import io.tollgate.administration.AdministrationRepository;
import io.tollgate.audit.chain.ChainPurge;
import io.tollgate.audit.platform.AuditServices;
import io.tollgate.platform.TollgateServices;
import java.util.Map;
import java.util.Objects;

/**
 * The composition root of retention on top of {@link AuditServices}: the bundled policy, the
 * per-tenant settings and the run, built once per container. Page size and per-invocation budget
 * come from {@code RETENTION_PAGE_SIZE} / {@code RETENTION_BUDGET} (defaults
 * {@value RetentionRun#DEFAULT_PAGE_SIZE} / {@value RetentionRun#DEFAULT_BUDGET}).
 */
public final class RetentionServices {

    public static final String PAGE_SIZE = "RETENTION_PAGE_SIZE";
    public static final String BUDGET = "RETENTION_BUDGET";

    private final RetentionPolicy policy;
    private final RetentionSettings settings;
    private final AuditServices audit;
    private final int pageSize;
    private final int budget;
    /** Built on first use: the run needs the audit data key, the administration routes do not. */
    private RetentionRun run;
    private final RetentionAdministration administration;

    private RetentionServices(AuditServices audit, int pageSize, int budget) {
        Objects.requireNonNull(audit, "audit");
        TollgateServices platform = audit.platform();
        this.policy = RetentionPolicy.bundled();
        this.settings = new RetentionSettings(platform.dynamoDb(), platform.config().tables().identity(), policy,
                platform.clock());
        this.audit = audit;
        this.pageSize = pageSize;
        this.budget = budget;
        AdministrationRepository repository = AdministrationRepository.of(platform);
        this.administration = new RetentionAdministration(policy, settings, AdminAuthority.bundled(repository), repository, platform.audit());
    }

    public static RetentionServices of(AuditServices audit, int pageSize, int budget) {
        return new RetentionServices(audit, pageSize, budget);
    }

    /** Sizes from the environment ({@code env} is {@link System#getenv()} in Lambda). */
    public static RetentionServices fromEnvironment(AuditServices audit, Map<String, String> env) {
        return new RetentionServices(audit, positive(env, PAGE_SIZE, RetentionRun.DEFAULT_PAGE_SIZE),
                positive(env, BUDGET, RetentionRun.DEFAULT_BUDGET));
    }

    private static int positive(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed < 1) {
                throw new IllegalStateException("Environment variable " + name + " must be a positive integer");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Environment variable " + name + " must be a positive integer", e);
        }
    }

    public RetentionPolicy policy() {
        return policy;
    }

    public RetentionSettings settings() {
        return settings;
    }

    public synchronized RetentionRun run() {
        if (run == null) {
            TollgateServices platform = audit.platform();
            run = new RetentionRun(policy, settings, audit.chains(),
                    new ChainPurge(platform.dynamoDb(), audit.chains().table()), audit.subjectKeys(),
                    platform.dynamoDb(), platform.config().tables(), platform.audit(), platform.clock(), pageSize,
                    budget);
        }
        return run;
    }

    public RetentionAdministration administration() {
        return administration;
    }
}
