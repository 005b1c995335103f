"""Runs that build on runs: incremental (--since), resume after an interruption, shards and their merge, the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import tether.register.run as run_module
from runtime import Runtime
from tests.register.conftest import HEAD, env_file, s3_settings, s3_spec
from tests.register.test_on_servers import items
from tests.servers import seaweedfs_s3
from tether.cli.main import main
from tether.register.run import REMOVED, Request, merge, register
from tether.register.shard import Shard
from tether.register.state import State
from tether.settings import load_settings
from tether.standins.seaweedfs import SeaweedFSHandle

MEDIA = 4  # measured objects in the sample bucket (clip, frame, shelf, call)
MEASURED = MEDIA + 2  # and broken.mp4, which fails, and blob.bin, looked at and skipped (its name says nothing)


@pytest.fixture
def runtime(seaweedfs: SeaweedFSHandle, bucket: str) -> Runtime:
    return Runtime(s3_spec(seaweedfs.endpoint_url, bucket), {}, s3_settings(seaweedfs))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys measured (through signed URLs), in order."""
    seen: list[str] = []
    real = run_module.measure

    def measure(url: str, *args: Any) -> Any:
        seen.append(url.split("?")[0])
        return real(url, *args)

    monkeypatch.setattr(run_module, "measure", measure)
    return seen


def test_since_writes_only_new_and_changed_objects_and_lists_removed_ones(
    runtime: Runtime, seaweedfs: SeaweedFSHandle, bucket: str, samples: dict[str, bytes], tmp_path: Path,
    counted: list[str],
) -> None:  # fmt: skip
    register(runtime, Request("lab", "ben@acme.ai", None, tmp_path / "day1"))
    assert len(counted) == MEASURED
    client = seaweedfs_s3(seaweedfs)
    client.put_object(Bucket=bucket, Key="media/cam1/frame.png", Body=samples["media/shelf one/shelf+1.jpg"])
    client.put_object(Bucket=bucket, Key="media/new/call.wav", Body=samples["media/calls/call.wav"])
    client.delete_object(Bucket=bucket, Key="media/cam1/clip.mp4")
    counted.clear()
    outcome = register(runtime, Request("lab", "ben@acme.ai", None, tmp_path / "day2", since=tmp_path / "day1"))
    # changed, new, and the broken one (a failure is measured again); unchanged objects are not
    assert sorted(u.rsplit("/", 2)[-2] + "/" + u.rsplit("/", 1)[-1] for u in counted) == [
        "cam1/frame.png", "media/broken.mp4", "new/call.wav"
    ]  # fmt: skip
    found = items(tmp_path / "day2")
    assert set(found) == {"media/cam1/frame.png", "media/new/call.wav"}
    assert found["media/cam1/frame.png"]["imageMetadata"]["width"] == 800  # type: ignore[index]
    assert (tmp_path / "day2" / REMOVED).read_text() == "media/cam1/clip.mp4\n"
    assert outcome.removed == 1 and outcome.problems == []
    # day 3 from day 2: nothing changed, nothing written, nothing removed; day 2's state carried everything
    counted.clear()
    again = register(runtime, Request("lab", "ben@acme.ai", None, tmp_path / "day3", since=tmp_path / "day2"))
    assert [u.rsplit("/", 1)[-1] for u in counted] == ["broken.mp4"] and again.files == []
    assert again.removed == 0


def test_objects_named_by_a_hash_are_registered_by_their_content(
    runtime: Runtime, seaweedfs: SeaweedFSHandle, bucket: str, samples: dict[str, bytes], tmp_path: Path,
    counted: list[str],
) -> None:  # fmt: skip
    """Datasets often name objects by a hash, with no extension and a generic content type: the content decides
    their list; what is not media is skipped, not failed; a name that says what it is (a zip) is not looked at."""
    client = seaweedfs_s3(seaweedfs)
    hashed = {"3f9a0c": samples["media/cam1/frame.png"], "77c0e1": samples["media/cam1/clip.mp4"],
              "e1d2b4": b"just some text\n", "data.zip": b"PK\x03\x04" + bytes(40)}  # fmt: skip
    for name, body in hashed.items():
        client.put_object(Bucket=bucket, Key=f"media/hashed/{name}", Body=body, ContentType="application/octet-stream")
    outcome = register(runtime, Request("lab", "ben@acme.ai", "media/hashed/", tmp_path / "out"))
    assert sorted(u.rsplit("/", 1)[-1] for u in counted) == ["3f9a0c", "77c0e1", "e1d2b4"]
    found = items(tmp_path / "out")
    assert {key: entry["list"] for key, entry in found.items()} == {
        "media/hashed/3f9a0c": "images", "media/hashed/77c0e1": "videos"
    }  # fmt: skip
    assert found["media/hashed/77c0e1"]["videoMetadata"]["mime_type"] == "video/mp4"  # type: ignore[index]
    assert outcome.counts == {"ok": 2, "skipped": 2} and outcome.failures == 0 and outcome.problems == []
    state = State(tmp_path / "out")
    reasons = dict(state.db.execute("SELECT key, reason FROM objects WHERE status = 'skipped'"))
    state.close()
    assert reasons["media/hashed/e1d2b4"].startswith("not a video, image or audio file")
    assert reasons["media/hashed/data.zip"] == "no registration list takes this type"


def test_an_interrupted_run_resumes_without_measuring_twice(
    runtime: Runtime, tmp_path: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = run_module.measure

    def interrupted(url: str, *args: Any) -> Any:
        if len(counted) >= 3:
            raise KeyboardInterrupt
        return counting(url, *args)

    monkeypatch.setattr(run_module, "measure", interrupted)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        register(runtime, Request("lab", "ben@acme.ai", None, out, concurrency=1))
    first = list(counted)
    counted.clear()
    monkeypatch.setattr(run_module, "measure", counting)
    outcome = register(runtime, Request("lab", "ben@acme.ai", None, out, concurrency=1))
    again = {url for url in first if not url.endswith("broken.mp4")} & set(counted)  # a failure is measured again
    assert len(first) == 3 and not again, "an object measured before the interruption again"
    assert len(items(out)) == MEDIA + 1  # the four media and notes.txt
    assert outcome.problems == []
    with pytest.raises(Exception, match="holds a finished run"):
        register(runtime, Request("lab", "ben@acme.ai", None, out))


def test_shards_split_the_keyspace_and_merge_to_the_whole(runtime: Runtime, tmp_path: Path) -> None:
    whole = register(runtime, Request("lab", "ben@acme.ai", None, tmp_path / "whole"))
    parts = [tmp_path / f"shard-{i}" for i in range(3)]
    for index, folder in enumerate(parts):
        register(runtime, Request("lab", "ben@acme.ai", None, folder, shard=Shard(index, 3)))
    per_shard = [set(items(folder)) for folder in parts]
    assert sum(len(s) for s in per_shard) == len(set().union(*per_shard))  # disjoint
    merged = merge(runtime, "lab", "ben@acme.ai", parts, tmp_path / "merged", max_items=2)
    assert items(tmp_path / "merged") == items(tmp_path / "whole")
    assert len(merged.files) == 3 and merged.problems == [] and whole.problems == []
    with pytest.raises(Exception, match="every shard"):
        merge(runtime, "lab", "ben@acme.ai", parts[:2], tmp_path / "partial", max_items=10)


def test_cli_registers_refuses_a_non_member_and_splits_files(
    seaweedfs: SeaweedFSHandle, bucket: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "lab.yaml"
    spec.write_text(
        HEAD
        + f"""\
  - name: lab
    provider: s3-compatible
    endpoint: {seaweedfs.endpoint_url}
    bucket: {{name: {bucket}}}
    creator: ann@acme.ai
    prefixes: [media/]
    strict_client_only: true
"""
    )
    env = env_file(tmp_path, seaweedfs)
    base = ["register", str(spec), "--integration", "lab", "--env-file", str(env)]
    assert main([*base, "--user", "nia@acme.ai", "--out", str(tmp_path / "no")]) == 1
    assert "refused: nia@acme.ai" in capsys.readouterr().err
    code = main([*base, "--user", "ann@acme.ai", "--out", str(tmp_path / "out"), "--max-items", "2", "-o", "json"])
    said = json.loads(capsys.readouterr().out)
    assert code == 1 and said["failures"] == 1 and len(said["files"]) == 3  # 5 items, 2 per file
    for path in said["files"]:
        assert main(["check-manifest", str(spec), path, "--integration", "lab", "--user", "ann@acme.ai"]) == 0
    assert main([*base, "--user", "ann@acme.ai", "--prefix", "elsewhere/", "--out", str(tmp_path / "x")]) == 2
    assert State.previous(tmp_path / "out").meta()["done"] == "1"


def test_an_unregistrable_key_fails_alone_and_the_run_goes_on(
    runtime: Runtime, seaweedfs: SeaweedFSHandle, bucket: str, samples: dict[str, bytes], tmp_path: Path
) -> None:
    """A key holding %41 is a legal S3 key, but its URL (%2541) reads differently to clients that decode once
    and twice: runtime.manifest.urls refuses it, so the object is reported rather than registered ambiguously."""
    seaweedfs_s3(seaweedfs).put_object(Bucket=bucket, Key="media/x%41y.png", Body=samples["media/cam1/frame.png"])
    outcome = register(runtime, Request("lab", "ben@acme.ai", None, tmp_path / "out"))
    failures = dict(line.split("\t") for line in (tmp_path / "out" / "failures.txt").read_text().splitlines())
    assert "percent-encoded twice" in failures["media/x%41y.png"] and outcome.failures == 2
    assert len(items(tmp_path / "out")) == MEDIA + 1 and outcome.problems == []


def test_cli_listing_refused_exits_3_with_one_line(
    seaweedfs: SeaweedFSHandle, bucket: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "lab.yaml"
    spec.write_text(HEAD + f"""\
  - name: lab
    provider: s3-compatible
    endpoint: {seaweedfs.endpoint_url}
    bucket: {{name: {bucket}}}
    creator: ann@acme.ai
""")  # fmt: skip
    env = tmp_path / "wrong.env"
    env.write_text(f"AWS_ACCESS_KEY_ID={seaweedfs.access_key}\nAWS_SECRET_ACCESS_KEY=not-the-secret\n")
    code = main(["register", str(spec), "--integration", "lab", "--user", "ann@acme.ai", "--out",
                 str(tmp_path / "out"), "--env-file", str(env)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1 and "SignatureDoesNotMatch" in err and "not-the-secret" not in err


def test_over_https_the_store_certificate_is_trusted_from_aws_ca_bundle(
    seaweedfs_https: SeaweedFSHandle, samples: dict[str, bytes], tmp_path: Path
) -> None:
    """Listing (boto3), ffprobe (-ca_file) and the ranged GET (ssl) all trust the bundle the settings name."""
    assert seaweedfs_https.ca_bundle is not None
    client = seaweedfs_s3(seaweedfs_https)
    client.create_bucket(Bucket="reg-https")
    for key in ("media/cam1/clip.mp4", "media/cam1/frame.png"):
        client.put_object(Bucket="reg-https", Key=key, Body=samples[key])
    settings = load_settings(environ={"AWS_ACCESS_KEY_ID": seaweedfs_https.access_key,
                                      "AWS_SECRET_ACCESS_KEY": seaweedfs_https.secret_key,
                                      "AWS_CA_BUNDLE": str(seaweedfs_https.ca_bundle)})  # fmt: skip
    runtime = Runtime(s3_spec(seaweedfs_https.endpoint_url, "reg-https"), {}, settings)
    outcome = register(runtime, Request("lab", "ben@acme.ai", None, tmp_path / "out"))
    assert outcome.failures == 0 and outcome.problems == []
    assert set(items(tmp_path / "out")) == {"media/cam1/clip.mp4", "media/cam1/frame.png"}


def test_cli_runs_indexed_job_shards_and_merges_them(
    seaweedfs: SeaweedFSHandle, bucket: str, runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "lab.yaml"
    spec.write_text(HEAD + f"""\
  - name: lab
    provider: s3-compatible
    endpoint: {seaweedfs.endpoint_url}
    bucket: {{name: {bucket}}}
    creator: ann@acme.ai
    members: [{{email: ben@acme.ai, role: user}}]
    prefixes: [media/]
    strict_client_only: true
""")  # fmt: skip
    base = ["register", str(spec), "--integration", "lab", "--user", "ben@acme.ai",
            "--env-file", str(env_file(tmp_path, seaweedfs))]  # fmt: skip
    shards = [tmp_path / f"shard-{index}" for index in range(2)]
    for index, folder in enumerate(shards):
        monkeypatch.setenv("JOB_COMPLETION_INDEX", str(index))  # as a Kubernetes Indexed Job's pod has it
        assert main([*base, "--shard", "2", "--out", str(folder)]) in (0, 1)  # 1 for the shard with broken.mp4
        assert State.previous(folder).meta()["shard"] == f"{index}/2"
    merged = tmp_path / "merged"
    assert main([*base, "--merge", *map(str, shards), "--out", str(merged)]) == 1  # broken.mp4 is still reported
    register(runtime, Request("lab", "ben@acme.ai", None, tmp_path / "whole"))
    assert items(merged) == items(tmp_path / "whole")
    assert (merged / "failures.txt").read_text().startswith("media/broken.mp4\t")
