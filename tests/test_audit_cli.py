"""`driftbot audit` end to end through the CLI on the example monorepo and on small repos."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from driftbot.cli import main
from example_helpers import CONFIG_COPIES, FALLBACK, ROOT, hand_correct

P2 = "ssot/processors/phase2_raw_processors.yaml"
RENAME = "'br_roster' is not a phase 2 processor in the SSOT; did you mean 'br_rosters_current'?"


def audit_json(repo: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[dict[str, object]]]:
    code = main(["audit", str(repo), "--format", "json", *extra])
    out = capsys.readouterr().out
    return code, json.loads(out)["findings"]


def brief(findings: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(f["rule"], f["path"], f["line"], f["column"], f.get("actual"), f.get("expected")) for f in findings]


def test_example_reports_the_incident_and_nothing_else(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = audit_json(example_repo, capsys)
    assert code == 1
    stale = [
        ("unknown-name", path, 87 if path == FALLBACK else 32, 9, "br_roster", "br_rosters_current")
        for path in sorted((*CONFIG_COPIES, FALLBACK))
    ]
    sql = (
        "stale-comment-name",
        "bin/operations/monitoring_queries.sql",
        322,
        55,
        "nbac_gamebook",
        "nbac_gamebook_player_stats",
    )
    assert brief([f for f in findings if f["severity"] != "info"]) == [sql, *stale]
    assert {f["rule"] for f in findings if f["severity"] == "info"} == {"unmanaged-table"}
    first = findings[1]
    assert first == {
        "rule": "unknown-name",
        "severity": "high",
        "path": "orchestration/cloud_functions/daily_health_summary/shared/config/orchestration_config.py",
        "line": 32,
        "column": 9,
        "message": RENAME,
        "symbol": "PhaseTransitionConfig.phase2_expected_processors",
        "ssot": P2,
        "actual": "br_roster",
        "expected": "br_rosters_current",
        "fixable": True,
        "fingerprint": first["fingerprint"],
        "confidence": "certain",
        "evidence": [
            "9 copies of PhaseTransitionConfig.phase2_expected_processors",
            "size 6 = SSOT phase 2 (6)",
            "its name phase2_expected_processors says 'expected'",
            "the only unknown name, and 'br_rosters_current' the only missing one",
            "'br_roster' is a prefix of 'br_rosters_current'",
        ],
    }
    fallback = next(f for f in findings if f["path"] == FALLBACK)
    assert fallback["symbol"] == "EXPECTED_PROCESSORS"


def test_an_audit_leaves_nothing_frozen(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The audit freezes the collector's view of the pipeline while it runs, and thaws it after, also on
    an error: a process that audits again (tests, the pytest plugin) collects its garbage as before."""
    assert gc.get_freeze_count() == 0
    assert audit_json(example_repo, capsys, "--no-cache")[0] == 1
    assert gc.get_freeze_count() == 0
    assert main(["audit", str(example_repo), "--inventory", "snapshot:missing.json", "--no-cache"]) == 2
    assert gc.get_freeze_count() == 0


def test_hand_corrected_example_is_clean(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hand_correct(example_repo)
    code, findings = audit_json(example_repo, capsys)
    assert (code, [f for f in findings if f["severity"] != "info"]) == (0, [])


def test_fail_on_threshold(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(example_repo), "--fail-on", "critical"]) == 0
    assert main(["audit", str(example_repo), "--fail-on", "high"]) == 1
    capsys.readouterr()


def make_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "ssot" / "processors", repo / "ssot" / "processors")
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    return repo


PHASE2_LINES = [
    "    'bdl_player_boxscores',",
    "    'bigdataball_play_by_play',",
    "    'odds_api_game_lines',",
    "    'nbac_schedule',",
    "    'nbac_gamebook_player_stats',",
    "    'br_rosters_current',",
]


def listing(name: str, lines: list[str]) -> str:
    return f"{name} = [\n" + "\n".join(lines) + "\n]\n"


def test_missing_duplicate_count_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A complete copy (its name says phase 2) lacking a required name, with a duplicate.
    lines = [*PHASE2_LINES[1:], "    'nbac_schedule',"]
    repo = make_repo(tmp_path, {"jobs/cfg.py": "import os\n" + listing("PHASE2", lines)})
    code, findings = audit_json(repo, capsys)
    assert code == 1
    assert [(f["rule"], f["line"], f["column"], f["message"]) for f in findings] == [
        ("missing-name", 2, 10, "'bdl_player_boxscores' (phase 2 processor) is missing from PHASE2"),
        ("duplicate-name", 8, 5, "'nbac_schedule' appears more than once in PHASE2"),
    ]
    assert [(f["confidence"], f["evidence"]) for f in findings] == [
        ("likely", ["its name PHASE2 says phase 2"]),
        ("certain", ["'nbac_schedule' also at line 5"]),
    ]
    short = make_repo(tmp_path / "b", {"cfg.py": listing("PHASE2", PHASE2_LINES[1:])})
    code, findings = audit_json(short, capsys)
    assert (code, [(f["rule"], f["line"], f["confidence"]) for f in findings]) == (
        1,
        [("count-mismatch", 1, "likely"), ("missing-name", 1, "likely")],
    )
    assert findings[0]["message"] == "PHASE2 lists 5 processors; the SSOT expects 6"
    # Leaving out the optional processor (required: false) is allowed.
    optional = make_repo(tmp_path / "c", {"cfg.py": listing("PHASE2", PHASE2_LINES[:5])})
    assert audit_json(optional, capsys) == (0, [])


def test_copy_divergence_between_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = listing("EXPECTED", PHASE2_LINES)
    odd = listing("EXPECTED", [*PHASE2_LINES[:5], "    'br_roster',"])
    repo = make_repo(tmp_path, {"a/cfg.py": good, "b/cfg.py": good, "c/cfg.py": odd})
    code, findings = audit_json(repo, capsys)
    assert code == 1
    assert [(f["rule"], f["path"], f["line"]) for f in findings] == [
        ("copy-divergence", "c/cfg.py", 1),
        ("unknown-name", "c/cfg.py", 7),
    ]
    assert (
        findings[0]["message"]
        == "EXPECTED differs from 2 other copies (e.g. a/cfg.py): +br_roster, -br_rosters_current"
    )


def test_unparsable_file_is_reported_not_fatal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = "NAMES = ['bdl_player_boxscores', 'nbac_schedule'\ndef oops(:\n"
    repo = make_repo(tmp_path, {"broken.py": broken, "ok.py": listing("P", PHASE2_LINES)})
    code, findings = audit_json(repo, capsys)
    assert code == 0  # info is below the default --fail-on low
    assert [(f["rule"], f["severity"], f["path"]) for f in findings] == [("unparsable-file", "info", "broken.py")]
    assert main(["audit", str(repo), "--fail-on", "info"]) == 1
    capsys.readouterr()


def test_singles_and_supersets_are_never_bound(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    decoys = (
        "data_source_enhancement = 'br_roster'\n"
        "def f(lock):\n    return 'br_roster' in lock.id and 'nbac_schedule' != 'x'\n"
        + listing("ALL_TABLES", [*PHASE2_LINES[:5], "    'br_roster',", *(f"    'raw_{i}'," for i in range(20))])
    )
    repo = make_repo(tmp_path, {"decoys.py": decoys})
    code, findings = audit_json(repo, capsys)
    # Not bound (no missing-name, no count): the superset is a name list, whose stale member is reported.
    assert [(f["rule"], f["line"], f["actual"], f["symbol"]) for f in findings] == [
        ("unknown-name", 10, "br_roster", "ALL_TABLES")
    ]
    assert code == 1


def test_inline_and_file_suppressions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = [*PHASE2_LINES[:5], "    'br_roster',  # driftbot: ignore[unknown-name]"]
    other = [*PHASE2_LINES[:5], "    'br_roster',"]
    ignore = (
        "ignore:\n"
        "  - rule: unknown-name\n    path: 'legacy/**'\n    reason: frozen API\n"
        "  - rule: unknown-name\n    path: 'old/**'\n    reason: migrated in Q1\n    owner: data-platform\n"
        "    expires: 2020-01-31\n"
    )
    repo = make_repo(
        tmp_path,
        {
            "a.py": listing("A", stale),
            "legacy/b.py": listing("B", other),
            "old/c.py": listing("C", other),
            ".driftbot-ignore.yml": ignore,
        },
    )
    code, findings = audit_json(repo, capsys)
    assert code == 1
    assert [(f["rule"], f["path"], f["line"], f["column"]) for f in findings] == [
        ("expired-suppression", ".driftbot-ignore.yml", 9, 14),
        ("unknown-name", "old/c.py", 7, 5),
    ]
    assert findings[0]["message"] == (
        "ignore entry for unknown-name on old/** expired on 2020-01-31 (owner: data-platform): migrated in Q1"
    )


def test_explicit_binding_in_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code_text = "TABLES = ['player_composite_factors', 'ml_feature_store']\n"
    config = "bindings:\n  - files: 'svc/*.py'\n    symbol: TABLES\n    ssot: phase4\n    field: target_table\n"
    repo = make_repo(tmp_path, {"svc/t.py": code_text, ".driftbot.yml": config})
    code, findings = audit_json(repo, capsys)
    assert code == 1
    assert [(f["rule"], f.get("actual"), f.get("expected")) for f in findings] == [
        ("missing-name", None, "player_daily_cache"),
        ("missing-name", None, "player_shot_zone_analysis"),
        ("missing-name", None, "team_defense_zone_analysis"),
        ("unknown-name", "ml_feature_store", "ml_feature_store_v2"),
    ]
    assert findings[-1]["confidence"] == "certain"
    assert findings[-1]["evidence"] == [
        "bound in .driftbot.yml",
        "the SSOT's processor ml_feature_store writes the table ml_feature_store_v2",
    ]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no-ssot", "ssot: SSOT directory not found"),
        (
            "bad-ssot",
            "invalid SSOT: ssot/processors/phase2_raw_processors.yaml:2:1: invalid YAML: expected the node content",
        ),
        ("bad-config", "invalid config: .driftbot.yml:1:1: unknown key 'bindingz'"),
        ("unknown-list", "invalid config: binding 'X' names unknown SSOT list 'phase9' (phase2, phase3, phase4)"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, message: str
) -> None:
    repo = make_repo(tmp_path, {"a.py": "X = 1\n"})
    if setup == "no-ssot":
        shutil.rmtree(repo / "ssot")
    elif setup == "bad-ssot":
        (repo / P2).write_text("{{{{\n")
    elif setup == "bad-config":
        (repo / ".driftbot.yml").write_text("bindingz: []\n")
    else:
        (repo / ".driftbot.yml").write_text("bindings:\n  - {files: '*.py', symbol: X, ssot: phase9}\n")
    assert main(["audit", str(repo)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err
    assert err.startswith("driftbot: ")
    assert message in err


def test_unreadable_path_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(tmp_path / "missing")]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_offline_reads_no_live_inventory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on: a live inventory there is unreachable
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = "inventory: ['bigquery://proj?timeout=2']\n"
    repo = make_repo(tmp_path, {"ok.py": listing("P", PHASE2_LINES), ".driftbot.yml": config})
    endpoint = ["--bigquery-endpoint", f"http://127.0.0.1:{port}"]
    code, findings = audit_json(repo, capsys, *endpoint)
    assert (code, [f["rule"] for f in findings]) == (3, ["inventory-unreachable"])
    assert audit_json(repo, capsys, *endpoint, "--offline") == (0, [])


def test_a_bug_is_one_line_unless_debugging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import driftbot.commands.audit

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(driftbot.commands.audit, "audit", broken)
    monkeypatch.delenv("DRIFTBOT_DEBUG", raising=False)
    assert main(["audit", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        "driftbot: internal error: KeyError: 'boom' (DRIFTBOT_DEBUG=1 shows the traceback)\n"
    )
    monkeypatch.setenv("DRIFTBOT_DEBUG", "1")
    with pytest.raises(KeyError):
        main(["audit", str(tmp_path)])


def test_only_files_keeps_findings_in_those_files_or_their_ssot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stale = listing("A", [*PHASE2_LINES[:5], "    'br_roster',"])
    repo = make_repo(tmp_path, {"a.py": stale, "b.py": stale.replace("A =", "B =")})
    monkeypatch.chdir(repo)  # pre-commit passes paths relative to the repository root
    code, findings = audit_json(repo, capsys, "--only-files", "b.py")
    assert (code, [(f["rule"], f["path"]) for f in findings]) == (1, [("unknown-name", "b.py")])
    (repo / "c.py").write_text("X = 1\n")
    code, findings = audit_json(repo, capsys, "--only-files", "c.py")
    assert (code, findings) == (0, [])
    assert main(["audit", str(repo), "--only-files", "gone.py"]) == 2  # a typo must not pass as "no drift"
    assert capsys.readouterr().err == "driftbot: --only-files: gone.py: no such file\n"
    code, findings = audit_json(repo, capsys, "--only-files", P2)  # an SSOT edit shows what it causes
    assert (code, [f["path"] for f in findings]) == (1, ["a.py", "b.py"])


def test_filter_changed_lines_since_a_base_shows_the_drift_a_branch_touches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    stale = listing("A", [*PHASE2_LINES[:5], "    'br_roster',"])
    repo = make_repo(tmp_path, {"a.py": stale, "b.py": stale.replace("A =", "B =")})
    person = ["-c", "user.name=A", "-c", "user.email=a@example.com"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], [*person, "commit", "-qm", "base"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    subprocess.run(["git", "checkout", "-q", "-b", "topic"], cwd=repo, check=True)
    (repo / "b.py").write_text(stale.replace("A =", "B =").replace("'br_roster',", "'br_roster',  # moved"))
    (repo / "c.py").write_text(stale.replace("A =", "C ="))  # untracked: every line is new

    code, findings = audit_json(repo, capsys, "--filter", "changed-lines", "--base", "main")
    assert (code, [(f["path"], f["line"]) for f in findings]) == (1, [("b.py", 7), ("c.py", 7)])
    (repo / "b.py").write_text(stale.replace("A =", "B =").replace("B = [", "B = [  # list"))  # line 1 only
    code, findings = audit_json(repo, capsys, "--filter", "changed-lines", "--base", "main")
    assert [f["path"] for f in findings] == ["c.py"]
    code, findings = audit_json(repo, capsys, "--filter", "changed-files", "--base", "main")
    assert [f["path"] for f in findings] == ["b.py", "c.py"]

    assert main(["audit", str(repo), "--filter", "changed-lines"]) == 2
    assert main(["audit", str(repo), "--filter", "changed-lines", "--base", "nope"]) == 2
    assert capsys.readouterr().err == (
        "driftbot: --filter changed-lines/changed-files and --base REF go together\n"
        "driftbot: --base nope: ambiguous argument 'nope': unknown revision or path not in the working tree.\n"
    )


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "a.py": "A = [  # driftbot: ignore[unknown-name]\n"
                + "\n".join(PHASE2_LINES[:5])
                + "\n    'br_roster',\n]\n"
            },
            [],
        ),
        ({"a.py": "A = [\n" + "\n".join(PHASE2_LINES[:5]) + "\n    'br_roster',  # driftbot: ignore\n]\n"}, []),
        (
            {
                "a.py": "A = [\n"
                + "\n".join(PHASE2_LINES[:5])
                + "\n    'br_roster',  # driftbot: ignore[missing-name]\n]\n"
            },
            [("unknown-name", "a.py")],
        ),
        ({"q.sql": "SELECT 1 FROM nba_raw.nbac_gamebook  -- driftbot: ignore[unknown-table]\n"}, []),
        ({"q.sql": "SELECT 1 FROM nba_raw.nbac_gamebook\n"}, [("unknown-table", "q.sql")]),
    ],
    ids=["collection-opener", "bare-ignore", "other-rule-only", "sql-dash-dash", "sql-unsuppressed"],
)
def test_inline_suppression_forms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    repo = make_repo(tmp_path, files)
    code, findings = audit_json(repo, capsys)
    assert [(f["rule"], f["path"]) for f in findings] == expected
    assert code == (1 if expected else 0)


def test_sql_with_a_byte_order_mark_is_still_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path, {"q.sql": "\ufeffSELECT COUNT(*) FROM nba_raw.nbac_gamebook;\n"})
    code, findings = audit_json(repo, capsys)
    assert (code, [(f["rule"], f.get("expected")) for f in findings]) == (
        1,
        [("unknown-table", "nbac_gamebook_player_stats")],
    )


def test_excluded_directories_are_not_entered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from driftbot import paths

    repo = make_repo(tmp_path, {"a.py": "x = 1\n", "vendor/lib/b.py": "y = 2\n", "src/vendor/c.py": "z = 3\n"})
    entered: list[str] = []
    real_walk = os.walk

    def recording_walk(top: str) -> object:  # the real os.walk, noting each directory it enters
        for dirpath, dirnames, filenames in real_walk(top):
            entered.append(os.path.relpath(dirpath, top))
            yield dirpath, dirnames, filenames

    monkeypatch.setattr(paths.os, "walk", recording_walk)
    assert paths.walk(repo, ["vendor/**", "**/vendor/**"], (".py",)) == ["a.py"]
    assert sorted(entered) == [".", "src", "ssot", os.path.join("ssot", "processors")]


def test_a_relative_repository_path_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make demo` runs `driftbot audit examples/nba-props-platform` from the checkout's root."""
    make_repo(tmp_path, {"cfg.py": listing("PHASE2", PHASE2_LINES), ".driftbot.yml": "version: 1\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["audit", "repo"]) == 0
    assert main(["fix", "repo", "--dry-run"]) == 0
    assert main(["validate", "--ssot", "repo/ssot"]) == 0
    capsys.readouterr()
