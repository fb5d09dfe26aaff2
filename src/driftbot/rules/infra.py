"""Infrastructure drift: the SSOT under `ssot/infrastructure/` against deploy scripts and inventories.

Rules: sla-breach, schedule-mismatch, time-zone-mismatch, topic-missing, subscription-endpoint-mismatch,
dead-letter-missing, scheduler-job-missing, endpoint-missing (service-unreachable lives in
`driftbot.probe`, opt-in). Deploy scripts are `*.sh` / `*.bash` files and `cloudbuild*.yaml` configs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from driftbot.context import AuditContext
from driftbot.extract.budget import Budget
from driftbot.extract.cloudbuild import CloudBuildError, is_cloudbuild, parse_cloudbuild
from driftbot.extract.limits import MAX_SCRIPT_BYTES
from driftbot.extract.shell import GcloudCommand, parse_script
from driftbot.ftypes import Finding, Location
from driftbot.inventory.base import Inventory
from driftbot.inventory.gcloud import GcloudListing
from driftbot.rules.catalog import finding
from driftbot.rules.infra_common import Deployed
from driftbot.rules.infra_deployed import check_deployed
from driftbot.rules.infra_scripts import check_scripts
from driftbot.ssot.infra import Infrastructure

SCRIPT_SUFFIXES = (".sh", ".bash")


def check(ctx: AuditContext) -> Iterator[Finding]:
    infra = ctx.ssot.infrastructure
    if infra is None:
        return
    yield from check_infrastructure(infra, ctx.files, ctx.read, deployed_in(ctx), ctx.today, ctx.budget)


def check_infrastructure(
    infra: Infrastructure,
    files: Iterable[str],
    read: Callable[[str], bytes],
    deployed: Deployed,
    today: dt.date,
    budget: Budget | None = None,
) -> Iterator[Finding]:
    commands, unparsable = deploy_commands(files, read, budget)
    yield from unparsable
    yield from check_scripts(infra, commands, deployed.urls, today)
    yield from check_deployed(infra, deployed, today)


def is_deploy_script(path: str) -> bool:
    return path.endswith(SCRIPT_SUFFIXES) or is_cloudbuild(path)


def deploy_commands(
    files: Iterable[str], read: Callable[[str], bytes], budget: Budget | None = None
) -> tuple[list[GcloudCommand], list[Finding]]:
    """Every checked gcloud command in the deploy scripts among `files`, plus unparsable-file findings.

    Past the `budget`, scripts are not read but noted in it.
    """
    commands: list[GcloudCommand] = []
    unparsable: list[Finding] = []
    for path in files:
        if not is_deploy_script(path):
            continue
        if budget is not None and budget.spent():
            budget.skip(path)
            continue
        try:
            raw = read(path)
        except OSError as exc:  # refused by the path policy (a link out, a FIFO, too large) or unreadable
            unparsable.append(finding("unparsable-file", Location(path, 1, 1), f"skipped: {exc.strerror or exc}"))
            continue
        if len(raw) > MAX_SCRIPT_BYTES:
            reason = f"skipped: is larger than {MAX_SCRIPT_BYTES} bytes"
            unparsable.append(finding("unparsable-file", Location(path, 1, 1), reason))
            continue
        if b"gcloud" not in raw:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            unparsable.append(finding("unparsable-file", Location(path, line, 1), "could not parse: not valid UTF-8"))
            continue
        if is_cloudbuild(path):
            try:
                commands.extend(parse_cloudbuild(text, path))
            except CloudBuildError as exc:
                where = Location(path, exc.line, exc.column)
                unparsable.append(finding("unparsable-file", where, f"could not parse: {exc}"))
        else:
            commands.extend(parse_script(text, path))
    return commands, unparsable


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
