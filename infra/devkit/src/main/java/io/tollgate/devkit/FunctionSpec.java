package io.tollgate.devkit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code AWS::Serverless::Function} of the template, as the local runtime needs it: which class to
 * instantiate ({@code handler}, e.g. {@code io.tollgate.login.LoginHandler::handleRequest}), the environment it
 * would see in Lambda (Globals merged with its own variables, intrinsics resolved to local names by
 * {@link SamTemplate}), and the events that trigger it.
 *
 * @param logicalId   the function's logical id, also its local function name
 * @param handler     {@code Class::method} or just {@code Class}
 * @param codeUri     the {@code CodeUri} (function or Globals)
 * @param environment resolved environment variables, in template order
 * @param httpRoutes  its {@code HttpApi} events
 * @param schedules   its {@code Schedule} / {@code ScheduleV2} events
 */
public record FunctionSpec(String logicalId, String handler, String codeUri, Map<String, String> environment,
                           List<HttpRoute> httpRoutes, List<ScheduleSpec> schedules) {

    public FunctionSpec {
        Objects.requireNonNull(logicalId, "logicalId");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(codeUri, "codeUri");
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        httpRoutes = List.copyOf(httpRoutes);
        schedules = List.copyOf(schedules);
    }

    /** The class part of {@link #handler()}: {@code io.tollgate.login.LoginHandler}. */
    public String handlerClass() {
        int separator = handler.indexOf("::");
        return separator < 0 ? handler : handler.substring(0, separator);
    }

    /** The method part of {@link #handler()}, {@code handleRequest} when the handler names none. */
    public String handlerMethod() {
        int separator = handler.indexOf("::");
        return separator < 0 ? "handleRequest" : handler.substring(separator + 2);
    }
}
