package io.tollgate.devkit;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the local gateway received it, before it becomes a Lambda event.
 *
 * @param method         request method, upper case
 * @param rawPath        path as sent, still percent-encoded
 * @param rawQueryString query as sent without {@code ?}, {@code ""} when none
 * @param headers        header name (any case) → values, one per header line
 * @param body           request body, empty when none
 * @param protocol       e.g. {@code HTTP/1.1}
 * @param sourceIp       the TCP peer address
 * @param port           the gateway's port
 */
record LocalHttpRequest(String method, String rawPath, String rawQueryString, Map<String, List<String>> headers,
                        byte[] body, String protocol, String sourceIp, int port) {

    String domainName() {
        return LocalGateway.HOST + ":" + port;
    }
}
