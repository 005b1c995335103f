"""The parts without a server: file splitting (seeded fuzz), shard choice, classification, prefixes."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from runtime import Runtime
from runtime.sign import Refused
from tests.register.conftest import HEAD, s3_spec
from tether.cli.main import main
from tether.errors import InputError
from tether.register.classify import BY_CONTENT, classify
from tether.register.measure import unsigned
from tether.register.run import Request, prefixes, register
from tether.register.shard import Shard, parse_shard
from tether.register.state import State
from tether.register.write import write_files
from tether.settings import load_settings
from tether.spec import parse_spec

LISTS = ["audio", "images", "text", "videos"]


@pytest.mark.parametrize("seed", range(30))
def test_split_files_hold_every_item_once_in_order_and_never_more_than_the_limit(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    pairs = sorted(
        (rng.choice(LISTS), json.dumps({"objectUrl": f"s3://b/{i}", "title": "\"\\\u2028" * rng.randint(0, 2) + str(i)}))
        for i in range(rng.randint(0, 60))
    )  # fmt: skip
    limit = rng.randint(1, 25)
    written = write_files(tmp_path, iter(pairs), limit)
    back = []
    for path in written:
        document = json.loads(path.read_text(encoding="utf-8"))
        count = sum(len(v) for v in document.values())
        assert 0 < count <= limit
        back += [(key, json.dumps(item)) for key, entries in document.items() for item in entries]
    assert back == pairs
    assert len(written) == -(-len(pairs) // limit)
    assert not list(tmp_path.glob("*.part"))


def test_shards_are_deterministic_disjoint_and_cover_every_key() -> None:
    keys = [f"media/{i:05d}.jpg" for i in range(3000)]
    owners = [[s for s in range(7) if Shard(s, 7).owns(k)] for k in keys]
    assert all(len(o) == 1 for o in owners)
    sizes = [sum(1 for o in owners if o == [s]) for s in range(7)]
    assert min(sizes) > 3000 / 7 * 0.8  # spread evenly, whatever the key order
    assert Shard(3, 7).owns("media/00042.jpg") == Shard(3, 7).owns("media/00042.jpg")


def test_shard_option_and_the_indexed_job_variable() -> None:
    assert parse_shard("2/8") == Shard(2, 8)
    assert parse_shard("8", {"JOB_COMPLETION_INDEX": "5"}) == Shard(5, 8)
    for bad, env in [("8/8", {}), ("8", {}), ("a/b", {}), ("-1/4", {}), ("4", {"JOB_COMPLETION_INDEX": "x"})]:
        with pytest.raises(InputError, match="--shard"):
            parse_shard(bad, env)


def test_classification_by_extension_then_listed_content_type() -> None:
    assert classify("a/clip.MP4") is not None and classify("a/clip.MP4").list_key == "videos"  # type: ignore[union-attr]
    assert classify("a/scan", "image/png;x=y").list_key == "images"  # type: ignore[union-attr]
    assert classify("a/doc.pdf").list_key == "pdfs"  # type: ignore[union-attr]
    # neither the name nor the listed type says anything: the content will tell
    assert classify("a/scan", "application/octet-stream") is BY_CONTENT
    assert classify("a/blob.bin") is BY_CONTENT
    assert classify("a/3f9a0c") is BY_CONTENT
    assert classify("a/data.zip") is None  # named as something no list takes: skipped unlooked


def test_prefix_must_be_inside_the_declared_ones() -> None:
    integration = s3_spec("http://127.0.0.1:1", "bucket").spec.integration("lab")
    assert prefixes(integration, None) == ["media/"]
    assert prefixes(integration, "media/cam1/") == ["media/cam1/"]
    with pytest.raises(InputError, match="not inside the prefixes of lab: media/"):
        prefixes(integration, "med")


def test_reasons_never_repeat_a_signature() -> None:
    said = ("https://127.0.0.1:9/b/k.mp4?X-Amz-Algorithm=AWS4&X-Amz-Signature=abc123: Server returned 403 "
            "'http://h/a.wav?sv=2024&sig=zz%3D' s3://b/k.png?x=1")  # fmt: skip
    clean = unsigned(said)
    assert "abc123" not in clean and "sig=" not in clean and "x=1" not in clean
    assert clean.startswith("https://127.0.0.1:9/b/k.mp4?<signature removed> Server returned 403")


def test_a_state_file_that_is_not_one_is_bad_input_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "state.sqlite").write_bytes(b"not a database, just bytes" * 100)
    with pytest.raises(InputError, match=r"state\.sqlite: not a tether register state file"):
        State.previous(tmp_path)
    with pytest.raises(InputError, match=r"state\.sqlite: not a tether register state file"):
        State(tmp_path)


def test_direct_access_is_refused_before_anything_is_listed(tmp_path: Path) -> None:
    spec = parse_spec(HEAD + """\
  - name: lab
    provider: s3-compatible
    endpoint: http://127.0.0.1:9
    bucket: {name: lab-bucket}
    creator: ann@acme.ai
    direct_access: true
""", "lab.yaml")  # fmt: skip
    runtime = Runtime(spec, {}, load_settings(environ={}))
    with pytest.raises(Refused, match="lab uses Direct Access"):
        register(runtime, Request("lab", "ann@acme.ai", None, tmp_path / "out"))
    with pytest.raises(Refused, match=r"nia@acme\.ai"):
        register(runtime, Request("lab", "nia@acme.ai", None, tmp_path / "out"))
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [("--max-items", "0", "--max-items: from 1"), ("--max-items", "1000001", "the platform's limit per file"),
     ("--concurrency", "0", "--concurrency: from 1"), ("--concurrency", "100000", "to 256")],
)  # fmt: skip
def test_cli_bounds_are_bad_input_in_one_line(
    option: str, value: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "lab.yaml"
    spec.write_text(HEAD + "  - {name: lab, provider: s3-compatible, endpoint: 'http://127.0.0.1:9', "
                    "bucket: {name: lab-bucket}, creator: ann@acme.ai}\n")  # fmt: skip
    code = main(["register", str(spec), "--integration", "lab", "--user", "ann@acme.ai",
                 "--out", str(tmp_path / "out"), option, value])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and said in err and err.count("\n") == 1 and not (tmp_path / "out").exists()
