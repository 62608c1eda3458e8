"""The output folder of a run: one run at a time holds it, and a run cleans up only what a run left there.

The lock is an OS file lock (`filelock`), so the system releases it when its process dies, however it dies;
next to it a small file names the process that holds it, for the message a second run gives. A run that finds
that file although it got the lock knows the previous run was killed, and says so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import Errors, OutputError
from ..tables.output import atomic_write_text
from ..tables.schemas import TABLE_NAMES

LOCK_NAME = ".de-entities.lock"
OWNER_NAME = ".de-entities.owner.json"
# The subfolders of per-article files; the corpus tables are at the top of the folder.
ARTICLE_FOLDERS = ("articles", "texts", "results")
# The temporary names this project's writers use (tempfile's 8 random characters between the dots):
# `.<file>.<random>.tmp` for an atomic write, `.<table>.csv|parquet.<random>.tmp` for a table being written
# (every table of the registry, `pipeline.tables.schemas.TABLES`),
# `.slots.<random>.tmp` for the spool of a run's article order.
_RANDOM = r"[a-z0-9_]{8}"
TOP_TEMP_RE = re.compile(rf"^\.(slots|run\.json|({'|'.join(TABLE_NAMES)})\.(csv|parquet)(\.old)?)\.{_RANDOM}\.tmp$")
ARTICLE_TEMP_RE = re.compile(rf"^\..+\.(csv|txt|json)\.{_RANDOM}\.tmp$")


class FolderLock:
    """Hold `out_dir` for one run; a second run gets `OutputError` [E070] naming the first one's PID."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.lock = FileLock(str(out_dir / LOCK_NAME))
        self.owner_path = out_dir / OWNER_NAME
        self.notes: list[str] = []

    def __enter__(self) -> FolderLock:
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            owner = self._owner() or {}
            raise OutputError(
                Errors.E070.format(
                    path=self.out_dir,
                    pid=owner.get("pid", "unknown"),
                    host=owner.get("host", "unknown"),
                    started=owner.get("started", "unknown"),
                )
            ) from None
        previous = self._owner()
        if previous is not None:
            self.notes.append(
                f"Took over the output folder from run PID {previous.get('pid')} (started {previous.get('started')}), "
                "which ended without releasing it (killed or crashed); its finished articles are kept."
            )
        owner = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        atomic_write_text(self.owner_path, json.dumps(owner) + "\n")
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.owner_path.unlink(missing_ok=True)
        finally:
            self.lock.release()

    def _owner(self) -> dict[str, object] | None:
        try:
            owner = json.loads(self.owner_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return owner if isinstance(owner, dict) else None


def sweep_temporary(out_dir: Path) -> None:
    """Remove the temporary files a killed run left behind: only names this project writes, only in its places.

    The folder may be `.` or a home folder, so nothing is matched recursively and nothing else is touched.
    """
    places = [(out_dir, TOP_TEMP_RE)] + [(out_dir / name, ARTICLE_TEMP_RE) for name in ARTICLE_FOLDERS]
    for folder, pattern in places:
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if not pattern.match(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                Path(entry.path).unlink(missing_ok=True)
