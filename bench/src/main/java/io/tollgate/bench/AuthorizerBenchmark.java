package io.tollgate.bench;

import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.tollgate.authz.AccessPolicy;
import io.tollgate.authz.AccessTokenValidator;
import io.tollgate.authz.Decision;
import io.tollgate.authz.Principal;
import io.tollgate.authz.RouteCatalog;
import io.tollgate.authz.RouteMatch;
import io.tollgate.authz.VerificationKeys;
import io.tollgate.authz.VerifiedAccessToken;
import io.tollgate.token.AccessTokenIssuer;
import io.tollgate.token.LocalSigningKeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The authorizer's warm path beside its floor, in one run and on one thread: (a) the bare JDK
 * RS256 verification of the token's signing input, which every request must pay; (b) JJWT 0.13
 * parse + verify of the same token; (c) {@code AccessTokenValidator} + {@code RouteCatalog.match} +
 * {@code AccessPolicy.decide}. The goal is (c) ≥ 0.9 × (a) throughput.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "-Dlog4j2.configurationFile=classpath:log4j2-bench.xml", "-Djmh.shutdownTimeout=1"})
public class AuthorizerBenchmark {

    private static final String ISSUER = "https://auth.bench";

    private String token;
    private Rs256Baseline baseline;
    private PublicKey publicKey;
    private JwtParser jjwt;
    private AccessTokenValidator validator;
    private RouteCatalog routes;
    private AccessPolicy policy;

    @Setup
    public void setUp() {
        Instant issuedAt = Instant.now();
        Clock issueClock = Clock.fixed(issuedAt, ZoneOffset.UTC);
        LocalSigningKeyStore keys = LocalSigningKeyStore.inMemory(issueClock, new SecureRandom());
        token = new AccessTokenIssuer(keys, issueClock, ISSUER).issue(new AccessTokenIssuer.Subject("u-alice", "acme",
                "risk", List.of("org_admin"), "s-1", List.of("pwd", "otp"), issuedAt, "api-users"), Duration.ofMinutes(15));
        baseline = new Rs256Baseline(token, keys.signingKeys().current().publicKey());
        publicKey = keys.signingKeys().current().publicKey();

        Clock verifyClock = Clock.fixed(issuedAt.plusSeconds(60), ZoneOffset.UTC);
        jjwt = Jwts.parser().verifyWith(publicKey).requireIssuer(ISSUER)
                .clock(() -> Date.from(verifyClock.instant())).build();
        validator = new AccessTokenValidator(VerificationKeys.of(keys.signingKeys()), verifyClock,
                AccessTokenValidator.Settings.defaults(ISSUER, Set.of("api-users", "admin-panel")));
        routes = RouteCatalog.load();
        policy = AccessPolicy.load("default");
        if (!bareJdkVerify() || !authorizerWarmPath()) {
            throw new IllegalStateException("benchmark fixture does not verify");
        }
    }

    /** (a) Baseline: the RSA verification alone. */
    @Benchmark
    public boolean bareJdkVerify() {
        return baseline.verify();
    }

    /** (b) JJWT parse + verify + issuer + time checks. */
    @Benchmark
    public Object jjwtParseVerify() {
        return jjwt.parseSignedClaims(token).getPayload();
    }

    /** (c) What the authorizer does per request: validate, match the route, decide. */
    @Benchmark
    public boolean authorizerWarmPath() {
        VerifiedAccessToken verified = validator.validate(token);
        RouteMatch match = routes.match("GET", "/v1/users/u-bob").orElseThrow();
        Decision decision = match.decide(policy, Principal.of(verified));
        return decision.allowed();
    }
}
