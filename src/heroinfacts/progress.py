"""A progress bar on stderr while a large data set is compiled (shown after half a second)."""

from __future__ import annotations

import time
from typing import Any

#: Builds faster than this show nothing.
DELAY = 0.5


class Reporter:
    """A ``progress(stage, fraction)`` callback that draws a rich bar once building is slow."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, stage: str, fraction: float) -> None:
        if self.bar is None:
            if time.monotonic() - self.start < DELAY or fraction >= 1.0:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                TextColumn("heroinfacts: {task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(stage, total=1.0)
        self.bar.update(self.task, completed=min(fraction, 1.0), description=stage)
        if fraction >= 1.0:
            self.bar.stop()
            self.bar = None
