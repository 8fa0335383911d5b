package io.tollgate.devkit;

import java.util.List;
import java.util.Objects;

/**
 * A Lambda authorizer declared under {@code Auth.Authorizers} of an {@code AWS::Serverless::HttpApi}.
 *
 * @param name                 the authorizer's name, as routes refer to it
 * @param functionLogicalId    the function named by {@code FunctionArn: !GetAtt Fn.Arn} or its alias, {@code !Ref Fn.Alias}
 * @param identitySources      API Gateway identity sources, e.g. {@code $request.header.Authorization}
 * @param payloadFormatVersion {@code 2.0} or {@code 1.0}
 * @param simpleResponses      {@code EnableSimpleResponses}: the function answers {@code isAuthorized} + context
 */
public record AuthorizerSpec(String name, String functionLogicalId, List<String> identitySources,
                             String payloadFormatVersion, boolean simpleResponses) {

    public AuthorizerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(functionLogicalId, "functionLogicalId");
        identitySources = List.copyOf(identitySources);
        Objects.requireNonNull(payloadFormatVersion, "payloadFormatVersion");
    }
}
