"""The demo's steps on the example dev stack: every feature once, each judged against what it shows.

The order follows a platform team's day: check and preview the spec, bring up the local stand-ins,
register media, hand out signed URLs (and refuse the ones the rules forbid), follow a browser's path to
the media, catch a console edit (drift) and the playback it breaks (doctor), and review a pull request
by two authors.
"""

from __future__ import annotations

import json
import re
import ssl
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tether.demo.change import add_member
from tether.demo.runner import Check, Outcome, Step, action, mentions
from tether.demo.samples import make_samples
from tether.errors import InputError, ReadError
from tether.settings import read_env_file
from tether.spec import load_spec

MEMBER, NON_MEMBER, CLIENT_ONLY_USER = "carol@acme-vision.ai", "erin@acme-vision.ai", "bob@acme-vision.ai"
"""carol labels traffic-video and call-audio through her group; erin belongs to neither."""
NON_ADMIN, ADMIN = "dan@acme-vision.ai", "bob@acme-vision.ai"
"""Authors of the sample change: dan only uses traffic-video, bob is one of its Admins."""
NEEDED = {"traffic-video", "medical-scans", "call-audio", "drone-survey"}
"""The example stack's integrations the steps use."""


@dataclass
class Demo:
    """Paths the steps share, and the URLs the sign steps hand to the download steps."""

    spec: Path
    state: Path
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def media(self) -> Path:
        return self.state / "media"

    @property
    def env_file(self) -> Path:
        return self.state / "sandbox.env"

    @property
    def outputs(self) -> Path:
        return self.state / "outputs.json"

    def _sign(self, name: str, user: str, key: str) -> list[str]:
        return [
            "sign", str(self.spec), "--integration", name, "--user", user, "--key", key,
            "--outputs", str(self.outputs), "--env-file", str(self.env_file),
        ]  # fmt: skip

    def _keep_url(self, name: str) -> Check:
        def check(outcome: Outcome) -> str | None:
            found = re.search(r"https?://\S+", outcome.stdout)
            if not found:
                return "no URL on stdout"
            self.urls[name] = found[0]
            return None

        return check

    def _download(self, name: str, local: str) -> Step:
        def fetch() -> str:
            url = self.urls.get(name)
            if url is None:
                raise ReadError("no signed URL to download: the sign step before failed")
            env, _ = read_env_file(str(self.env_file))
            bundle = env.get("AWS_CA_BUNDLE")
            context = ssl.create_default_context(cafile=bundle) if bundle else None
            with urllib.request.urlopen(url, context=context, timeout=10) as answer:
                body = answer.read()
            expected = (self.media / local).read_bytes()
            if body != expected:
                raise ReadError(f"downloaded {len(body)} bytes that differ from {local} ({len(expected)} bytes)")
            return f"downloaded {len(body):,} bytes, identical to {self.media / local}\n"

        return Step(
            f"download {local} with the signed URL, through the local store",
            action=action(fetch),
            shown_as=f"curl --cacert <sandbox CA> -o {local} '<the signed URL>'",
        )

    def _widen_cors(self) -> str:
        """What a hurried console edit does: allow every origin on traffic-video's bucket."""
        import boto3
        from botocore.config import Config

        from tether.records import load_records

        env, _ = read_env_file(str(self.env_file))
        bucket = load_records(self.outputs)["traffic-video"].bucket
        s3 = boto3.client(
            "s3",
            endpoint_url=env["TETHER_ENDPOINT_AWS"],
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
            region_name="us-east-1",
            verify=env.get("AWS_CA_BUNDLE") or True,
            config=Config(s3={"addressing_style": "path"}),
        )
        rule = {
            "AllowedOrigins": ["*"],
            "AllowedMethods": ["GET", "HEAD"],
            "AllowedHeaders": ["*"],
            "MaxAgeSeconds": 3600,
        }
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [rule]})
        return f"bucket {bucket}: CORS now allows origin * (not in the spec)\n"

    def _drop_metadata(self) -> str:
        """The registration file with one video's metadata deleted, as a careless export would."""
        document = json.loads((self.state / "medical-scans.json").read_text(encoding="utf-8"))
        del document["videos"][0]["videoMetadata"]
        (self.state / "medical-scans-incomplete.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
        return f"wrote {self.state / 'medical-scans-incomplete.json'} without videos[0].videoMetadata\n"

    def _write_change(self) -> str:
        head = self.state / "change.yaml"
        head.write_text(add_member(self.spec.read_text(encoding="utf-8"), str(self.spec)), encoding="utf-8")
        return f"wrote {head}: {NON_MEMBER} added as a User of traffic-video\n"

    def check(self) -> None:
        """Refuse, before starting anything, a spec the steps cannot run on (they name its integrations)."""
        spec = load_spec(str(self.spec)).spec
        known = {integration.name for integration in spec.integrations}
        missing = sorted(NEEDED - known)
        if missing:
            raise InputError(
                f"{self.spec}: the demo runs on the example dev stack, which declares {', '.join(sorted(NEEDED))}; "
                f"missing: {', '.join(missing)}"
            )
        add_member(self.spec.read_text(encoding="utf-8"), str(self.spec))

    def steps(self, keep: bool) -> list[Step]:
        """Every step, in order; `sandbox down` last unless the sandbox is kept for the user to explore."""
        spec, state = str(self.spec), str(self.state)
        drift = ["drift", spec, "--env-file", str(self.env_file), "--integration", "traffic-video"]
        doctor = [
            "doctor", spec, "--integration", "traffic-video", "--key", "videos/clip.mp4",
            "--env-file", str(self.env_file), "--outputs", str(self.outputs),
        ]  # fmt: skip
        manifest, incomplete = str(self.state / "medical-scans.json"), str(self.state / "medical-scans-incomplete.json")
        head = str(self.state / "change.yaml")
        review = ["review", "--base", spec, "--head", head, "--output", "text", "--actor"]
        steps = [
            Step("validate the example stack", ["validate", spec], check=mentions("valid")),
            Step("preview the resources `pulumi up` would create", ["preview", spec], check=mentions("resources for")),
            Step("lint it against the security policies", ["lint", spec], check=mentions("0 mandatory")),
            Step(
                "make sample media: a 2 s video, two images, a 2 s tone",
                action=action(lambda: "".join(f"{p}\n" for p in make_samples(self.media))),
                shown_as=f"ffmpeg -f lavfi ... {self.media}/{{clip.mp4,frame.png,shelf.jpg,call.wav}}",
            ),
            Step(
                "start the local stand-ins, create every bucket, upload the media",
                ["sandbox", "up", spec, "--state-dir", state, "--seed", str(self.media)],
                check=mentions("not emulated"),
            ),
            Step(
                "measure the media into a registration file for the client-only integration",
                ["metadata", "--manifest", manifest, "--spec", spec, "--integration", "medical-scans", str(self.media)],
            ),
            Step(
                "check the registration file: every item carries its metadata",
                ["check-manifest", spec, "--integration", "medical-scans", "--user", CLIENT_ONLY_USER, manifest],
            ),
            Step("drop one video's metadata", action=action(self._drop_metadata), shown_as="edit the file"),
            Step(
                "client-only integrations reject an item without metadata",
                ["check-manifest", spec, "--integration", "medical-scans", "--user", CLIENT_ONLY_USER, incomplete],
                expect=1,
                check=mentions("videos[0]"),
            ),
            Step(
                f"sign a URL to a video as {MEMBER} (a labeler)",
                self._sign("traffic-video", MEMBER, "videos/clip.mp4"),
                check=self._keep_url("traffic-video"),
            ),
            self._download("traffic-video", "clip.mp4"),
            Step(
                "sign a SAS URL to an Azure blob",
                self._sign("call-audio", MEMBER, "call.wav"),
                check=self._keep_url("call-audio"),
            ),
            self._download("call-audio", "call.wav"),
            Step(
                f"refuse {NON_MEMBER}, who is not a member",
                self._sign("traffic-video", NON_MEMBER, "videos/clip.mp4"),
                expect=1,
                check=mentions("refused"),
            ),
            Step(
                "refuse to sign for a Direct Access integration",
                self._sign("drone-survey", "alice@acme-vision.ai", "clip.mp4"),
                expect=1,
                check=mentions("Direct Access"),
            ),
            Step("the bucket matches the spec", drift, check=mentions("in sync")),
            Step("doctor: a browser at the app's origin loads and plays the video", doctor,
                 check=mentions("playback: h264", "all ok")),
            Step(
                "a console edit widens CORS to *", action=action(self._widen_cors), shown_as="aws s3api put-bucket-cors"
            ),
            Step("drift detection catches it", drift, expect=1, check=mentions("*")),
            Step(
                "doctor: the edit also breaks playback (Content-Range no longer exposed), and names the fix",
                doctor, expect=1, check=mentions("cannot read Content-Range"),
            ),
            Step("a pull request adds a member", action=action(self._write_change), shown_as="git commit"),
            Step(f"review: {NON_ADMIN} may not add members", [*review, NON_ADMIN], expect=1, check=mentions("DENIED")),
            Step(f"review: {ADMIN}, an Admin, may", [*review, ADMIN], check=mentions("allowed")),
        ]
        if not keep:
            steps.append(Step("stop the stand-ins", ["sandbox", "down", "--state-dir", state]))
        return steps
