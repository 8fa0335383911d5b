package io.tollgate.audit.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.tollgate.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    private static JsonNode json(String text) throws Exception {
        return Json.mapper().readTree(text);
    }

    @Test
    void textWhenObjectThenMembersSortedAndNoWhitespace() throws Exception {
        assertEquals("{\"a\":[1,true,null],\"b\":{\"x\":\"y\",\"z\":-3}}",
                CanonicalJson.text(json("{ \"b\" : {\"z\": -3, \"x\":\"y\"},\n \"a\": [1, true, null] }")));
    }

    @Test
    void textWhenKeysDifferOnlyAboveBmpThenSortedByUtf16CodeUnits() throws Exception {
        // RFC 8785 §3.2.3: U+1F600 (surrogates D83D DE00) sorts before U+FB01 (FB01) by UTF-16 code units,
        // although its code point is larger.
        assertEquals("{\"\uD83D\uDE00\":1,\"\uFB01\":2}", CanonicalJson.text(json("{\"\uFB01\":2,\"\uD83D\uDE00\":1}")));
    }

    @Test
    void textWhenStringsNeedEscapingThenJcsEscapes() throws Exception {
        assertEquals("\"q\\\"b\\\\n\\n\\t\\u001f\u00e9/\"", CanonicalJson.text(json("\"q\\\"b\\\\n\\n\\t\\u001F\\u00e9\\/\"")));
    }

    @Test
    void bytesWhenNonAsciiThenUtf8() throws Exception {
        assertEquals("\"\u20ac\"", new String(CanonicalJson.bytes(json("\"\\u20ac\"")), StandardCharsets.UTF_8));
        assertEquals(5, CanonicalJson.bytes(json("\"\\u20ac\"")).length);
    }

    @Test
    void textWhenFractionOrExponentThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.text(json("{\"a\":1.5}")));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.text(json("[1e3]")));
    }

    @Test
    void textWhenIntegerBeyondTwoToTheFiftyThirdThenRefused() throws Exception {
        assertEquals("9007199254740991", CanonicalJson.text(json("9007199254740991")));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.text(json("9007199254740992")));
    }

    @Test
    void textWhenLoneSurrogateThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.text(json("\"\\ud800x\"")));
    }
}
