"""What a pull request may not choose: the settings that decide what the workflow's credentials read.

On `pull_request_target` and `issue_comment` the workflow runs from a trusted branch with a write
token and the repository's secrets, while the tree the bot audits is the PR head, which anyone
can write. So before auditing or fixing a PR head, the bot puts the trusted commit's settings
into the worktree: the config file (`.driftbot.yml`, or the `config` input's file) and the ignore
file it names. Inventories, the SSOT location, excludes, mirrors, SQL targets and ignore entries
therefore come from the trusted commit (or the Action's inputs), never from the PR head.
The trusted commit is GITHUB_SHA, the commit the workflow file itself was read from: the base
branch's tip for `pull_request_target`, the default branch's for `issue_comment` (without it, the
checkout's HEAD). What the PR changed in those files is reported, not obeyed; before a
`/driftbot fix` commit the PR's own versions are put back, so the fix never touches them.
On `pull_request` nothing changes: the workflow file comes from the PR then, and a fork's run
has neither secrets nor a write token.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from driftbot.github import pipeline
from driftbot.github.context import RunContext
from driftbot.report import escape

TRUSTED_EVENTS = frozenset({"pull_request_target", "issue_comment"})
NOTE = (
    "> [!NOTE]\n> This pull request changes {files}; driftbot used {which} from {sha} instead (the commit this "
    "workflow runs from): a pull request does not choose what driftbot reads with this workflow's credentials. "
    "The change applies once it is merged.\n"
)


def trusted_commit(ctx: RunContext) -> str:
    sha = ctx.env.sha or ctx.git.run("rev-parse", "HEAD")
    if not ctx.git.has_commit(sha):
        ctx.git.fetch(sha)
    return sha


def note(changed: list[str], sha: str) -> str:
    files = " and ".join(escape.code(f) for f in changed)
    which = "its version" if len(changed) == 1 else "their versions"
    return NOTE.format(files=files, which=which, sha=sha[:7])


@contextmanager
def trusted_settings(ctx: RunContext, tree: Path) -> Iterator[str | None]:
    """Within: `tree` (a PR head's worktree) holds the trusted settings files; yields the note to show, if any.

    Afterwards the head's own versions are back, in the files and the index.
    """
    if ctx.env.event_name not in TRUSTED_EVENTS:
        yield None
        return
    git = ctx.git
    trusted, head = trusted_commit(ctx), git.run("rev-parse", "HEAD", cwd=tree)
    config_rel = pipeline.config_file(ctx.options)
    git.put_file(tree, trusted, config_rel)
    placed = [config_rel]
    try:
        ignore_rel = pipeline.ignore_file(tree, ctx.options)
        if ignore_rel != config_rel:
            git.put_file(tree, trusted, ignore_rel)
            placed.append(ignore_rel)
        changed = [f for f in placed if git.blob(trusted, f) != git.blob(head, f)]
        yield note(changed, trusted) if changed else None
    finally:
        for rel in placed:
            git.put_file(tree, head, rel)
