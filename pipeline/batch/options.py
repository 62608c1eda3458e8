"""What a batch run is asked to do, and what it reports back."""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .readers import ReadOptions


@dataclass
class RunOptions:
    """Options of a batch run; the defaults suit a laptop."""

    model: str | Path | None = None
    force: bool = False
    excel: bool = False
    batch_size: int = 64
    read: ReadOptions = field(default_factory=ReadOptions)
    engine: str = "local"
    workers: int = 1
    scheduler: str | None = None


@dataclass
class RunSummary:
    out_dir: Path
    articles: int = 0
    ok: int = 0
    errors: int = 0
    reused: int = 0
    redone: int = 0  # articles whose earlier result was stale (other model, settings, text) or corrupt
    mentions: int = 0
    entities: int = 0
    words: int = 0
    seconds: float = 0.0
    done: int = 0  # articles finished so far (reused or processed), for the line of an interrupted run
    read: int = 0  # articles read so far
    notes: list[str] = field(default_factory=list)
    # Coded warnings ([W001]: no article found); the CLI prints them on stderr.
    warnings: list[str] = field(default_factory=list)
    # A run that processed no words: the last measured speed and when its run started, from `run.json`.
    last_speed: dict[str, Any] | None = None
    # The linking of places to GeoNames (`pipeline.places.linker.RunLinker.info`), for `run.json`.
    places: dict[str, Any] | None = None

    @property
    def words_per_s(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def speed(self) -> str:
        if self.words:
            return f"{self.words_per_s:,.0f} words/s"
        if self.ok and self.reused == self.ok:
            text = "nothing to process, every article unchanged"
        else:
            text = "no words processed"
        if self.last_speed:
            text += f" (last measured {self.last_speed['words_per_s']:,.0f} words/s, {self.last_speed['measured']})"
        return text

    def line(self) -> str:
        return (
            f"{self.articles} articles: {self.ok} ok ({self.reused} unchanged, {self.redone} redone), "
            f"{self.errors} failed; {self.mentions} mentions of {self.entities} entities; {self.speed()}. "
            f"Output in {self.out_dir}"
        )

    def interrupted_line(self) -> str:
        return (
            f"Interrupted: {self.done} of the {self.read} articles read so far are done ({self.reused} unchanged); "
            f"the tables in {self.out_dir} are not updated. Run the same command again to finish."
        )


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal (Ctrl-C is SIGINT, `kill` sends SIGTERM); the CLI exits 128 + signum.

    `summary` says how far the run came; every finished article is kept for the next run.
    """

    def __init__(self, signum: int = signal.SIGINT, summary: RunSummary | None = None) -> None:
        super().__init__(signum)
        self.signum = int(signum)
        self.summary = summary

    @property
    def exit_code(self) -> int:
        return 128 + self.signum
