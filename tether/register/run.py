"""One registration run: list, classify, measure what is new, record it, write the files and check them.

Measuring is bounded: at most ``concurrency`` objects are in flight, and listing waits for a free slot,
so memory stays flat however large the bucket. One object's failure is recorded with its reason and the
run goes on; a refused signature or listing stops it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from runtime import Runtime
from runtime.access import Action
from runtime.manifest.urls import ObjectUrls
from runtime.manifest.validate import ManifestProblem
from runtime.sign.expiry import limits
from runtime.sign.outcome import Refused
from runtime.sign.targets import AzureTarget, Target, resolve
from tether.errors import InputError
from tether.register.classify import BY_CONTENT, Class, classify
from tether.register.listing import Listed, list_objects
from tether.register.measure import NotMediaContent, Unmeasurable, measure, unsigned
from tether.register.shard import WHOLE, Shard
from tether.register.state import FAILED, OK, SKIPPED, State
from tether.register.write import write_files
from tether.spec.model import AnyIntegration, GcpIntegration

SIGNED_FOR = 3600
"""Seconds a measuring URL lasts, at most: long enough for ffprobe, short if it leaked."""
REMOVED = "removed.txt"
FAILURES = "failures.txt"
NOTES = "notes.txt"


@dataclass(frozen=True)
class Request:
    """What to register: whose view of which integration, where, and how."""

    integration: str
    user: str
    prefix: str | None
    out: Path
    since: Path | None = None
    shard: Shard = WHOLE
    max_items: int = 1_000_000
    concurrency: int = 32


@dataclass
class Outcome:
    """What a run did: files written, counts by outcome, removed keys, failures and problems of the files."""

    files: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    removed: int = 0
    failures: int = 0
    """Objects that could not be measured; each with its reason in ``failures.txt``."""
    notes: int = 0
    """New or changed objects the measurer has a note on (a name that lies, browsers that do not show it), each
    with its notes in ``notes.txt``, as `tether metadata` prints them for a file."""
    problems: list[ManifestProblem] = field(default_factory=list)


Measured = tuple[Listed, str | None, str, dict[str, object] | None, str | None]
"""An object as measured: its list, its status (OK, FAILED or SKIPPED), its item, and why (or the measurer's notes)."""

Progress = Callable[[int, int], None]
"""Told (listed, measured) as the run goes."""


def prefixes(integration: AnyIntegration, asked: str | None) -> list[str]:
    """Where to list: ``asked`` if it is inside a declared prefix, else every declared prefix (or the whole bucket)."""
    declared = list(integration.prefixes)
    if asked is not None:
        if declared and not any(asked.startswith(p) for p in declared):
            inside = ", ".join(declared)
            raise InputError(f"--prefix: {asked!r} is not inside the prefixes of {integration.name}: {inside}")
        return [asked]
    outer = [p for p in declared if not any(p != q and p.startswith(q) for q in declared)]
    return sorted(set(outer)) or [""]


def register(runtime: Runtime, request: Request, progress: Progress | None = None) -> Outcome:
    """Run ``request``; InputError for bad input, ReadError when listing fails, Refused when the user may not."""
    integration = _allowed(runtime, request)
    where = prefixes(integration, request.prefix)
    previous = State.previous(request.since) if request.since else None
    if previous is not None and previous.meta().get("integration") != request.integration:
        raise InputError(f"--since {request.since}: a run for {previous.meta().get('integration')!r}, not this one")
    request.out.mkdir(parents=True, exist_ok=True)
    state = State(request.out)
    meta = {"integration": request.integration, "prefix": ",".join(where), "shard": str(request.shard)}
    _resumable(state, meta, request.out)
    state.set_meta(**meta)
    state.start()
    target = resolve(runtime.spec, integration, runtime.records.get(integration.name), runtime.settings)
    ca_file = _ca_file(runtime, target)
    urls = ObjectUrls(integration)
    lifetime = min(SIGNED_FOR, limits(integration).maximum)  # an integration may allow less (R10)
    listed = measured = 0

    def measure_one(obj: Listed, found: Class) -> Measured:
        try:
            signed = runtime.sign(request.user, request.integration, obj.key, expires_in=lifetime)
            metadata = measure(signed.url, obj.key, obj.size, ca_file)
        except Unmeasurable as error:  # not media at all is a skip only for an object whose name claimed nothing
            skipped = isinstance(error, NotMediaContent) and found is BY_CONTENT
            return obj, found.list_key or None, SKIPPED if skipped else FAILED, None, str(error)
        # the list is the content's: sound alone in a video container is audio, an MP4 named .jpg a video
        notes = unsigned("; ".join(metadata.notes)) or None
        return obj, metadata.kind.key, OK, metadata.as_item(urls.url(obj.key), obj.key), notes

    def settle(done: Future[Measured]) -> None:
        nonlocal measured
        obj, list_key, status, item, reason = done.result()
        state.record(obj, status, list_key, item=item, reason=reason)
        measured += 1
        if progress and measured % 20 == 0:
            progress(listed, measured)

    with ThreadPoolExecutor(max_workers=request.concurrency) as pool:
        flying: set[Future[Measured]] = set()
        try:
            for obj in _listing(target, runtime, integration, where, request.shard):
                listed += 1
                if progress and listed % 100 == 0:
                    progress(listed, measured)
                if _settled(state, previous, obj):
                    continue
                found = classify(obj.key, obj.content_type)
                if found is None:
                    state.record(obj, SKIPPED, reason="no registration list takes this type")
                    continue
                url = urls.url(obj.key)
                problem = urls.problem(url)
                if problem:
                    state.record(obj, FAILED, found.list_key or None, reason=f"cannot be registered: its URL {problem}")
                    continue
                if found.media is None:
                    state.record(obj, OK, found.list_key, item={"objectUrl": url, "title": obj.key})
                    continue
                if len(flying) >= request.concurrency * 2:
                    finished, flying = wait(flying, return_when=FIRST_COMPLETED)
                    for done in sorted(finished, key=lambda f: f.exception() is not None):
                        settle(done)  # results before a failure, so an interruption loses none
                flying.add(pool.submit(measure_one, obj, found))
            for done in flying:
                settle(done)
        except BaseException:
            for pending in flying:  # keep what finished, so a resumed run does not measure it again
                if not pending.cancel() and pending.done() and pending.exception() is None:
                    settle(pending)
            state.close()
            raise
    if progress:
        progress(listed, measured)
    state.finish()
    outcome = Outcome()
    if previous is not None:
        gone = (key for key in state.removed_since(previous) if request.shard.owns(key))
        outcome.removed = _write_removed(request.out, gone)
        previous.close()
    _write_and_check(runtime, request, state, outcome)
    state.set_meta(done="1")
    state.close()
    return outcome


def merge(runtime: Runtime, integration: str, user: str, shards: list[Path], out: Path, max_items: int) -> Outcome:
    """Join finished shards of one run (all N of them) into one set of registration files."""
    metas = [State.previous(folder) for folder in shards]
    seen: dict[str, Path] = {}
    totals = set()
    for folder, state in zip(shards, metas, strict=True):
        meta = state.meta()
        if meta.get("integration") != integration:
            raise InputError(f"{folder}: a run for integration {meta.get('integration')!r}, not {integration!r}")
        _, _, total = meta.get("shard", "0/1").partition("/")
        totals.add(total)
        if meta["shard"] in seen:
            raise InputError(f"{folder}: shard {meta['shard']} again (also in {seen[meta['shard']]})")
        seen[meta["shard"]] = folder
        state.close()
    if len(totals) != 1 or len(seen) != int(totals.pop()):
        raise InputError(f"--merge: expected every shard of one run, got {', '.join(sorted(seen))}")
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise InputError(f"{out}: not empty; merge writes into an empty folder")
    state = State(out)
    for folder in shards:
        state.absorb(folder)
    removed = sorted(
        line for folder in shards if (folder / REMOVED).is_file()
        for line in (folder / REMOVED).read_text(encoding="utf-8").splitlines()
    )  # fmt: skip
    outcome = Outcome(removed=_write_removed(out, iter(removed)) if removed else 0)
    request = Request(integration, user, None, out, max_items=max_items)
    _write_and_check(runtime, request, state, outcome)
    state.set_meta(integration=integration, shard="0/1", done="1")
    state.close()
    return outcome


def _allowed(runtime: Runtime, request: Request) -> AnyIntegration:
    try:
        integration = runtime.spec.integration(request.integration)
    except KeyError as error:
        raise InputError(error.args[0]) from None
    decision = runtime.can(request.user, Action.REGISTER, integration)
    if not decision.allowed:
        raise Refused(decision.reason, decision.rule)
    if integration.direct_access:  # said once, before listing, rather than as every object's failure
        raise Refused(f"{integration.name} uses Direct Access: media is measured through signed URLs, "
                      "which the runtime does not make for it", "R9")  # fmt: skip
    return integration


def _resumable(state: State, meta: dict[str, str], out: Path) -> None:
    """A folder with a state file is resumed only for the same integration, prefixes and shard, and unfinished."""
    found = state.meta()
    if not found:
        return
    if found.get("done") == "1":
        state.close()
        raise InputError(f"{out}: holds a finished run; pass it as --since to a new --out for an incremental run")
    for name, value in meta.items():
        if found.get(name) != value:
            state.close()
            raise InputError(f"{out}: holds an unfinished run with {name} {found.get(name)!r}, not {value!r}")


def _ca_file(runtime: Runtime, target: Target) -> str | None:
    names = ("REQUESTS_CA_BUNDLE",) if isinstance(target, AzureTarget) else ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE")
    return next((v for v in (runtime.settings.get(n) for n in names) if v), None)


def _listing(
    target: Target, runtime: Runtime, integration: AnyIntegration, where: list[str], shard: Shard
) -> Iterator[Listed]:
    project = integration.project if isinstance(integration, GcpIntegration) else None
    for prefix in where:
        yield from (obj for obj in list_objects(target, runtime.settings, prefix, project) if shard.owns(obj.key))


def _settled(state: State, previous: State | None, obj: Listed) -> bool:
    """True when this run already has the object's outcome (resume) or the previous run's still holds."""
    known = state.known(obj.key)
    if known is not None and known[0] == (obj.etag, obj.size, obj.modified) and known[1] != FAILED:
        state.mark_seen(obj.key)
        return True
    return previous is not None and state.copy(previous, obj)


def _write_removed(out: Path, keys: Iterator[str]) -> int:
    count = 0
    with open(out / REMOVED, "w", encoding="utf-8") as file:
        for key in keys:
            file.write(key + "\n")
            count += 1
    return count


def _write_and_check(runtime: Runtime, request: Request, state: State, outcome: Outcome) -> None:
    for old in request.out.glob("register-*.json"):
        old.unlink()  # a resumed run writes its files again, whole
    outcome.files = write_files(request.out, state.items(), request.max_items)
    outcome.counts = state.counts()
    with open(request.out / FAILURES, "w", encoding="utf-8") as file:
        for key, reason in state.failures():
            file.write(f"{key}\t{reason}\n")
            outcome.failures += 1
    with open(request.out / NOTES, "w", encoding="utf-8") as file:
        for key, notes in state.notes():
            file.write(f"{key}\t{notes}\n")
            outcome.notes += 1
    for path in outcome.files:
        report = runtime.check_manifest(request.user, request.integration, path)
        outcome.problems.extend(ManifestProblem(f"{path.name}: {p.path}", p.message) for p in report.problems)
