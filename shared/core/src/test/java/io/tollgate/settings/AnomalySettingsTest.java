package io.tollgate.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AnomalySettingsTest {

    private static String refusal(Runnable construction) {
        return assertThrows(IllegalArgumentException.class, construction::run).getMessage();
    }

    @Test
    void defaultsAreTheSeedValues() {
        AnomalySettings defaults = AnomalySettings.defaults();
        assertEquals(10, defaults.bruteForce().distinctAccounts());
        assertEquals(1000, defaults.requestsPerMinute());
        assertEquals(500, defaults.unusualVolume().increasePercent());
        assertEquals(3, defaults.exfiltration().scoreThreshold());
        assertEquals(100, defaults.exfiltration().calls());
        assertEquals(defaults, SecuritySettings.defaults().anomaly());
    }

    @Test
    void boundsAtTheEdgesThenAcceptedAndBeyondThenRefusedNamingTheField() {
        new AnomalySettings.UnusualVolume(50, 10, 24);
        assertEquals("anomaly.unusualVolume.increasePercent must be 50..100000",
                refusal(() -> new AnomalySettings.UnusualVolume(49, 10, 24)));
        assertEquals("anomaly.unusualVolume.minimumEvents must be 10..10000000",
                refusal(() -> new AnomalySettings.UnusualVolume(500, 9, 24)));
        assertEquals("anomaly.unusualVolume.baselineHours must be 1..24",
                refusal(() -> new AnomalySettings.UnusualVolume(500, 100, 25)));
        new AnomalySettings.Exfiltration(10, 2, 2, 0, 24, 4);
        assertEquals("anomaly.exfiltration.workday hours must be 0 <= start < end <= 24",
                refusal(() -> new AnomalySettings.Exfiltration(100, 30, 10, 19, 19, 3)));
        assertEquals("anomaly.exfiltration.scoreThreshold must be 1..4",
                refusal(() -> new AnomalySettings.Exfiltration(100, 30, 10, 7, 19, 5)));
        assertEquals("anomaly.credentialStuffing.window must be 15 minutes..24 hours",
                refusal(() -> new AnomalySettings.CredentialStuffing(20, 3, Duration.ofMinutes(14), Duration.ofHours(1))));
        assertEquals("anomaly burst threshold must be 1..1000",
                refusal(() -> new AnomalySettings.Burst(0, Duration.ofMinutes(15))));
        AnomalySettings d = AnomalySettings.defaults();
        assertEquals("anomaly.requestsPerMinute must be 10..1000000", refusal(() -> new AnomalySettings(d.bruteForce(),
                d.credentialStuffing(), 9, d.unusualVolume(), d.escalationLockDuration(), d.exfiltration(),
                d.mfaFailures(), d.refreshTokenReuse())));
        assertEquals("anomaly.escalationLockDuration must be 5 minutes..30 days", refusal(() -> new AnomalySettings(
                d.bruteForce(), d.credentialStuffing(), 1000, d.unusualVolume(), Duration.ofMinutes(4), d.exfiltration(),
                d.mfaFailures(), d.refreshTokenReuse())));
    }
}
