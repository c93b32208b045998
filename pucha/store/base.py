"""The result store interface (a bytewax-style sink with reads for the reports)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol, Sequence

from pucha.events import Event


@dataclass(frozen=True)
class SweepInfo:
    sweep: str
    as_of: str
    started: float
    finished: float | None = None
    status: str = "running"  # running | done | failed
    sites: int = 0
    params: str = "{}"


class ResultStore(Protocol):
    """What every caller may ask of a store: the embedded one (pucha.store.embedded) and ClickHouse
    (pucha.store.clickhouse) both implement all of it, so no caller sniffs for methods."""

    def write_events(self, events: Sequence[Event]) -> None:
        """Idempotent: an event id already stored is kept (or replaced by the canonical one)."""

    def write_event_rows(self, rows: list[tuple[str, str, str, str, str]]) -> None:
        """Events already serialised as (sweep, site, kind, event_id, body JSON), as ingest reads them."""

    def write_event_columns(self, columns: Sequence[Sequence[bytes]]) -> None:
        """The same five fields as columns of UTF-8 bytes (pucha.transport.packing.EventColumns)."""

    def discard_partial(self, sweep: str, sites: set[str]) -> int:
        """Drop the events of sites that never finished, before a resumed sweep crawls them again."""

    def count_events(self, sweep: str) -> int: ...

    def count_by_site_kind(self, sweep: str, sites: Sequence[str] | None = None) -> dict[tuple[str, str], int]:
        """Stored events per (site, kind): the distributed sweep waits until SiteDone's counts are all in."""

    def site_dones(self, sweep: str) -> list[Event]:
        """The sweep's SiteDone events, without reading its other events."""

    def site_history(self, site: str) -> list[dict]:
        """The site's scorecards, in the order their sweeps started (oldest first)."""

    def events(self, sweep: str, site: str | None = None) -> Iterator[Event]: ...

    def write_scorecards(self, sweep: str, cards: Sequence[dict]) -> None:
        """Automatic scorecards (decisions not applied), replacing those of the same sweep/site/as_of."""

    def scored_sites(self, sweep: str) -> set[str]:
        """Sites of this sweep that have a scorecard."""

    def scorecards(self, as_of: str, region: str | None = None) -> list[dict]:
        """The newest sweep's card per site for that as_of."""

    def begin_sweep(self, info: SweepInfo) -> None: ...

    def finish_sweep(self, sweep: str, status: str = "done") -> None: ...

    def sweep(self, sweep: str) -> SweepInfo | None: ...

    def sweeps(self) -> list[SweepInfo]: ...

    def region_table(self, as_of: str) -> list:
        """Per region of the newest cards: sites, passed, failed, vetoes by rule (pucha.store.regions.RegionRow)."""

    def done_sites(self, sweep: str) -> set[str]:
        """Sites whose SiteDone event is stored (a resumed sweep skips them)."""

    def close(self) -> None: ...
