package io.tollgate.local;

import io.tollgate.token.SigningKey;
import io.tollgate.token.SigningKeySet;
import io.tollgate.token.SigningKeySetCodec;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;

/**
 * {@code ./tollgate new-key-set [bits]}: prints a new signing key set (one CURRENT RSA key,
 * 2048 bits by default) in the JSON form the {@code SigningKeysSecret} holds, for the first
 * deployment: {@code aws secretsmanager put-secret-value --secret-id ... --secret-string file://keys.json}.
 */
public final class KeySetGenerator {

    private KeySetGenerator() {
    }

    public static void main(String[] args) {
        int bits = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        SigningKey key = SigningKeySetCodec.generateRsa(bits, SigningKey.Status.CURRENT, Instant.now(), new SecureRandom());
        System.out.println(SigningKeySetCodec.encode(new SigningKeySet(List.of(key))));
    }
}
