package io.tollgate.devkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A SnakeYAML {@link SafeConstructor} that turns the CloudFormation short-form tags ({@code !Ref},
 * {@code !GetAtt}, {@code !Sub}, ...) into their long form ({@code {"Ref": x}}, {@code {"Fn::GetAtt": [a, b]}},
 * ...), so a template reads as the same plain map/list/scalar tree CloudFormation itself works on. Timestamps
 * stay strings ({@code AWSTemplateFormatVersion: 2010-09-09} unquoted is common). Any other tag is refused by
 * the safe constructor, so no arbitrary class can be instantiated from a template.
 */
final class CloudFormationConstructor extends SafeConstructor {

    /** Short-form tag (without the {@code !}) to long-form key. */
    static final Map<String, String> SHORT_FORMS = Map.ofEntries(
            Map.entry("Ref", "Ref"),
            Map.entry("Condition", "Condition"),
            Map.entry("GetAtt", "Fn::GetAtt"),
            Map.entry("Sub", "Fn::Sub"),
            Map.entry("Join", "Fn::Join"),
            Map.entry("Select", "Fn::Select"),
            Map.entry("Split", "Fn::Split"),
            Map.entry("If", "Fn::If"),
            Map.entry("Equals", "Fn::Equals"),
            Map.entry("Not", "Fn::Not"),
            Map.entry("And", "Fn::And"),
            Map.entry("Or", "Fn::Or"),
            Map.entry("FindInMap", "Fn::FindInMap"),
            Map.entry("GetAZs", "Fn::GetAZs"),
            Map.entry("ImportValue", "Fn::ImportValue"),
            Map.entry("Base64", "Fn::Base64"),
            Map.entry("Cidr", "Fn::Cidr"),
            Map.entry("Transform", "Fn::Transform"));

    CloudFormationConstructor(LoaderOptions options) {
        super(options);
        SHORT_FORMS.forEach((tag, function) -> yamlConstructors.put(new Tag("!" + tag), new Intrinsic(function)));
        yamlConstructors.put(Tag.TIMESTAMP, new AbstractConstruct() {
            @Override
            public Object construct(Node node) {
                return constructScalar((ScalarNode) node);
            }
        });
    }

    private final class Intrinsic extends AbstractConstruct {
        private final String function;

        Intrinsic(String function) {
            this.function = function;
        }

        @Override
        public Object construct(Node node) {
            Object value = switch (node) {
                case ScalarNode scalar -> constructScalar(scalar);
                case SequenceNode sequence -> constructSequence(sequence);
                case MappingNode mapping -> constructMapping(mapping);
                default -> throw new YAMLException("unexpected node for " + node.getTag().getValue() + node.getStartMark());
            };
            if (function.equals("Fn::GetAtt") && value instanceof String dotted) {
                int dot = dotted.indexOf('.');
                if (dot <= 0 || dot == dotted.length() - 1) {
                    throw new YAMLException("!GetAtt needs 'LogicalId.Attribute', got '" + dotted + "'" + node.getStartMark());
                }
                value = List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
            }
            Map<String, Object> longForm = new LinkedHashMap<>();
            longForm.put(function, value);
            return longForm;
        }
    }
}
