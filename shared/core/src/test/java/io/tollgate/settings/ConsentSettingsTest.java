package io.tollgate.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tollgate.settings.ConsentSettings.Purpose;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The consent purposes of a tenant (ADR 0068): validation and the version rule. */
class ConsentSettingsTest {

    private static final ConsentSettings STORED = new ConsentSettings(List.of(
            new Purpose("analytics", "Product analytics", 3), new Purpose("marketing", "News by e-mail", 1)));

    @Test
    void versionedAfterWhenTextUnchangedThenStoredVersionKeptWhateverWasSent() {
        ConsentSettings sent = new ConsentSettings(List.of(new Purpose("analytics", "Product analytics", 1),
                new Purpose("marketing", "News by e-mail", 7)));
        assertEquals(List.of(3, 1), versions(sent.versionedAfter(STORED)));
    }

    @Test
    void versionedAfterWhenTextChangedThenVersionGoesUpByOneOrToTheHigherVersionSent() {
        ConsentSettings sent = new ConsentSettings(List.of(new Purpose("analytics", "Product analytics v2", 1),
                new Purpose("marketing", "News and offers by e-mail", 5)));
        assertEquals(List.of(4, 5), versions(sent.versionedAfter(STORED)));
    }

    @Test
    void versionedAfterWhenPurposeNewThenItKeepsTheVersionSent() {
        ConsentSettings sent = new ConsentSettings(List.of(new Purpose("research", "Research", 2)));
        assertEquals(List.of(2), versions(sent.versionedAfter(STORED)));
        assertEquals(List.of(2), versions(sent.versionedAfter(ConsentSettings.defaults())));
    }

    @Test
    void purposesWhenIdRepeatedOrInvalidOrTooManyThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ConsentSettings(List.of(
                new Purpose("analytics", "a", 1), new Purpose("analytics", "b", 1))));
        for (String id : List.of("", "Analytics", "1st", "a/b", "a b", "x".repeat(65))) {
            assertThrows(IllegalArgumentException.class, () -> new Purpose(id, "text", 1), id);
        }
        assertThrows(IllegalArgumentException.class, () -> new Purpose("analytics", " ", 1));
        assertThrows(IllegalArgumentException.class, () -> new Purpose("analytics", "x".repeat(1001), 1));
        assertThrows(IllegalArgumentException.class, () -> new Purpose("analytics", "text", 0));
        List<Purpose> many = new ArrayList<>();
        for (int i = 0; i <= ConsentSettings.MAX_PURPOSES; i++) {
            many.add(new Purpose("p" + i, "text", 1));
        }
        assertThrows(IllegalArgumentException.class, () -> new ConsentSettings(many));
    }

    @Test
    void settingsWhenStoredWithoutConsentThenNoPurposes() {
        SecuritySettings defaults = SecuritySettings.defaults();
        assertEquals(List.of(), defaults.consent().purposes());
        assertEquals(STORED, defaults.withConsent(STORED).consent());
        assertEquals(STORED, defaults.withConsent(STORED).withMfa(defaults.mfa()).consent(), "kept by the other copies");
    }

    private static List<Integer> versions(ConsentSettings settings) {
        return settings.purposes().stream().map(Purpose::version).toList();
    }
}
