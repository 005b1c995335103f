"""The stack program: spec path from the stack or config, records exported for the runtime, Pulumi project files."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime import settings

from components.mocks import PREVIEW_ACCOUNT, PREVIEW_SUBSCRIPTION, CloudMocks
from components.program import HMAC_OUTPUT, StackSettings, provision
from tether.records import OUTPUT, IntegrationRecord, load_records
from tether.spec.model import Spec

ROOT = Path(__file__).resolve().parents[2]


def _mock(stack: str, config: dict[str, str]) -> None:
    settings.set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_all_config(config)
    pulumi.runtime.set_mocks(CloudMocks(), project="tether", stack=stack, preview=False)


def run_main(stack: str, config: dict[str, str]) -> dict[str, Any]:
    """The stack outputs the root __main__.py exports, resolved, for ``stack`` with ``config``."""
    _mock(stack, config)
    resolved: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")
        root = settings.get_root_resource()
        exported = root.outputs  # type: ignore[union-attr]
        return pulumi.Output.from_input(exported).apply(resolved.update)

    program()
    return resolved


def resolved_records(spec: Spec, stack_settings: StackSettings) -> dict[str, Any]:
    _mock("test", {})
    resolved: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        return pulumi.Output.from_input(provision(spec, stack_settings)).apply(resolved.update)

    program()
    return resolved


SUBSCRIPTION = {"azure-native:subscriptionId": PREVIEW_SUBSCRIPTION}


def test_main_reads_the_selected_stacks_spec() -> None:
    outputs = run_main("prod", SUBSCRIPTION)
    assert sorted(outputs[OUTPUT]) == ["call-audio", "drone-survey", "patient-ultrasound", "shelf-images", "traffic-video"]


def test_config_spec_overrides_the_stack_path(tmp_path: Path) -> None:
    spec = (ROOT / "stacks/dev/integrations.yaml").read_text(encoding="utf-8")
    path = tmp_path / "other.yaml"
    path.write_text(spec.replace("name: lab-archive", "name: lab-archive-2"), encoding="utf-8")
    outputs = run_main("prod", {**SUBSCRIPTION, "tether:spec": str(path)})
    assert "lab-archive-2" in outputs[OUTPUT] and "patient-ultrasound" not in outputs[OUTPUT]


def test_a_bad_spec_ends_the_run_with_its_located_message(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\norganization: {name: acme, members: [ann@acme.ai]}\nplatform: {origins: [ftp://x]}\n")
    with pytest.raises(pulumi.RunError, match=r"bad\.yaml:3:22: platform\.origins\[0\]: expected an origin"):
        run_main("dev", {"tether:spec": str(path)})


def test_records_carry_what_the_runtime_needs(dev: Spec) -> None:
    records = resolved_records(dev, StackSettings(azure_subscription=PREVIEW_SUBSCRIPTION))
    assert records["traffic-video"] == {
        "name": "traffic-video",
        "provider": "aws",
        "bucket": "acme-vision-dev-traffic-video",
        "region": "eu-west-2",
        "endpoint": None,
        "path_style": False,
        "role_arn": f"arn:aws:iam::{PREVIEW_ACCOUNT}:role/tether/tether-traffic-video-acme-vision-dev-traffic-video",
        "service_account": None,
        "hmac_access_id": None,
        "account": None,
        "container": None,
        "principal": None,
        "signed_url_expiry_seconds": 12 * 3600,
        "sas_rotation_seconds": None,
        "strict_client_only": False,
        "direct_access": False,
    }
    gcp = records["retail-images"]
    assert gcp["service_account"] == "annotate-reader@acme-vision-dev.iam.gserviceaccount.com"
    assert gcp["hmac_access_id"].startswith("GOOG1E") and gcp["signed_url_expiry_seconds"] == 86400
    azure = records["call-audio"]
    assert (azure["account"], azure["container"], azure["bucket"]) == ("acmevisiondevaudio", "calls", "calls")
    assert (azure["sas_rotation_seconds"], azure["signed_url_expiry_seconds"]) == (7 * 86400, None)
    otc = records["drone-survey"]
    assert (otc["endpoint"], otc["path_style"], otc["principal"]) == (
        "https://obs.eu-de.otc.t-systems.com", True, "domain/0a1b2c3d4e5f:user/9f8e7d6c5b4a"
    )
    assert (otc["direct_access"], otc["strict_client_only"], otc["signed_url_expiry_seconds"]) == (True, True, 4 * 3600)
    compatible = records["lab-archive"]
    assert (compatible["endpoint"], compatible["signed_url_expiry_seconds"]) == ("https://s3.lab.acme-vision.ai", 7 * 86400)
    assert records["medical-scans"]["strict_client_only"] is True


def test_records_never_carry_a_secret(dev: Spec) -> None:
    records = resolved_records(dev, StackSettings(azure_subscription=PREVIEW_SUBSCRIPTION))
    text = json.dumps(records)
    hmac_secret = CloudMocks().new_resource(
        pulumi.runtime.MockResourceArgs("gcp:storage/hmacKey:HmacKey", "retail-images-hmac", {})
    )[1]["secret"]
    assert hmac_secret not in text and "secret" not in records["retail-images"]


def test_hmac_secret_is_exported_as_a_secret_output_for_signing() -> None:
    # The key's secret exists only at creation (gcp.storage.HmacKey ``secret`` output); without an export
    # the key is unusable unless someone digs in state. Signing reads TETHER_GCS_HMAC_SECRET_<NAME>.
    _mock("dev", SUBSCRIPTION)
    seen: dict[str, Any] = {}

    @pulumi.runtime.test
    def program() -> pulumi.Output[None]:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")
        exported = settings.get_root_resource().outputs  # type: ignore[union-attr]
        secrets = exported[HMAC_OUTPUT]

        async def inspect() -> None:
            seen["secret"] = await secrets.is_secret()
            seen["value"] = await secrets.future()

        return pulumi.Output.from_input(inspect())  # type: ignore[arg-type]

    program()
    expected = CloudMocks().new_resource(
        pulumi.runtime.MockResourceArgs("gcp:storage/hmacKey:HmacKey", "retail-images-hmac", {})
    )[1]["secret"]
    assert seen == {"secret": True, "value": {"retail-images": expected}}


def test_direct_access_record_has_no_role(prod: Spec) -> None:
    records = resolved_records(prod, StackSettings(azure_subscription=PREVIEW_SUBSCRIPTION))
    assert records["patient-ultrasound"]["role_arn"] is None
    assert records["traffic-video"]["role_arn"].endswith(":role/tether/tether-traffic-video-acme-vision-prod-traffic-video")


def test_exported_records_load_back_as_typed_records(dev: Spec, tmp_path: Path) -> None:
    records = resolved_records(dev, StackSettings(azure_subscription=PREVIEW_SUBSCRIPTION))
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({OUTPUT: records}, indent=2))
    loaded = load_records(path)
    assert set(loaded) == {i.name for i in dev.integrations}
    assert all(isinstance(r, IntegrationRecord) for r in loaded.values())
    assert {name: r.to_json() for name, r in loaded.items()} == records


def test_pulumi_project_runs_main_with_the_venv() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["name"] == "tether"
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": ".venv"}}
    assert (ROOT / project["main"]).is_file()


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_stack_config_has_its_spec_and_cloud_settings(stack: str) -> None:
    config = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]
    assert (ROOT / "stacks" / stack / "integrations.yaml").is_file()
    assert {"aws:region", "azure-native:subscriptionId", "azure-native:location", "gcp:project"} <= set(config)
    assert not any(key.startswith("tether:storeCredentials") for key in config)  # secrets are set with the CLI
