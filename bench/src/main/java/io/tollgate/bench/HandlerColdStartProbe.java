package io.tollgate.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tollgate.devkit.LocalLambdaContext;
import io.tollgate.platform.SnapStartPriming;
import io.tollgate.platform.TollgateServices;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One cold start in this fresh JVM, started by {@link HandlerColdStart}: {@code init} is the
 * handler's no-arg constructor (the one Lambda calls, wiring its clients from the environment the
 * harness set: template environment, AWS endpoints on loopback), class loading included;
 * {@code first} is its first {@code handleRequest} with its {@code events/} sample. Prints one line
 * {@code RESULT <init ns> <first ns> <outcome>}. With {@code baseline} it creates a bare
 * {@code DynamoDbClient} the same way instead: the floor every Java function pays. With a third
 * argument {@code primed}, the handler's SnapStart priming hook ({@link SnapStartPriming}, ADR 0049)
 * has its {@code beforeCheckpoint} run after init (untimed), as SnapStart does before the
 * snapshot, so the first invoke is the one a restored container serves.
 */
public final class HandlerColdStartProbe {

    private HandlerColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("baseline")) {
            long started = System.nanoTime();
            DynamoDbClient client = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                    .endpointOverride(URI.create(System.getenv("AWS_ENDPOINT_URL"))).build();
            long init = System.nanoTime() - started;
            System.out.println("RESULT " + init + " 0 " + client.serviceName());
            return;
        }
        String handlerClass = args[0];
        Path event = Path.of(args[1]);
        long started = System.nanoTime();
        Object handler = Class.forName(handlerClass).getConstructor().newInstance();
        long init = System.nanoTime() - started;
        if (args.length > 2 && args[2].equals("primed")) {
            // As SnapStart runs them before the snapshot: the handler's own hook, then the SDK read.
            if (primingField(handler.getClass()).isPresent()) {
                priming(handler).beforeCheckpoint(null);
            }
            TollgateServices.sdkPriming().ifPresent(sdk -> sdk.beforeCheckpoint(null));
        }

        Method method = handlerMethod(handler.getClass());
        Class<?> eventType = method.getParameterTypes()[0];
        Object input = Map.class.isAssignableFrom(eventType)
                ? new ObjectMapper().readValue(event.toFile(), Map.class)
                : EventLoader.loadEvent(event.toString(), eventType);
        Context context = new LocalLambdaContext("cold-start", handler.getClass().getSimpleName(),
                Duration.ofSeconds(10), Clock.systemUTC());
        String outcome;
        started = System.nanoTime();
        try {
            Object answer = method.invoke(handler, input, context);
            outcome = outcome(answer);
        } catch (java.lang.reflect.InvocationTargetException failed) {
            outcome = "threw:" + failed.getCause().getClass().getSimpleName();
        }
        long first = System.nanoTime() - started;
        System.out.println("RESULT " + init + " " + first + " " + outcome);
    }

    /** The handler's SnapStart priming hook (its {@link SnapStartPriming} field), as SnapStart would run it. */
    static SnapStartPriming priming(Object handler) throws IllegalAccessException {
        Field field = primingField(handler.getClass()).orElseThrow(() -> new IllegalStateException(
                handler.getClass().getName() + " has no SnapStart priming"));
        field.setAccessible(true);
        return (SnapStartPriming) field.get(handler);
    }

    /** The field holding a handler's priming hook, if it has one. */
    static Optional<Field> primingField(Class<?> handlerClass) {
        return Arrays.stream(handlerClass.getDeclaredFields())
                .filter(f -> f.getType() == SnapStartPriming.class).findFirst();
    }

    private static Method handlerMethod(Class<?> type) {
        return Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals("handleRequest") && !m.isBridge() && m.getParameterCount() == 2)
                .findFirst().orElseThrow();
    }

    /** The HTTP status of an API answer, else the answer's type: what the first invoke produced. */
    private static String outcome(Object answer) {
        if (answer instanceof com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse http) {
            return "http:" + http.getStatusCode();
        }
        return answer == null ? "ok" : "ok:" + answer.getClass().getSimpleName();
    }
}
