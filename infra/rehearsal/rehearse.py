"""Deploy rehearsal tools (run by DeployRehearsalTest, or by hand from the repository root).

    python3 infra/rehearsal/rehearse.py lint template.yaml       cfn-lint findings as JSON lines
    python3 infra/rehearsal/rehearse.py transform template.yaml  the SAM transform's CloudFormation as JSON

Needs no AWS account: the transform uses the managed-policy ARNs bundled with aws-sam-translator
and replaces each local CodeUri by an S3 URI, as `sam package` would. Exit code 3 means a tool is
missing; the message says what to install.
"""
import json
import os
import sys

INSTALL = "pip install cfn-lint==1.51.0 aws-sam-translator==1.110.0"


def lint(path):
    from cfnlint.api import lint_by_config
    from cfnlint.config import ManualArgs

    for match in lint_by_config(ManualArgs(templates=[path], include_checks=["I"])):
        where = [str(part) for part in (match.path or [])]
        print(json.dumps({
            "rule": match.rule.id,
            "line": match.linenumber,
            "resource": where[1] if len(where) > 1 and where[0] == "Resources" else "",
            "message": match.message,
        }))


def transform(path):
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
    from samtranslator.translator.transform import transform as sam_transform
    from samtranslator.yaml_helper import yaml_parse

    class BundledPoliciesOnly:
        """Managed policies come from the translator's bundled map; asking IAM would need AWS."""

        def load(self):
            raise SystemExit("the template names a managed policy the SAM translator does not bundle")

    with open(path, encoding="utf-8") as source:
        template = yaml_parse(source.read())
    for name, resource in template.get("Resources", {}).items():
        properties = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(properties.get("CodeUri"), str):
            properties["CodeUri"] = "s3://rehearsal-artifacts/" + name + ".zip"
    json.dump(sam_transform(template, {}, BundledPoliciesOnly()), sys.stdout, indent=1, default=str)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("lint", "transform"):
        sys.exit(__doc__)
    try:
        import cfnlint  # noqa: F401
        import samtranslator  # noqa: F401
    except ImportError as missing:
        print(f"{missing}; install with: {INSTALL}", file=sys.stderr)
        sys.exit(3)
    (lint if sys.argv[1] == "lint" else transform)(sys.argv[2])


if __name__ == "__main__":
    main()
