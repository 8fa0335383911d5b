package io.tollgate.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tollgate.settings.SecuritySettings;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void settingsWhenRoundTrippedThenEqual() throws Exception {
        SecuritySettings defaults = SecuritySettings.defaults();
        String json = Json.mapper().writeValueAsString(defaults);
        assertEquals(defaults, Json.mapper().readValue(json, SecuritySettings.class));
    }
}
