"""The result of checking one link target (shared by the ledger and the link checker)."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    status: int | None = None
    error: str | None = None
    final_url: str | None = None
    soft404: bool = False

    def to_dict(self) -> dict:
        return asdict(self)
