package io.tollgate.storage;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Conversions between Java values and DynamoDB {@link AttributeValue}s. */
public final class Attributes {

    private Attributes() {
    }

    public static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    public static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    public static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    public static AttributeValue strings(List<String> values) {
        return AttributeValue.fromL(values.stream().map(AttributeValue::fromS).toList());
    }

    /** Epoch seconds, the unit DynamoDB TTL requires. */
    public static AttributeValue epochSeconds(Instant instant) {
        return n(instant.getEpochSecond());
    }

    /** Epoch milliseconds, used for every other instant. */
    public static AttributeValue epochMillis(Instant instant) {
        return n(instant.toEpochMilli());
    }

    public static Optional<String> string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.s() == null ? Optional.empty() : Optional.of(value.s());
    }

    public static String requiredString(Map<String, AttributeValue> item, String name) {
        return string(item, name).orElseThrow(() -> new IllegalStateException("Item lacks attribute " + name));
    }

    public static Optional<Long> number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || value.n() == null ? Optional.empty() : Optional.of(Long.parseLong(value.n()));
    }

    public static Optional<Instant> instantMillis(Map<String, AttributeValue> item, String name) {
        return number(item, name).map(Instant::ofEpochMilli);
    }

    public static List<String> stringList(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null || !value.hasL()) {
            return List.of();
        }
        return value.l().stream().map(AttributeValue::s).toList();
    }

    /** A map of names to instants (epoch milliseconds). */
    public static AttributeValue instantMap(Map<String, Instant> values) {
        Map<String, AttributeValue> map = new java.util.HashMap<>();
        values.forEach((name, instant) -> map.put(name, epochMillis(instant)));
        return AttributeValue.fromM(map);
    }

    public static Map<String, Instant> instantMap(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null || !value.hasM()) {
            return Map.of();
        }
        Map<String, Instant> out = new java.util.HashMap<>();
        value.m().forEach((key, v) -> out.put(key, Instant.ofEpochMilli(Long.parseLong(v.n()))));
        return Map.copyOf(out);
    }
}
