package io.tollgate.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tollgate.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;

/**
 * {@code ./tollgate invoke <function> --event events/<file>.json}, the analogue of
 * {@code sam local invoke}: reads an event file into the event type of the function's handler
 * method the way the Lambda Java runtime does (its own event serializers for the
 * {@code aws-lambda-java-events} classes, plain JSON for {@code Map} and POJO events) and writes the
 * handler's answer back the same way.
 */
final class LocalInvocation {

    private LocalInvocation() {
    }

    /** The handler method Lambda would call: {@code name(Event, Context)} before {@code name(Event)}, no bridge. */
    static Method handlerMethod(Class<?> type, String name, String functionId) {
        return Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(name) && !m.isBridge() && !m.isSynthetic())
                .filter(m -> m.getParameterCount() == 1
                        || (m.getParameterCount() == 2 && m.getParameterTypes()[1] == Context.class))
                .max(Comparator.comparingInt(Method::getParameterCount))
                .orElseThrow(() -> new IllegalStateException("Function " + functionId + ": " + type.getName()
                        + " has no public " + name + "(event, Context) method"));
    }

    /**
     * The event of {@code json} as an instance of {@code type}.
     *
     * @throws IllegalArgumentException if the file is not JSON of that shape
     */
    static Object readEvent(byte[] json, Class<?> type) {
        String text = new String(json, StandardCharsets.UTF_8);
        try {
            Json.mapper().readTree(text);
            if (LambdaEventSerializers.isLambdaSupportedEvent(type.getName())) {
                return LambdaEventSerializers.serializerFor(type, LocalInvocation.class.getClassLoader()).fromJson(text);
            }
            return Json.mapper().readValue(text, type);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("The event is not a JSON " + type.getSimpleName() + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /** The handler's answer as JSON, as the Lambda runtime would return it ({@code null} for a void handler). */
    @SuppressWarnings("unchecked")
    static String writeAnswer(Object answer) {
        if (answer == null) {
            return "null";
        }
        if (LambdaEventSerializers.isLambdaSupportedEvent(answer.getClass().getName())) {
            PojoSerializer<Object> serializer = (PojoSerializer<Object>) LambdaEventSerializers
                    .serializerFor(answer.getClass(), LocalInvocation.class.getClassLoader());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            serializer.toJson(answer, out);
            return out.toString(StandardCharsets.UTF_8);
        }
        try {
            return Json.mapper().writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The answer of type " + answer.getClass().getName() + " is not JSON", e);
        }
    }

    /** A Lambda-style error document ({@code errorType}, {@code errorMessage}) for a local tool answer. */
    static String error(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        try {
            return Json.mapper().writeValueAsString(java.util.Map.of("errorType", failure.getClass().getName(),
                    "errorMessage", String.valueOf(failure.getMessage())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write an error document", e);
        }
    }
}
