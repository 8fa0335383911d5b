package io.tollgate.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tollgate.testing.Testbed;
import io.tollgate.user.UserAccount;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API-key store against DynamoDB Local (ADR 0054): the per-user limit is a conditional counter
 * written in the create transaction, so concurrent creates never pass it; revocation gives the
 * slot back; users whose keys predate the counter get it seeded from their active keys.
 */
class ApiKeyRepositoryIT {

    private Testbed bed;
    private UserAccount alice;
    private ApiKeyRepository repository;
    private final ApiKeys generator = new ApiKeys(new SecureRandom());

    @BeforeEach
    void setUp() {
        bed = new Testbed();
        alice = bed.newTenant();
        repository = new ApiKeyRepository(Testbed.dynamoDb(), Testbed.TABLES, bed.clock);
    }

    private ApiKeyRepository.NewKey newKey() {
        return new ApiKeyRepository.NewKey(alice.tenantId(), alice.userId(), alice.username(),
                alice.organizationId(), alice.roles(), "ci", bed.clock.instant().plus(Duration.ofDays(90)));
    }

    private long active() {
        return repository.list(alice.tenantId(), alice.userId()).stream().filter(ApiKeyRepository.ApiKeyRecord::active)
                .count();
    }

    @Test
    void createWhenTwentyFiveConcurrentCreatesThenExactlyTenActiveKeys() throws Exception {
        int parallel = 25;
        CountDownLatch ready = new CountDownLatch(parallel);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ApiKeyRepository.Created>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel)) {
            for (int i = 0; i < parallel; i++) {
                answers.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return repository.create(generator.generate().stored(), newKey(), ApiKeyService.MAX_KEYS_PER_USER);
                }));
            }
            ready.await();
            go.countDown();
            int created = 0;
            for (Future<ApiKeyRepository.Created> answer : answers) {
                if (answer.get() == ApiKeyRepository.Created.CREATED) {
                    created++;
                } else {
                    assertEquals(ApiKeyRepository.Created.LIMIT_REACHED, answer.get());
                }
            }
            assertEquals(10, created);
        }
        assertEquals(10, active());
        assertEquals(Optional.of(10L), repository.activeCount(alice.tenantId(), alice.userId()));
    }

    @Test
    void revokeWhenLimitReachedThenOneSlotFreesForOneCreate() {
        List<String> prefixes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ApiKeys.IssuedApiKey issued = generator.generate();
            assertEquals(ApiKeyRepository.Created.CREATED, repository.create(issued.stored(), newKey(), 10));
            prefixes.add(issued.stored().prefix());
        }
        assertEquals(ApiKeyRepository.Created.LIMIT_REACHED, repository.create(generator.generate().stored(), newKey(), 10));
        assertTrue(repository.revoke(alice.tenantId(), alice.userId(), prefixes.get(0)));
        assertFalse(repository.revoke(alice.tenantId(), alice.userId(), prefixes.get(0)), "revoked once only");
        assertEquals(Optional.of(9L), repository.activeCount(alice.tenantId(), alice.userId()));
        assertEquals(ApiKeyRepository.Created.CREATED, repository.create(generator.generate().stored(), newKey(), 10));
        assertEquals(ApiKeyRepository.Created.LIMIT_REACHED, repository.create(generator.generate().stored(), newKey(), 10));
    }

    @Test
    void createWhenKeysPredateTheCounterThenCounterSeededFromActiveKeys() {
        for (int i = 0; i < 9; i++) {
            assertEquals(ApiKeyRepository.Created.CREATED, repository.create(generator.generate().stored(), newKey(), 10));
        }
        // As if the keys were stored before the counter existed.
        Testbed.dynamoDb().deleteItem(r -> r.tableName(Testbed.TABLES.identity())
                .key(io.tollgate.storage.Keys.apiKeyCounter(alice.tenantId(), alice.userId())));
        assertEquals(ApiKeyRepository.Created.CREATED, repository.create(generator.generate().stored(), newKey(), 10));
        assertEquals(ApiKeyRepository.Created.LIMIT_REACHED, repository.create(generator.generate().stored(), newKey(), 10));
        assertEquals(10, active());
    }

    @Test
    void purgeAllWhenUserDeletedThenKeysAndCounterGone() {
        repository.create(generator.generate().stored(), newKey(), 10);
        repository.create(generator.generate().stored(), newKey(), 10);
        assertEquals(2, repository.purgeAll(alice.tenantId(), alice.userId()));
        assertTrue(repository.list(alice.tenantId(), alice.userId()).isEmpty());
        assertEquals(Optional.empty(), repository.activeCount(alice.tenantId(), alice.userId()));
    }
}
