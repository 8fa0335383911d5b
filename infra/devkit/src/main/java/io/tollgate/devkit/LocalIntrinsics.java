package io.tollgate.devkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the few intrinsic functions an environment variable uses ({@code Ref}, {@code Fn::GetAtt ... Arn},
 * {@code Fn::Sub}, {@code Fn::Join}, {@code Fn::If}) to what they mean on a developer machine: a resource's local
 * name is its logical id, a parameter is its {@code Default}, pseudo parameters are fixed local values, and a
 * condition ({@code Fn::Equals}, {@code Fn::Not}, {@code Condition}) is evaluated over those defaults. Anything
 * else is refused with {@link Unresolvable} rather than guessed.
 */
final class LocalIntrinsics {

    static final String REGION = "us-east-1";
    static final String ACCOUNT_ID = "000000000000";
    static final String STACK_NAME = "tollgate-local";
    static final String ARN_PREFIX = "arn:aws:local:" + REGION + ":" + ACCOUNT_ID + ":";

    private static final Map<String, String> PSEUDO_PARAMETERS = Map.of(
            "AWS::Region", REGION,
            "AWS::AccountId", ACCOUNT_ID,
            "AWS::StackName", STACK_NAME,
            "AWS::Partition", "aws",
            "AWS::URLSuffix", "amazonaws.com");

    /** {@code ${Name}}, {@code ${Res.Attr}}, {@code ${AWS::Region}}; {@code ${!Literal}} stays literal. */
    private static final Pattern SUB_PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private final Map<String, Object> parameters;
    private final Map<String, Map<String, Object>> resources;
    private final Map<String, Object> conditions;

    LocalIntrinsics(Map<String, Object> parameters, Map<String, Map<String, Object>> resources, Map<String, Object> conditions) {
        this.parameters = parameters;
        this.resources = resources;
        this.conditions = conditions;
    }

    /** Why a value has no local meaning; the caller adds where the value was found. */
    static final class Unresolvable extends Exception {
        Unresolvable(String message) {
            super(message);
        }
    }

    /** {@code {"Ref": "AWS::NoValue"}}: the property is to be left out. */
    static boolean isNoValue(Object value) {
        return value instanceof Map<?, ?> map && map.size() == 1 && "AWS::NoValue".equals(map.get("Ref"));
    }

    String resolve(Object value) throws Unresolvable {
        return switch (value) {
            case null -> throw new Unresolvable("the value is empty");
            case String text -> text;
            case Number number -> number.toString();
            case Boolean bool -> bool.toString();
            case Map<?, ?> map when map.size() == 1 -> resolveFunction(map.keySet().iterator().next().toString(),
                    map.values().iterator().next());
            default -> throw new Unresolvable("cannot turn " + value + " into a string");
        };
    }

    private String resolveFunction(String function, Object argument) throws Unresolvable {
        return switch (function) {
            case "Ref" -> ref(string(argument, function));
            case "Fn::GetAtt" -> getAtt(argument);
            case "Fn::Sub" -> sub(argument);
            case "Fn::Join" -> join(argument);
            case "Fn::If" -> when(argument);
            default -> throw new Unresolvable(function + " is not supported locally");
        };
    }

    private String when(Object argument) throws Unresolvable {
        if (!(argument instanceof List<?> list) || list.size() != 3) {
            throw new Unresolvable("Fn::If needs [Condition, then, else], got " + argument);
        }
        return resolve(condition(string(list.get(0), "Fn::If")) ? list.get(1) : list.get(2));
    }

    private boolean condition(String name) throws Unresolvable {
        if (!conditions.containsKey(name)) {
            throw new Unresolvable("no condition " + name);
        }
        return holds(conditions.get(name));
    }

    private boolean holds(Object expression) throws Unresolvable {
        if (expression instanceof Map<?, ?> map && map.size() == 1) {
            Object argument = map.values().iterator().next();
            switch (map.keySet().iterator().next().toString()) {
                case "Condition" -> {
                    return condition(string(argument, "Condition"));
                }
                case "Fn::Not" -> {
                    if (argument instanceof List<?> list && list.size() == 1) {
                        return !holds(list.get(0));
                    }
                }
                case "Fn::Equals" -> {
                    if (argument instanceof List<?> list && list.size() == 2) {
                        return resolve(list.get(0)).equals(resolve(list.get(1)));
                    }
                }
                default -> {
                }
            }
        }
        throw new Unresolvable("condition " + expression + " is not supported locally");
    }

    private String ref(String name) throws Unresolvable {
        String pseudo = PSEUDO_PARAMETERS.get(name);
        if (pseudo != null) {
            return pseudo;
        }
        if (parameters.containsKey(name)) {
            if (!(parameters.get(name) instanceof Map<?, ?> parameter) || parameter.get("Default") == null) {
                throw new Unresolvable("parameter " + name + " has no Default");
            }
            return resolve(parameter.get("Default"));
        }
        if (resources.containsKey(name)) {
            return name;
        }
        throw new Unresolvable("Ref " + name + " names no parameter, resource or supported pseudo parameter");
    }

    private String getAtt(Object argument) throws Unresolvable {
        if (!(argument instanceof List<?> pair) || pair.size() != 2) {
            throw new Unresolvable("Fn::GetAtt needs [LogicalId, Attribute], got " + argument);
        }
        return getAtt(string(pair.get(0), "Fn::GetAtt"), string(pair.get(1), "Fn::GetAtt"));
    }

    private String getAtt(String logicalId, String attribute) throws Unresolvable {
        if (!resources.containsKey(logicalId)) {
            throw new Unresolvable("Fn::GetAtt names no resource " + logicalId);
        }
        if (!attribute.equals("Arn")) {
            throw new Unresolvable("Fn::GetAtt " + logicalId + "." + attribute + " is not supported locally (only Arn)");
        }
        return ARN_PREFIX + logicalId;
    }

    private String sub(Object argument) throws Unresolvable {
        String template;
        Map<?, ?> variables = Map.of();
        if (argument instanceof String text) {
            template = text;
        } else if (argument instanceof List<?> list && list.size() == 2 && list.get(0) instanceof String text
                && list.get(1) instanceof Map<?, ?> map) {
            template = text;
            variables = map;
        } else {
            throw new Unresolvable("Fn::Sub needs a string or [string, {variables}], got " + argument);
        }
        Matcher matcher = SUB_PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";
            } else if (variables.containsKey(name)) {
                replacement = resolve(variables.get(name));
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                int dot = name.indexOf('.');
                replacement = getAtt(name.substring(0, dot), name.substring(dot + 1));
            } else {
                replacement = ref(name);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private String join(Object argument) throws Unresolvable {
        if (!(argument instanceof List<?> list) || list.size() != 2 || !(list.get(1) instanceof List<?> parts)) {
            throw new Unresolvable("Fn::Join needs [delimiter, [values]], got " + argument);
        }
        String delimiter = string(list.get(0), "Fn::Join");
        List<String> resolved = new ArrayList<>();
        for (Object part : parts) {
            resolved.add(resolve(part));
        }
        return String.join(delimiter, resolved);
    }

    private static String string(Object value, String function) throws Unresolvable {
        if (value instanceof String text) {
            return text;
        }
        throw new Unresolvable(function + " needs a literal name here, got " + value);
    }
}
