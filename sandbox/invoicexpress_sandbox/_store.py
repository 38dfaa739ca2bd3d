"""SQLite storage: one connection, one writer lock, one transaction per mutating request.

Records are JSON blobs keyed by (kind, id) and owned by an account. Every write runs inside
`BEGIN IMMEDIATE` under a process-wide lock, so numbering read-modify-write cycles can never
interleave (gapless numbers) and a failed request rolls back completely (state unchanged).
`:memory:` by default; a file path keeps everything across restarts.
"""

from __future__ import annotations

import itertools
import json
import marshal
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from ._jsontext import compact, compact_ascii

MAX_ID = 2**63 - 1
_UPSERT = sqlite3.sqlite_version_info >= (3, 35)  # RETURNING
_NEXT = (
    "INSERT INTO counters (name, value) VALUES (?, ?) "
    "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value"
)
_COMPACT = json.JSONEncoder(separators=(",", ":"))  # as json.dumps(..., separators=...)
PUBLIC_KINDS = frozenset({"document"})  # kinds whose public JSON is kept for fast reads
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    id INTEGER NOT NULL,
    account TEXT NOT NULL,
    data TEXT NOT NULL,
    tag TEXT,
    pub TEXT,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS records_account ON records (account, kind);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Tx:
    """Operations available inside one transaction."""

    def __init__(
        self, conn: sqlite3.Connection, cache: dict[str, dict[str | int, bytes]] | None
    ) -> None:
        self._conn = conn
        # Per kind, the rows `all` (by account) and `get` (by id) last read, marshalled (each
        # call gets its own objects); dropped when the kind is written or a transaction rolls
        # back.
        self._cache = cache
        self._rendered: tuple[str, int, str] | None = None  # the last public JSON put
        # Counters' values as this connection last wrote them (in memory only, like `_cache`;
        # dropped with it).
        self._counters: dict[str, int] = {}
        # `find`'s rows per kind and account, never handed out; dropped with `_cache`.
        self._shared: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def get(self, kind: str, record_id: int, account: str | None = None) -> dict[str, Any] | None:
        if not 0 < record_id <= MAX_ID:  # larger than SQLite's INTEGER: no such record
            return None
        remembered = self._cache.setdefault(kind, {}) if self._cache is not None else None
        blob = remembered.get(record_id) if remembered is not None else None
        if blob is not None:
            owner, data = marshal.loads(blob)  # noqa: S302 - our own bytes
        else:
            row = self._conn.execute(
                "SELECT account, data FROM records WHERE kind = ? AND id = ?", (kind, record_id)
            ).fetchone()
            if row is None:
                return None
            owner, data = row[0], json.loads(row[1])
            if remembered is not None:
                remembered[record_id] = marshal.dumps((owner, data))
        if account is not None and owner != account:
            return None
        found: dict[str, Any] = data
        return found

    def put(self, kind: str, record_id: int, account: str, data: dict[str, Any]) -> None:
        """Store a record, with its public JSON (no `_` keys) rendered once for fast reads."""
        self.forget(kind)
        pub = None
        text = None
        if kind in PUBLIC_KINDS:
            lead = _public_lead(tuple(data))
            if lead is None:
                public = {k: v for k, v in data.items() if not k.startswith("_")}
            else:
                public = dict(itertools.islice(data.items(), lead))
            pub = compact(public)
            if not pub.isascii():
                if _unencodable(pub):
                    pub = _COMPACT.encode(public)  # escapes what UTF-8 cannot hold
            elif public and lead is not None:
                # The public keys come first: the record's JSON is the public JSON followed
                # by the private keys (ASCII text reads the same escaped or not).
                private = dict(itertools.islice(data.items(), lead, None))
                text = pub[:-1] + "," + compact_ascii(private)[1:] if private else pub
        self._conn.execute(
            "INSERT OR REPLACE INTO records (kind, id, account, data, tag, pub) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                kind,
                record_id,
                account,
                text if text is not None else compact_ascii(data),
                str(data.get("type", "")),
                pub,
            ),
        )
        if pub is not None:
            self._rendered = (kind, record_id, pub)

    def get_public(self, kind: str, record_id: int, account: str) -> tuple[str, str] | None:
        """(`type` tag, public JSON text) of a record, without parsing it."""
        if not 0 < record_id <= MAX_ID:
            return None
        row = self._conn.execute(
            "SELECT account, tag, pub FROM records WHERE kind = ? AND id = ?", (kind, record_id)
        ).fetchone()
        if row is None or row[0] != account or row[2] is None:
            return None
        return str(row[1]), str(row[2])

    def delete(self, kind: str, record_id: int) -> None:
        if not 0 < record_id <= MAX_ID:
            return
        self.forget(kind)
        self._conn.execute("DELETE FROM records WHERE kind = ? AND id = ?", (kind, record_id))

    def all(self, kind: str, account: str) -> list[dict[str, Any]]:
        remembered = self._cache.setdefault(kind, {}) if self._cache is not None else None
        cached = remembered.get(account) if remembered is not None else None
        if cached is not None:
            found: list[dict[str, Any]] = marshal.loads(cached)  # noqa: S302 - our own bytes
            return found
        rows = self._conn.execute(
            "SELECT data FROM records WHERE account = ? AND kind = ? ORDER BY id",
            (account, kind),
        ).fetchall()
        parsed = [json.loads(r[0]) for r in rows]
        if remembered is not None:
            remembered[account] = marshal.dumps(parsed)
        return parsed

    def find(
        self, kind: str, account: str, match: Callable[[Mapping[str, Any]], bool]
    ) -> dict[str, Any] | None:
        """The first of `all(kind, account)` that `match`es (a copy of its own), without
        copying the others."""
        if self._cache is None:  # a file's rows are read afresh
            return next((r for r in self.all(kind, account) if match(r)), None)
        found = self.peek(kind, account, match)
        return None if found is None else self.get(kind, int(found["id"]), account)

    def peek(
        self, kind: str, account: str, match: Callable[[Mapping[str, Any]], bool]
    ) -> Mapping[str, Any] | None:
        """As `find`, but the row itself, shared: to read, never to change."""
        return next((r for r in self.shared(kind, account) if match(r)), None)

    def shared(self, kind: str, account: str) -> Sequence[Mapping[str, Any]]:
        """`all(kind, account)` without copying the rows: shared, to read, never to change (a
        file's rows are read afresh)."""
        if self._cache is None:
            return self.all(kind, account)
        shared = self._shared.setdefault(kind, {})
        rows = shared.get(account)
        if rows is None:
            rows = shared[account] = self.all(kind, account)
        return rows

    def rendered(self, kind: str, record_id: int) -> str | None:
        """The public JSON of the record the last `put` stored, if it was this one."""
        last = self._rendered
        return last[2] if last is not None and last[:2] == (kind, record_id) else None

    def forget(self, kind: str | None = None) -> None:
        """Drop what `all` remembers of `kind` (None: of every kind)."""
        self._rendered = None
        if self._cache is not None:
            if kind is None:
                self._cache.clear()
                self._shared.clear()
                self._counters.clear()
            else:
                self._cache.pop(kind, None)
                self._shared.pop(kind, None)

    def next_id(self, name: str, start: int = 1) -> int:
        """The next value of a named counter (ids, numbering); gapless within a transaction."""
        known = self._counters.get(name) if self._cache is not None else None
        if known is not None:  # this connection wrote it last: only the write is needed
            value = known + 1
            self._conn.execute("UPDATE counters SET value = ? WHERE name = ?", (value, name))
        elif _UPSERT:  # one statement where SQLite can say what it stored
            value = int(self._conn.execute(_NEXT, (name, start)).fetchone()[0])
        else:
            row = self._conn.execute(
                "SELECT value FROM counters WHERE name = ?", (name,)
            ).fetchone()
            value = start if row is None else int(row[0]) + 1
            self._conn.execute(
                "INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)", (name, value)
            )
        if self._cache is not None:
            self._counters[name] = value
        return value

    def meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def wipe(self) -> None:
        self.forget()
        for table in ("records", "counters", "meta"):
            self._conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names

    def snapshot(self) -> dict[str, Any]:
        """Every row, for tests that prove a bad request changed nothing."""
        return {
            "records": self._conn.execute(
                "SELECT kind, id, account, data FROM records ORDER BY kind, id"
            ).fetchall(),
            "counters": self._conn.execute("SELECT * FROM counters ORDER BY name").fetchall(),
            "meta": self._conn.execute("SELECT * FROM meta ORDER BY key").fetchall(),
        }


_LEADS: dict[tuple[str, ...], int | None] = {}


def _public_lead(keys: tuple[str, ...]) -> int | None:
    """How many public keys (no `_`) a record with these keys has, when they all come before
    its private ones; None when they do not. Remembered per layout: records of a kind share
    a few."""
    lead = _LEADS.get(keys, -1)
    if lead == -1:
        count = sum(1 for k in keys if not k.startswith("_"))
        lead = count if not any(k.startswith("_") for k in keys[:count]) else None
        if len(_LEADS) >= 256:
            _LEADS.clear()
        _LEADS[keys] = lead
    return lead


def _unencodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class _Reading:
    """The store's lock held for the `with` block (a class, not a generator: every request
    enters one; it keeps no state of its own, so one serves every caller)."""

    def __init__(self, lock: threading.RLock, tx: Tx) -> None:
        self._lock = lock
        self._tx = tx

    def __enter__(self) -> Tx:
        self._lock.acquire()
        return self._tx

    def __exit__(self, kind: object, *exc: object) -> None:
        self._lock.release()


class _Writing(_Reading):
    """As `_Reading`, inside `BEGIN IMMEDIATE`: committed at the end of the block, rolled back
    when it raises."""

    def __init__(self, lock: threading.RLock, tx: Tx, conn: sqlite3.Connection) -> None:
        super().__init__(lock, tx)
        self._conn = conn

    def __enter__(self) -> Tx:
        self._lock.acquire()
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        return self._tx

    def __exit__(self, kind: object, *exc: object) -> None:
        try:
            if kind is None:
                self._conn.execute("COMMIT")
            else:
                self._tx.forget()  # it may hold rows the rollback takes back
                self._conn.execute("ROLLBACK")
        finally:
            self._lock.release()


SYNC_MODES = ("full", "normal")


class Store:
    """Owns the connection; hand out `Tx` objects through `write()` and `read()`.

    A file runs WAL with `synchronous=FULL` by default: each commit is fsynced before the
    answer goes out, so an acknowledged write survives a power loss, not only a killed
    process. `normal` (faster; `--db-sync normal`) can lose the last commits on power loss.
    """

    def __init__(self, path: str | None = None, synchronous: str = "full") -> None:
        if synchronous not in SYNC_MODES:
            raise ValueError(f"synchronous must be one of {', '.join(SYNC_MODES)}")
        self.path = path or ":memory:"
        self.synchronous = synchronous
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30
        )
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(f"PRAGMA synchronous={synchronous.upper()}")
        self._conn.executescript(_SCHEMA)
        columns = {r[1] for r in self._conn.execute("PRAGMA table_info(records)")}
        for column in ("tag", "pub"):  # files written before these columns existed
            if column not in columns:
                self._conn.execute(f"ALTER TABLE records ADD COLUMN {column} TEXT")
        # Only this connection can change an in-memory database: its rows can be remembered.
        tx = Tx(self._conn, {} if self.path == ":memory:" else None)
        self._reading = _Reading(self._lock, tx)
        self._writing = _Writing(self._lock, tx, self._conn)

    def write(self) -> AbstractContextManager[Tx]:
        """One all-or-nothing transaction; any exception rolls everything back."""
        return self._writing

    def read(self) -> AbstractContextManager[Tx]:
        return self._reading

    def close(self) -> None:
        with self._lock:
            self._conn.close()
