package io.tollgate.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamTemplateTest {

    private final SamTemplate template = TestTemplates.template();

    private Map<String, Object> tagZoo() {
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) template.resources().get("TagZoo").get("Properties");
        return properties;
    }

    @Test
    void parseWhenScalarTagsThenLongForm() {
        Map<String, Object> zoo = tagZoo();
        assertEquals(Map.of("Ref", "UsersTable"), zoo.get("Ref"));
        assertEquals(Map.of("Fn::GetAtt", List.of("UsersTable", "StreamArn")), zoo.get("GetAttScalar"));
        assertEquals(Map.of("Fn::Sub", "arn:${AWS::Partition}:s3:::${Stage}-bucket"), zoo.get("SubScalar"));
        assertEquals(Map.of("Condition", "IsLocal"), zoo.get("Condition"));
        assertEquals(Map.of("Fn::GetAZs", ""), zoo.get("GetAZs"));
        assertEquals(Map.of("Fn::ImportValue", "shared-vpc-id"), zoo.get("ImportValue"));
        assertEquals(Map.of("Fn::Base64", "#!/bin/sh"), zoo.get("Base64"));
    }

    @Test
    void parseWhenSequenceTagsThenLongFormWithNestedTags() {
        Map<String, Object> zoo = tagZoo();
        Map<String, Object> stage = Map.of("Ref", "Stage");
        assertEquals(Map.of("Fn::GetAtt", List.of("UsersTable", "Arn")), zoo.get("GetAttSequence"));
        assertEquals(Map.of("Fn::Sub", List.of("${A}-x", Map.of("A", stage))), zoo.get("SubSequence"));
        assertEquals(Map.of("Fn::Join", List.of("-", List.of("a", stage))), zoo.get("Join"));
        assertEquals(Map.of("Fn::Select", List.of(1, List.of("x", "y", "z"))), zoo.get("Select"));
        assertEquals(Map.of("Fn::Split", List.of(",", "a,b")), zoo.get("Split"));
        assertEquals(Map.of("Fn::If", List.of("IsLocal", "yes-value", Map.of("Ref", "AWS::NoValue"))), zoo.get("If"));
        assertEquals(Map.of("Fn::Equals", List.of(stage, "local")), zoo.get("Equals"));
        assertEquals(Map.of("Fn::Not", List.of(Map.of("Condition", "IsLocal"))), zoo.get("Not"));
        assertEquals(Map.of("Fn::And", List.of(Map.of("Condition", "IsLocal"), Map.of("Condition", "Either"))),
                zoo.get("And"));
        assertEquals(Map.of("Fn::Or", List.of(Map.of("Condition", "IsLocal"), Map.of("Condition", "NotLocal"))),
                zoo.get("Or"));
        assertEquals(Map.of("Fn::FindInMap", List.of("Sizes", stage, "Memory")), zoo.get("FindInMap"));
        assertEquals(Map.of("Fn::Cidr", List.of("10.0.0.0/16", 4, 8)), zoo.get("Cidr"));
    }

    @Test
    void parseWhenTagWrapsMappingThenLongFormOfMapping() {
        assertEquals(Map.of("Fn::ImportValue", Map.of("Fn::Sub", "${Stage}-vpc")), tagZoo().get("ImportValueSub"));
    }

    @Test
    void parseWhenUnquotedDateThenString() {
        assertEquals("2010-09-09", template.document().get("AWSTemplateFormatVersion"));
    }

    @Test
    void parseWhenGetAttScalarHasNoDotThenClearError() {
        SamTemplateException e = assertThrows(SamTemplateException.class,
                () -> SamTemplate.parse("Resources:\n  X:\n    Type: T\n    Properties:\n      A: !GetAtt Nodot\n", "t"));
        assertTrue(e.getMessage().contains("LogicalId.Attribute"), e.getMessage());
    }

    @Test
    void parseWhenUnknownTagThenRefused() {
        assertThrows(SamTemplateException.class,
                () -> SamTemplate.parse("Resources:\n  X:\n    Type: !!java.io.File /etc/passwd\n", "t"));
        assertThrows(SamTemplateException.class,
                () -> SamTemplate.parse("Resources:\n  X:\n    Type: !Bogus x\n", "t"));
    }

    @Test
    void parseWhenDuplicateKeyThenRefused() {
        assertThrows(SamTemplateException.class,
                () -> SamTemplate.parse("Resources:\n  X:\n    Type: A\n  X:\n    Type: B\n", "t"));
    }

    @Test
    void parseWhenNoResourcesThenRefused() {
        assertThrows(SamTemplateException.class, () -> SamTemplate.parse("Description: nothing\n", "t"));
    }

    @Test
    void resourcesWhenModifiedThenRefused() {
        assertThrows(UnsupportedOperationException.class, () -> template.resources().remove("UsersTable"));
        assertThrows(UnsupportedOperationException.class, () -> tagZoo().put("x", "y"));
    }

    @Test
    void functionsWhenGlobalsAndOwnVariablesThenMergedOwnWinsAndIntrinsicsResolved() {
        FunctionSpec users = template.function("UsersFunction").orElseThrow();
        assertEquals("io.tollgate.devkit.testfn.RecordingHandler::handleRequest", users.handler());
        assertEquals("io.tollgate.devkit.testfn.RecordingHandler", users.handlerClass());
        assertEquals("handleRequest", users.handlerMethod());
        assertEquals(".", users.codeUri());
        Map<String, String> env = users.environment();
        assertEquals("UsersTable", env.get("USERS_TABLE"));
        assertEquals("https://auth.test.example", env.get("TOKEN_ISSUER"));
        assertEquals("from-function", env.get("OVERRIDDEN"));
        assertEquals("us-east-1/tollgate-local/000000000000", env.get("REGION_AND_STACK"));
        assertEquals("arn:aws:local:us-east-1:000000000000:AuditTable", env.get("AUDIT_TABLE_ARN"));
        assertEquals("Secret", env.get("SECRET_ID"));
        assertEquals("https://auth.test.example/.well-known/jwks.json", env.get("ISSUER_URL"));
        assertEquals("arn:aws:local:us-east-1:000000000000:UsersTable", env.get("TABLE_ARN_SUB"));
        assertEquals("${NotAVariable}", env.get("LITERAL"));
        assertEquals("UsersTable:users", env.get("SUB_WITH_VARIABLES"));
        assertEquals("UsersTable,AuditTable", env.get("JOINED"));
        assertEquals("25", env.get("MAX_ITEMS"));
        assertFalse(env.containsKey("DROPPED"));
    }

    @Test
    void functionsWhenVariableIsFnIfThenTheConditionIsEvaluatedOverParameterDefaults() {
        String yaml = """
                Parameters:
                  DomainName: {Type: String, Default: ""}
                  Issuer: {Type: String, Default: "https://issuer.test"}
                  Mode: {Type: String, Default: "strict"}
                Conditions:
                  HasDomain: !Not [!Equals [!Ref DomainName, ""]]
                  Strict: !Equals [!Ref Mode, strict]
                  StrictToo: !Condition Strict
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handleRequest
                      CodeUri: .
                      Environment:
                        Variables:
                          ISSUER: !If [HasDomain, !Sub "https://${DomainName}", !Ref Issuer]
                          MODE: !If [StrictToo, enabled, disabled]
                """;
        Map<String, String> env = SamTemplate.parse(yaml, "t").function("Fn").orElseThrow().environment();
        assertEquals("https://issuer.test", env.get("ISSUER"));
        assertEquals("enabled", env.get("MODE"));
    }

    @Test
    void functionsWhenHandlerHasNoMethodThenHandleRequestAndOwnCodeUri() {
        FunctionSpec publicFunction = template.function("PublicFunction").orElseThrow();
        assertEquals("handleRequest", publicFunction.handlerMethod());
        assertEquals("public/", publicFunction.codeUri());
        assertEquals("from-globals", publicFunction.environment().get("OVERRIDDEN"));
    }

    @Test
    void functionsWhenVariableUnresolvableThenErrorNamesFunctionAndVariable() {
        String yaml = """
                Parameters:
                  NoDefault: {Type: String}
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B
                      CodeUri: .
                      Environment:
                        Variables:
                          BROKEN: !Ref NoDefault
                """;
        SamTemplateException e = assertThrows(SamTemplateException.class,
                () -> SamTemplate.parse(yaml, "t").functions());
        assertTrue(e.getMessage().contains("Fn") && e.getMessage().contains("BROKEN")
                && e.getMessage().contains("NoDefault"), e.getMessage());
    }

    @Test
    void functionsWhenGetAttOtherThanArnThenErrorNamesFunctionAndVariable() {
        String yaml = """
                Resources:
                  T: {Type: AWS::DynamoDB::Table}
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B
                      CodeUri: .
                      Environment:
                        Variables:
                          STREAM: !GetAtt T.StreamArn
                """;
        SamTemplateException e = assertThrows(SamTemplateException.class,
                () -> SamTemplate.parse(yaml, "t").functions());
        assertTrue(e.getMessage().contains("Fn") && e.getMessage().contains("STREAM"), e.getMessage());
    }

    @Test
    void functionsWhenScheduleEventsThenParsed() {
        assertEquals(List.of(new ScheduleSpec("Purge", "rate(1 hour)"),
                        new ScheduleSpec("nightly-report", "cron(0 3 * * ? *)")),
                template.function("UsersFunction").orElseThrow().schedules());
    }

    @Test
    void httpRoutesWhenDefaultAuthorizerThenAppliedUnlessNone() {
        List<HttpRoute> routes = template.httpRoutes();
        Optional<String> token = Optional.of("TokenAuthorizer");
        assertTrue(routes.contains(new HttpRoute("GET", "/v1/users/{id}", "UsersFunction", token)));
        assertTrue(routes.contains(new HttpRoute("GET", "/v1/users/me", "UsersFunction", token)));
        assertTrue(routes.contains(new HttpRoute("ANY", "/v1/files/{proxy+}", "UsersFunction", token)));
        assertTrue(routes.contains(new HttpRoute("POST", "/v1/auth/login", "UsersFunction", Optional.empty())));
        assertTrue(routes.contains(new HttpRoute("GET", "/status", "PublicFunction", Optional.empty())));
        assertEquals(7, routes.size());
    }

    @Test
    void authorizersWhenLambdaAndJwtThenOnlyLambdaListed() {
        assertEquals(List.of(new AuthorizerSpec("TokenAuthorizer", "AuthorizerFunction",
                        List.of("$request.header.Authorization"), "2.0", true)),
                template.authorizers());
    }

    @Test
    void tablesWhenGsiTtlAndStreamThenRead() {
        List<TableSpec> tables = template.tables();
        assertEquals(List.of("UsersTable", "AuditTable"), tables.stream().map(TableSpec::logicalId).toList());
        TableSpec users = tables.getFirst();
        assertEquals(List.of(new TableSpec.KeyElement("pk", "HASH"), new TableSpec.KeyElement("sk", "RANGE")),
                users.keySchema());
        assertEquals(3, users.attributeDefinitions().size());
        assertEquals(List.of(new TableSpec.Gsi("byEmail", List.of(new TableSpec.KeyElement("email", "HASH")),
                "INCLUDE", List.of("status"))), users.globalSecondaryIndexes());
        assertEquals(Optional.of("expiresAt"), users.ttlAttribute());
        assertEquals(Optional.of("NEW_AND_OLD_IMAGES"), users.streamViewType());
        TableSpec audit = tables.get(1);
        assertEquals(Optional.empty(), audit.ttlAttribute());
        assertEquals(Optional.empty(), audit.streamViewType());
        assertEquals(List.of(), audit.globalSecondaryIndexes());
    }

    @Test
    void findFromWhenTemplateInAncestorThenFound(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve(SamTemplate.FILE_NAME), TestTemplates.yaml());
        Path nested = Files.createDirectories(root.resolve("infra/devkit"));
        SamTemplate found = SamTemplate.findFrom(nested);
        assertEquals(Optional.of(root.resolve(SamTemplate.FILE_NAME).toAbsolutePath().normalize()), found.location());
        assertTrue(found.resources().containsKey("UsersTable"));
    }

    @Test
    void findFromWhenNoTemplateUpToRootThenClearError(@TempDir Path root) throws IOException {
        Path nested = Files.createDirectories(root.resolve("a/b"));
        // /tmp (the usual parent of @TempDir) has no template.yaml; skip if this machine has one above it.
        for (Path dir = nested; dir != null; dir = dir.getParent()) {
            assumeFalse(Files.exists(dir.resolve(SamTemplate.FILE_NAME)));
        }
        SamTemplateException e = assertThrows(SamTemplateException.class, () -> SamTemplate.findFrom(nested));
        assertTrue(e.getMessage().contains(SamTemplate.FILE_NAME), e.getMessage());
    }
}
