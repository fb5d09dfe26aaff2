"""`driftbot checklist`: the Phase 4->5 plan's Pre-Deployment Checklist (Infrastructure), ticked from facts.

An item is ticked only when an inventory shows it deployed as the SSOT says (and, for the scripts item,
when the deploy scripts agree with the SSOT). Otherwise it says why: the finding, or that no inventory
lists that kind of resource, or that driftbot cannot check it at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from driftbot import paths, probe, project, repofs
from driftbot.commands import options
from driftbot.errors import EXIT_OK, EXIT_UNREACHABLE, DriftbotError
from driftbot.ftypes import Finding
from driftbot.inventory.base import Inventory, load_inventories
from driftbot.rules.infra import deploy_commands, deployed_from, is_deploy_script
from driftbot.rules.infra_common import Deployed
from driftbot.rules.infra_deployed import check_deployed
from driftbot.rules.infra_scripts import check_scripts
from driftbot.ssot.infra import Infrastructure

EXPORTS = {
    "topics": "gcloud pubsub topics list --format=json",
    "subscriptions": "gcloud pubsub subscriptions list --format=json",
    "scheduler_jobs": "gcloud scheduler jobs list --location=REGION --format=json",
    "services": "gcloud run services list --format=json",
}
NOT_CHECKABLE = "not checked by driftbot"


@dataclass(frozen=True)
class Item:
    text: str
    ticked: bool
    reasons: tuple[str, ...] = field(default=())

    def render(self) -> str:
        box = "x" if self.ticked else " "
        why = f" — {'; '.join(self.reasons)}" if self.reasons and not self.ticked else ""
        return f"- [{box}] {self.text}{why}"


def items(
    infra: Infrastructure,
    deployed: Deployed,
    script_findings: Sequence[Finding],
    scripts: Sequence[str],
    today: dt.date,
    probes: Sequence[probe.ProbeResult] | None = None,
) -> list[Item]:
    found = list(check_deployed(infra, deployed, today))

    def item(text: str, kinds: Iterable[str], rules: set[str], symbols: set[str]) -> Item:
        missing = [k for k in kinds if getattr(deployed, k) is None]
        if missing:
            return Item(text, False, tuple(f"no inventory lists {k.replace('_', ' ')} ({EXPORTS[k]})" for k in missing))
        why = tuple(f.message for f in found if f.rule in rules and f.symbol in symbols)
        return Item(text, not why, why)

    dead_letters = infra.dead_letter_topics
    out = [
        item(f"Pub/Sub topic created: `{t.name}`", ["topics"], {"topic-missing"}, {t.name})
        for t in infra.topics
        if t.name not in dead_letters
    ]
    for s in infra.subscriptions:
        if s.push_endpoint is not None:
            text = (
                f"Push subscription created with correct endpoint: `{s.name}` -> "
                f"`{s.push_endpoint.service}` `{s.push_endpoint.path}`"
            )
            out.append(item(text, ["subscriptions"], {"subscription-endpoint-mismatch"}, {s.name}))
    jobs = {j.name for j in infra.jobs}
    listed = ", ".join(f"`{j}`" for j in sorted(jobs))
    job_rules = {"scheduler-job-missing", "schedule-mismatch", "time-zone-mismatch", "endpoint-missing"}
    out.append(item(f"Cloud Scheduler jobs created ({len(jobs)}: {listed})", ["scheduler_jobs"], job_rules, jobs))
    for sla in infra.slas:
        text = f"Scheduler times meet SLA `{sla.name}` ({sla.deadline} {sla.time_zone})"
        out.append(item(text, ["scheduler_jobs"], {"sla-breach"}, {j.name for j in infra.jobs if j.sla == sla.name}))
    for topic in sorted(dead_letters):
        subs = {s.name for s in infra.subscriptions if s.dead_letter_topic == topic}
        text = (
            f"DLQ topic exists and is the dead-letter topic of {', '.join(f'`{s}`' for s in sorted(subs))}: `{topic}`"
        )
        out.append(item(text, ["topics", "subscriptions"], {"topic-missing", "dead-letter-missing"}, {topic, *subs}))
    if dead_letters:
        out.append(Item("DLQ topic monitored", False, (f"{NOT_CHECKABLE}: alert policies are not in the SSOT",)))
    for svc in infra.services:
        text = f"Cloud Run service deployed: `{svc.name}` ({svc.region})"
        out.append(item(text, ["services"], {"endpoint-missing"}, {svc.name}))
    for result in probes or ():
        text = f"Health endpoint answers: `{result.service}` `{result.url or ''}`"
        out.append(Item(text, result.ok, (result.detail,)))
    out.append(_scripts_item(script_findings, scripts))
    out.append(Item("Service accounts have required permissions", False, (f"{NOT_CHECKABLE}: IAM is not in the SSOT",)))
    return out


def _scripts_item(script_findings: Sequence[Finding], scripts: Sequence[str]) -> Item:
    if not scripts:
        return Item("Deploy scripts match the SSOT", False, ("no deploy script with gcloud commands found",))
    text = f"Deploy scripts match the SSOT ({', '.join(f'`{s}`' for s in scripts)})"
    return Item(text, not script_findings, tuple(f"{f.location}: {f.message}" for f in script_findings))


def render(all_items: Sequence[Item], sources: Sequence[str]) -> str:
    ticked = sum(i.ticked for i in all_items)
    lines = ["## Pre-Deployment Checklist", "", "### Infrastructure", *(i.render() for i in all_items), ""]
    lines.append(f"{ticked} of {len(all_items)} items ticked. Inventories: {', '.join(sources) or 'none'}.")
    return "\n".join(lines) + "\n"


def load_deployed(repo: Path, urls: Sequence[str]) -> tuple[Deployed, list[str]]:
    """gcloud listings among the `snapshot:` inventories (the only kind that holds infrastructure yet)."""
    snapshots = [u for u in urls if u.startswith("snapshot:")]
    found, unreachable = load_inventories(snapshots, repo, bigquery_endpoint=None)
    if unreachable:
        raise DriftbotError(f"inventory unreachable: {unreachable[0]}", EXIT_UNREACHABLE)
    deployed = deployed_from(found)
    return deployed, [inv.source for inv in found if _lists_infrastructure(inv)]


def _lists_infrastructure(inv: Inventory) -> bool:
    return any(kind is not None for kind in (inv.topics, inv.subscriptions, inv.scheduler_jobs, inv.services))


@dataclass(frozen=True)
class Checklist:
    help: str = "Render the Pre-Deployment Checklist (Infrastructure) as markdown, ticked from SSOT and inventories."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        options.add_repo(parser)
        options.add_inventory(parser)
        options.add_probe(parser)
        parser.add_argument("--output", type=Path, help="write the markdown to this file instead of stdout")

    def run(self, args: argparse.Namespace) -> int:
        repo: Path = args.path
        cfg, ssot = project.load(repo, ssot_dir=args.ssot, config_path=args.config)
        infra = ssot.infrastructure
        if infra is None:
            raise DriftbotError(f"{ssot.root}/infrastructure: no infrastructure SSOT to check against")
        deployed, sources = load_deployed(repo, args.inventory or cfg.inventory)
        files = [f for f in paths.walk(repo, cfg.exclude, (".sh", ".bash", ".yaml", ".yml")) if is_deploy_script(f)]
        commands, unparsable = deploy_commands(files, lambda rel: repofs.read_bytes(repo, rel, shown=rel))
        today = dt.date.today()
        script_findings = [*unparsable, *check_scripts(infra, commands, deployed.urls, today)]
        results = probe.probe(infra, {**deployed.urls, **dict(args.service_url)}) if args.probe_http else None
        text = render(
            items(infra, deployed, script_findings, sorted({c.location.path for c in commands}), today, results),
            sources,
        )
        if args.output is not None:
            try:
                args.output.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise DriftbotError(f"{args.output}: cannot write: {exc.strerror}") from None
        else:
            print(text, end="")
        return EXIT_OK


COMMAND = Checklist()
