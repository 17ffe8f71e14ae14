"""SQLite helpers shared by the job queue and the votes: WAL databases, one short-lived connection per
operation (safe from any thread), explicit transactions that take the write lock up front."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

__all__ = ["connect", "create", "transaction"]

BUSY_MS = 30_000  # how long a writer waits for another one's lock before failing


def connect(path: str | os.PathLike) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit) with rows as ``sqlite3.Row``."""
    con = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
    con.row_factory = sqlite3.Row
    con.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    con.execute("PRAGMA foreign_keys = ON")
    return con


def create(path: str | os.PathLike, schema: str) -> Path:
    """Create (or open) the database in WAL mode and apply ``schema`` (``CREATE ... IF NOT EXISTS``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(connect(path)) as con:
        con.execute("PRAGMA journal_mode = WAL")
        con.executescript(schema)
    return path


@contextmanager
def transaction(path: str | os.PathLike) -> Iterator[sqlite3.Connection]:
    """A connection inside ``BEGIN IMMEDIATE``; committed when the block ends, rolled back on an exception."""
    with closing(connect(path)) as con:
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
