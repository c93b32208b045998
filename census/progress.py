"""Progress bars for long commands (rich), fed by a callable that returns live counts."""
from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

PHASES = (("sites_done", "站点 sites"), ("pages", "页面 pages"), ("checks", "链接 links checked"),
          ("probes", "探测 probes"))


class SweepProgress:
    def __init__(self, totals: dict[str, int | None], enabled: bool = True, extra: tuple = ()):
        self.enabled = enabled
        self.console = Console(stderr=True)
        self.progress = Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=self.console, disable=not enabled,
                                 refresh_per_second=4)
        self.tasks = {key: self.progress.add_task(label, total=totals.get(key))
                      for key, label in PHASES + tuple(extra)}

    def __enter__(self) -> "SweepProgress":
        self.progress.start()
        return self

    def update(self, counts: dict[str, int], totals: dict[str, int | None] | None = None) -> None:
        for key, task in self.tasks.items():
            if key in counts:
                kw = {"completed": counts[key]}
                if totals and key in totals:
                    kw["total"] = totals[key]
                self.progress.update(task, **kw)

    def __exit__(self, *exc) -> None:
        self.progress.stop()
