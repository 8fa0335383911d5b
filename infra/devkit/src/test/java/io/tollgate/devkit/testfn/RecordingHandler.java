package io.tollgate.devkit.testfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test route handler: records every event and context it gets. {@code /v1/boom} throws; {@code /v1/echo} answers
 * the request body as received (same base64 flag and content type) plus cookies and a multi-value header; any
 * other path answers 200 with a JSON body and no content type.
 */
public final class RecordingHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** The exception message of {@code /v1/boom}; must never reach a client. */
    public static final String SECRET_FAILURE = "kaboom: connection string user=admin";

    private final List<APIGatewayV2HTTPEvent> events = new CopyOnWriteArrayList<>();
    private final List<Context> contexts = new CopyOnWriteArrayList<>();

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        events.add(event);
        contexts.add(context);
        return switch (event.getRawPath()) {
            case "/v1/boom" -> throw new IllegalStateException(SECRET_FAILURE);
            case "/v1/echo" -> APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(201)
                    .withHeaders(Map.of("Content-Type", event.getHeaders().getOrDefault("content-type", "text/plain")))
                    .withMultiValueHeaders(Map.of("X-Multi", List.of("a", "b")))
                    .withCookies(List.of("session=abc; HttpOnly", "theme=dark"))
                    .withBody(event.getBody())
                    .withIsBase64Encoded(event.getIsBase64Encoded())
                    .build();
            default -> APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(200)
                    .withBody("{\"route\":\"" + event.getRouteKey() + "\"}")
                    .build();
        };
    }

    public List<APIGatewayV2HTTPEvent> events() {
        return List.copyOf(events);
    }

    public List<Context> contexts() {
        return List.copyOf(contexts);
    }

    public APIGatewayV2HTTPEvent lastEvent() {
        return events.getLast();
    }
}
