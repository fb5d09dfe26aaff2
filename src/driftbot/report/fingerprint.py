"""A stable identity for a finding, shared by the JSON report, SARIF and baselines.

It hashes what the drift *is* (rule, file, symbol, actual, expected) and never where it sits
(line, column, message wording), so the same drift keeps its identity when lines move.
"""

from __future__ import annotations

import hashlib
import json

from driftbot.ftypes import Finding

FINGERPRINT_VERSION = "v1"  # bump when the hashed fields change: every baseline entry goes stale


def fingerprint(finding: Finding) -> str:
    """32 hex characters identifying `finding` independently of its position in the file."""
    # JSON keeps the fields unambiguous: no separator inside a value can shift a boundary.
    parts = [
        FINGERPRINT_VERSION,
        finding.rule,
        finding.location.path,
        finding.symbol,
        finding.actual,
        finding.expected,
    ]
    data = json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:32]
