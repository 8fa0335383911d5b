package io.tollgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestFactsTest {

    @Test
    void userAgentWhenAbsentEmptyOrBlankThenUnknown() {
        assertEquals("unknown", RequestFacts.userAgent(null));
        assertEquals("unknown", RequestFacts.userAgent(""));
        assertEquals("unknown", RequestFacts.userAgent(" \t"));
        assertEquals("curl/8", RequestFacts.userAgent("curl/8"));
    }

    @Test
    void userAgentWhenOversizedThenCutAtTheLimitWithoutSplittingASurrogatePair() {
        String agent = RequestFacts.userAgent("a".repeat(511) + "\uD83D\uDE00tail");
        assertEquals("a".repeat(511), agent);
        assertEquals(512, RequestFacts.userAgent("b".repeat(10_000)).length());
    }

    @Test
    void userAgentWhenControlCharactersOrLoneSurrogatesThenReplacementCharacter() {
        assertEquals("a\uFFFDb\uFFFDc\uFFFD", RequestFacts.userAgent("a\u0000b\uD800c\uFFFF"));
        assertEquals("\uD83D\uDE00", RequestFacts.userAgent("\uD83D\uDE00"));
    }

    @Test
    void ipAddressWhenNotALiteralThenAbsent() {
        assertEquals("2001:db8::1", RequestFacts.ipAddress("2001:db8::1"));
        assertNull(RequestFacts.ipAddress("not-an-ip"));
        assertNull(RequestFacts.ipAddress(""));
        assertNull(RequestFacts.ipAddress("1".repeat(46)));
    }

    @Test
    void additionalDataWhenFractionsHugeNumbersNullsAndDeepNestingThenCanonicalisable() {
        Map<String, Object> data = new HashMap<>();
        data.put("ratio", 0.5);
        data.put("huge", Long.MAX_VALUE);
        data.put("small", Long.MIN_VALUE);
        data.put("count", 3);
        data.put("none", null);
        data.put("list", Arrays.asList(1, null, "x"));
        data.put("deep", Map.of("a", Map.of("b", Map.of("c", Map.of("d", Map.of("e", "f"))))));

        Map<String, Object> normal = RequestFacts.additionalData(data);

        assertEquals("0.5", normal.get("ratio"));
        assertEquals(Long.toString(Long.MAX_VALUE), normal.get("huge"));
        assertEquals(Long.toString(Long.MIN_VALUE), normal.get("small"));
        assertEquals(3, normal.get("count"));
        assertEquals(false, normal.containsKey("none"));
        assertEquals(List.of(1, "x"), normal.get("list"));
        Object level = normal.get("deep");
        for (String name : List.of("a", "b", "c")) {
            level = ((Map<?, ?>) level).get(name);
        }
        assertEquals(String.class, ((Map<?, ?>) level).get("d").getClass(), "depth beyond 5 is written as text");
    }

    @Test
    void additionalDataWhenLargerThanTheLimitThenOmittedMarker() {
        Map<String, Object> data = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            data.put("k" + i, "v".repeat(1000));
        }
        assertEquals(Map.of("omitted", "too_large"), RequestFacts.additionalData(data));
    }
}
