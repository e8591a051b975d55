"""The SSM State Manager association (examples/ssm/) against AWS-ApplyAnsiblePlaybooks, and its bundle.

fixtures/aws-apply-ansible-playbooks.json is the document's parameters and
command as published by AWS (its "source" says where it was read). Every
parameter name, value, allowed value and pattern of the create-association
input and of the CloudFormation template is checked against it; the bundle
of `make bundle` is unzipped and its PlaybookFile run the way the document
runs it, -i "localhost," -c local, with only the bundle's own collection.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[2]
DOCUMENT = json.loads((Path(__file__).parent / "fixtures" / "aws-apply-ansible-playbooks.json").read_text())
EXAMPLES = PROJECT / "examples" / "ssm"
BIN = Path(sys.executable).parent


def _cli_input() -> dict[str, Any]:
    return json.loads((EXAMPLES / "association.json").read_text())


def _cfn_properties() -> dict[str, Any]:
    """The template's association, its Fn::Sub and Ref resolved with the parameters' defaults."""
    template = json.loads((EXAMPLES / "association.cfn.json").read_text())
    defaults = {name: spec["Default"] for name, spec in template["Parameters"].items()}

    def resolve(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"Ref"}:
            return defaults[value["Ref"]]
        if isinstance(value, dict) and set(value) == {"Fn::Sub"}:
            return re.sub(r"\$\{(\w+)\}", lambda m: defaults[m.group(1)], value["Fn::Sub"])
        if isinstance(value, dict):
            return {key: resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [resolve(item) for item in value]
        return value

    (association,) = template["Resources"].values()
    assert association["Type"] == "AWS::SSM::Association"
    return resolve(association["Properties"])


ASSOCIATIONS = [pytest.param(_cli_input, id="create-association"), pytest.param(_cfn_properties, id="cloudformation")]


@pytest.mark.parametrize("association", ASSOCIATIONS)
def test_the_association_runs_the_document_with_its_own_parameters_only(association) -> None:
    given = association()
    assert given["Name"] == "AWS-ApplyAnsiblePlaybooks"
    assert DOCUMENT["document"].startswith(given["Name"] + " ")
    parameters = given["Parameters"]
    assert set(parameters) <= set(DOCUMENT["parameters"]), set(parameters) - set(DOCUMENT["parameters"])
    for name, values in parameters.items():
        assert isinstance(values, list) and len(values) == 1 and isinstance(values[0], str), name


@pytest.mark.parametrize("association", ASSOCIATIONS)
def test_every_value_is_one_the_document_allows(association) -> None:
    for name, (value,) in association()["Parameters"].items():
        spec = DOCUMENT["parameters"][name]
        if "allowedValues" in spec:
            assert value in spec["allowedValues"], (name, value)
        if "allowedPattern" in spec:
            assert re.fullmatch(spec["allowedPattern"], value), (name, value, spec["allowedPattern"])
        if spec["type"] == "StringMap":
            source_type = association()["Parameters"]["SourceType"][0]
            assert set(json.loads(value)) <= set(spec["keys"][source_type]), (name, value)


@pytest.mark.parametrize("association", ASSOCIATIONS)
def test_the_bundle_is_fetched_from_s3_and_its_entry_is_the_per_instance_playbook(association) -> None:
    parameters = association()["Parameters"]
    assert parameters["SourceType"] == ["S3"]
    assert json.loads(parameters["SourceInfo"][0])["path"].endswith("/awslogs-ops-ssm.zip")
    assert parameters["PlaybookFile"] == ["playbooks/local.yml"]
    # The bundle brings its collection; the instance needs ansible-core (meta/runtime.yml), not its OS package.
    assert parameters["InstallDependencies"] == ["False"]
    assert int(parameters["TimeoutSeconds"][0]) <= 30 * 60


def test_the_two_forms_say_the_same() -> None:
    cli, cfn = _cli_input(), _cfn_properties()
    assert cfn["Parameters"] == cli["Parameters"]
    for key in ("ScheduleExpression", "ApplyOnlyAtCronInterval", "MaxConcurrency", "MaxErrors", "Targets"):
        assert cfn[key] == cli[key], key


def test_the_pattern_of_extra_variables_refuses_what_the_document_says() -> None:
    pattern = DOCUMENT["parameters"]["ExtraVariables"]["allowedPattern"]
    assert re.fullmatch(pattern, "SSM=True awslogs_local_settings=/etc/awslogs-ops/local.yml")
    for bad in ("url=http://x", "a=b|c", "a=b;c", "a=b&c", "a=(b)"):
        assert not re.fullmatch(pattern, bad), bad


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """make bundle, unzipped."""
    out = tmp_path_factory.mktemp("bundle")
    zipped = out / "awslogs-ops-ssm.zip"
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}
    subprocess.run(["make", "-s", "bundle", f"BUNDLE={zipped}"], cwd=PROJECT, env=env, check=True, capture_output=True)
    root = out / "root"
    with zipfile.ZipFile(zipped) as archive:
        archive.extractall(root)
    return root


def _as_the_document_runs_it(bundle: Path, *extra: str) -> subprocess.CompletedProcess:
    """Its command (fixtures: what_it_runs), from the unzipped bundle, with no setting of this checkout."""
    assert any('ansible-playbook -i "localhost," [--check] -c local' in line for line in DOCUMENT["what_it_runs"])
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "MOLECULE_"))}
    env |= {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(bundle.parent)}
    python3 = shutil.which("python3", path=env["PATH"])
    command = ["ansible-playbook", "-i", "localhost,", "-c", "local", "-e", f"ansible_python_interpreter={python3}"]
    command += ["-e", "SSM=True", *extra, "playbooks/local.yml"]
    return subprocess.run(command, cwd=bundle, env=env, capture_output=True, text=True, check=False)


def test_the_bundle_holds_the_entry_its_stream_list_and_the_collection(bundle: Path) -> None:
    assert (bundle / "playbooks" / "local.yml").read_text() == (PROJECT / "playbooks" / "local.yml").read_text()
    assert (bundle / "inventory" / "group_vars" / "all" / "awslogs.yml").is_file()
    collection = bundle / "collections" / "ansible_collections" / "awslogs_ops" / "awslogs"
    assert (collection / "roles" / "awslogs" / "tasks" / "main.yml").is_file()
    assert not collection.is_symlink()


def test_the_bundles_entry_parses_under_the_documents_command(bundle: Path) -> None:
    done = _as_the_document_runs_it(bundle, "--syntax-check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "playbook: playbooks/local.yml" in done.stdout


def test_the_bundles_entry_uses_the_bundled_collection_on_localhost(bundle: Path) -> None:
    done = _as_the_document_runs_it(bundle, "--list-tasks", "--list-hosts")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "hosts (1):\n      localhost" in done.stdout
    assert "awslogs : Check the settings and the stream list before the host is touched" in done.stdout
    # The role comes from the bundle: a bundle without its collection has no role to run.
    shutil.move(bundle / "collections", bundle.parent / "collections-aside")
    try:
        without = _as_the_document_runs_it(bundle, "--syntax-check")
    finally:
        shutil.move(bundle.parent / "collections-aside", bundle / "collections")
    assert without.returncode != 0
    assert "awslogs_ops.awslogs.awslogs" in without.stdout + without.stderr
