package io.tollgate.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/** The floor of every token check: a bare JDK {@code SHA256withRSA} verification of a JWS. */
final class Rs256Baseline {

    private final byte[] signingInput;
    private final byte[] signature;
    private final PublicKey publicKey;

    Rs256Baseline(String compactJws, PublicKey publicKey) {
        int lastDot = compactJws.lastIndexOf('.');
        this.signingInput = compactJws.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII);
        this.signature = Base64.getUrlDecoder().decode(compactJws.substring(lastDot + 1));
        this.publicKey = publicKey;
    }

    boolean verify() {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(publicKey);
            verifier.update(signingInput);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
