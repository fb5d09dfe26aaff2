"""Infrastructure drift: the SSOT under `ssot/infrastructure/` against deploy scripts and inventories.

Rules: sla-breach, schedule-mismatch, time-zone-mismatch, topic-missing, subscription-endpoint-mismatch,
dead-letter-missing, scheduler-job-missing, endpoint-missing (service-unreachable lives in
`driftbot.probe`, opt-in). Deploy scripts are `*.sh` / `*.bash` files and `cloudbuild*.yaml` configs (their
gcloud commands, bash arrays, and in shell scripts the URLs handed to `curl`/`wget`);
topics, service URLs and job definitions written elsewhere (Python, YAML, bash arrays) are checked by
`rules.infra_refs`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from driftbot.context import AuditContext
from driftbot.extract import limits
from driftbot.extract.budget import Budget
from driftbot.extract.cloudbuild import CloudBuildError, read_cloudbuild
from driftbot.extract.infra_refs import JobRecord, Ref, Written, WrittenReader, array_records
from driftbot.extract.limits import MAX_SCRIPT_BYTES
from driftbot.extract.plan import URL_NEEDLE, is_cloudbuild
from driftbot.extract.shell import Fetch, GcloudCommand, read_script
from driftbot.ftypes import Finding, Location
from driftbot.inventory.base import Inventory
from driftbot.inventory.gcloud import GcloudListing
from driftbot.rules.catalog import finding
from driftbot.rules.infra_common import Deployed
from driftbot.rules.infra_deployed import check_deployed
from driftbot.rules.infra_refs import check_fetches, check_records, check_refs, near_miss_pieces
from driftbot.rules.infra_scripts import check_scripts
from driftbot.ssot.infra import Infrastructure

SCRIPT_SUFFIXES = (".sh", ".bash")
WRITTEN = "infra-written"  # the scan's reader of `written_refs` (`ctx.reads`)


def check(ctx: AuditContext) -> Iterator[Finding]:
    infra = ctx.ssot.infrastructure
    if infra is None:
        return
    deployed = deployed_in(ctx)
    yield from check_infrastructure(infra, ctx.files, ctx.read, deployed, ctx.today, ctx.budget)
    refs, records = written_refs(ctx)
    yield from check_refs(infra, refs, deployed.urls)
    yield from check_records(infra, records, deployed.urls, ctx.today)


def check_infrastructure(
    infra: Infrastructure,
    files: Iterable[str],
    read: Callable[[str], bytes],
    deployed: Deployed,
    today: dt.date,
    budget: Budget | None = None,
) -> Iterator[Finding]:
    read_in = DeployScripts.read(files, read, budget)
    yield from read_in.unparsable
    yield from check_scripts(infra, read_in.commands, deployed.urls, today)
    yield from check_records(infra, read_in.records, deployed.urls, today)
    yield from check_fetches(infra, read_in.fetches, deployed.urls)
    yield from check_deployed(infra, deployed, today)


def is_deploy_script(path: str) -> bool:
    return path.endswith(SCRIPT_SUFFIXES) or is_cloudbuild(path)


def deploy_commands(
    files: Iterable[str], read: Callable[[str], bytes], budget: Budget | None = None
) -> tuple[list[GcloudCommand], list[Finding]]:
    """Every checked gcloud command in the deploy scripts among `files`, plus unparsable-file findings."""
    found = DeployScripts.read(files, read, budget)
    return found.commands, found.unparsable


@dataclass
class DeployScripts:
    """What the deploy scripts among some files hold: gcloud commands, job definitions (bash arrays) and
    URLs given to HTTP clients (`curl`), and the scripts that could not be read."""

    commands: list[GcloudCommand] = field(default_factory=list)
    records: list[JobRecord] = field(default_factory=list)
    fetches: list[Fetch] = field(default_factory=list)
    unparsable: list[Finding] = field(default_factory=list)

    @classmethod
    def read(cls, files: Iterable[str], read: Callable[[str], bytes], budget: Budget | None = None) -> DeployScripts:
        """Past the `budget`, scripts are not read but noted in it."""
        out = cls()
        for path in files:
            out._read_one(path, read, budget)
        return out

    def _read_one(self, path: str, read: Callable[[str], bytes], budget: Budget | None) -> None:
        commands, records, unparsable = self.commands, self.records, self.unparsable
        if not is_deploy_script(path):
            return
        if budget is not None and budget.spent():
            budget.skip(path)
            return
        try:
            raw = read(path)
        except OSError as exc:  # refused by the path policy (a link out, a FIFO, too large) or unreadable
            unparsable.append(finding("unparsable-file", Location(path, 1, 1), f"skipped: {exc.strerror or exc}"))
            return
        if len(raw) > MAX_SCRIPT_BYTES:
            reason = f"skipped: is larger than {MAX_SCRIPT_BYTES} bytes"
            unparsable.append(finding("unparsable-file", Location(path, 1, 1), reason))
            return
        if b"gcloud" not in raw and b"]=" not in raw and URL_NEEDLE not in raw:  # no command, array or service URL
            return
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            unparsable.append(finding("unparsable-file", Location(path, line, 1), "could not parse: not valid UTF-8"))
            return
        if is_cloudbuild(path):
            try:
                built = read_cloudbuild(text, path)
                commands.extend(built.commands)
                records.extend(array_records(built.elements))
            except CloudBuildError as exc:
                where = Location(path, exc.line, exc.column)
                unparsable.append(finding("unparsable-file", where, f"could not parse: {exc}"))
        else:
            script = read_script(text, path)
            commands.extend(script.commands)
            records.extend(array_records(script.elements))
            self.fetches.extend(script.urls)
            if script.stopped is not None:
                seconds = f"{limits.MAX_SCRIPT_SECONDS:g}"
                reason = f"could not parse past here: over the {seconds}-second limit for one script"
                unparsable.append(finding("unparsable-file", script.stopped, reason))


def written_reader(infra: Infrastructure | None, ssot_root: str) -> WrittenReader | None:
    """What the scan reads for `check_refs`/`check_records`: topics, URLs and jobs in Python and YAML."""
    if infra is None:
        return None
    jobs = {piece for j in infra.jobs for piece in template_pieces(j.name)}
    topics = {piece for t in infra.topics for piece in near_miss_pieces(t.name)}
    return WrittenReader(ssot_root.rstrip("/") + "/", tuple(n.encode() for n in sorted(jobs | topics)))


MIN_TEMPLATE_PIECE = 8


def template_pieces(job: str) -> set[str]:
    """What a file naming `job`, or a template of it with its first or last `-` part a variable
    (`job-${ENV}`, `f'{prefix}-job'`), holds: the name, else the name without that part (8+ characters).
    A template with a hole in the middle is read only where the file holds another piece."""
    head, _, _ = job.rpartition("-")
    _, _, tail = job.partition("-")
    pieces = {job}
    pieces.update(p for p in (f"{head}-", f"-{tail}") if len(p) >= MIN_TEMPLATE_PIECE and p not in ("-", f"-{job}"))
    return pieces


def written_refs(ctx: AuditContext) -> tuple[list[Ref], list[JobRecord]]:
    """Topics, URLs and job definitions in Python and YAML, as the scan read them (in file order)."""
    refs: list[Ref] = []
    records: list[JobRecord] = []
    read = ctx.reads.get(WRITTEN, {})
    for path in ctx.files:
        found = read.get(path)
        if isinstance(found, Written):
            refs.extend(found.refs)
            records.extend(found.records)
    return refs, records


def deployed_in(ctx: AuditContext) -> Deployed:
    return deployed_from(ctx.inventories)


def deployed_from(inventories: Iterable[Inventory]) -> Deployed:
    """The gcloud resources the inventories list; a kind no inventory lists stays None (unchecked)."""
    listings: list[tuple[str, GcloudListing]] = []
    for inv in inventories:
        for kind, items in (
            ("topics", inv.topics),
            ("subscriptions", inv.subscriptions),
            ("scheduler_jobs", inv.scheduler_jobs),
            ("services", inv.services),
        ):
            if items is not None:
                listings.append((inv.source, GcloudListing(kind, **{kind: items})))  # type: ignore[arg-type]
    return Deployed.merge(listings)
