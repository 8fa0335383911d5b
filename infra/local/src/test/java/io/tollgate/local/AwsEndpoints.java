package io.tollgate.local;

import java.net.URI;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Where the AWS services of {@link AuthFlowScenario} answer: one endpoint per service (LocalStack
 * serves all four on one), the region and the credentials the SDK clients sign with.
 */
record AwsEndpoints(URI dynamoDb, URI kms, URI secretsManager, URI sqs, Region region,
        AwsCredentialsProvider credentials) {

    AwsEndpoints {
        Objects.requireNonNull(dynamoDb, "dynamoDb");
        Objects.requireNonNull(kms, "kms");
        Objects.requireNonNull(secretsManager, "secretsManager");
        Objects.requireNonNull(sqs, "sqs");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(credentials, "credentials");
    }

    /** Every service on one endpoint (LocalStack's edge port). */
    static AwsEndpoints single(URI endpoint, String region, String accessKey, String secretKey) {
        return new AwsEndpoints(endpoint, endpoint, endpoint, endpoint, Region.of(region),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)));
    }
}
