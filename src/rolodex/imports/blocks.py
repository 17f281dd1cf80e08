"""Name-key blocks kept from batch to batch of one import run, on SQLite.

At a million customers most of what a batch reads is its records' namesakes: for each name
key, the oldest 50 live customers holding it (``batch_repository.block_many``) and what
matching reads of them (``batch_repository.match_rows``). Common names come back batch after
batch, and between two batches of a run only two things can change those rows: the run's own
writes, which it knows, and another writer. So a run keeps what it read and replays its own
writes on it:

* a customer the run created joins its key's block when it sorts after the block's last
  member (oldest first: ``created_at``, then id, as ``block_many`` orders them) and the block
  has room; a full block keeps its 50. Anything else drops the block, read again when needed.
* a customer the run updated loses its kept view; when its name key changed, the blocks of
  both keys are dropped.

Another writer is seen by SQLite itself. ``seal`` notes, just before the batch commits, the
connection, its ``PRAGMA data_version`` (which changes when another connection commits, not
when this one does) and its ``total_changes`` (rows written through this connection, which
the pool may lend to another request between batches). ``check``, at the start of the next
batch, drops everything when any of the three differs. A batch that rolled back drops
everything too. PostgreSQL has no such cheap signal: there, and in a dry run (its overlay is
read every batch), the run reads every batch as before (``active`` is False).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from rolodex.identity.batch import PER_KEY

if TYPE_CHECKING:
    from rolodex.imports.batch import Batch

# Views kept at most (a view and its contact record are about 1.5 KB): the blocks used
# longest ago go first.
VIEWS_MAX = 100_000


class NameBlocks:
    def __init__(self, active: bool, limit: int = VIEWS_MAX) -> None:
        self.active = active
        self.limit = limit
        # name key → (created_at, id) of its holders, oldest first, as block_many found them
        # (the blocks in order of use, least recent first)
        self.blocks: OrderedDict[str, list[tuple[datetime, uuid.UUID]]] = OrderedDict()
        # id → (its match_rows row, what Namesakes.could_match reads of it); only members of
        # a kept block
        self.views: dict[uuid.UUID, tuple[tuple[Any, ...], Any]] = {}
        self.stamp: tuple[Any, int, int] | None = None

    # -- the signal ---------------------------------------------------------------------------

    @staticmethod
    def _stamp(session: Session) -> tuple[Any, int, int]:
        conn = session.connection()
        dbapi = conn.connection.dbapi_connection
        version = conn.exec_driver_sql("PRAGMA data_version").scalar_one()
        return (dbapi, int(version), int(getattr(dbapi, "total_changes", -1)))

    def check(self, session: Session) -> None:
        """At the start of a batch: forget everything if anyone else wrote since ``seal``."""
        if not self.active:
            return
        now = self._stamp(session)
        stamp, self.stamp = self.stamp, None
        if stamp is None or stamp[0] is not now[0] or stamp[1:] != now[1:]:
            self.clear()

    def seal(self, session: Session) -> None:
        """After a batch's last write, before its commit."""
        if self.active:
            self.stamp = self._stamp(session)

    def clear(self) -> None:
        self.blocks.clear()
        self.views.clear()
        self.stamp = None

    # -- reading -------------------------------------------------------------------------------

    def take(self, keys: set[str]) -> dict[str, list[uuid.UUID]]:
        """The kept blocks of these name keys (removed from ``keys``: they need no lookup)."""
        out: dict[str, list[uuid.UUID]] = {}
        if not self.active:
            return out
        for key in list(keys):
            ids = self.blocks.get(key)
            if ids is not None:
                self.blocks.move_to_end(key)
                out[key] = [cid for _, cid in ids]
                keys.discard(key)
        return out

    def keep_blocks(
        self,
        asked: Iterable[str],
        found: dict[str, list[uuid.UUID]],
        ages: dict[uuid.UUID, datetime],
    ) -> None:
        """What block_many found for the name keys ``asked`` (``found`` by ``k:`` key, their
        ``created_at`` in ``ages``; a key nobody holds is kept as an empty block)."""
        if not self.active:
            return
        for key in asked:
            self._drop(key)
            self.blocks[key] = [(ages[cid], cid) for cid in found.get("k:" + key, ())]

    def kept_views(self, ids: set[uuid.UUID]) -> list[tuple[tuple[Any, ...], Any]]:
        """The kept views of these ids (removed from ``ids``: they need no reading)."""
        if not self.active:
            return []
        out = []
        for cid in list(ids):
            kept = self.views.get(cid)
            if kept is not None:
                out.append(kept)
                ids.discard(cid)
        return out

    def keep_view(self, row: tuple[Any, ...], contact: Any, key: str | None) -> None:
        """A match_rows row read this batch and its contact record, kept when its name key's
        block is."""
        if self.active and key is not None and key in self.blocks:
            self.views[row[0]] = (row, contact)

    def trim(self) -> None:
        while len(self.views) > self.limit and self.blocks:
            _key, ids = self.blocks.popitem(last=False)
            for _, cid in ids:
                self.views.pop(cid, None)

    # -- the run's own writes ------------------------------------------------------------------

    def wrote(self, batch: Batch) -> None:
        """Replay what ``batch`` stored (after it was flushed, before its commit)."""
        if not self.active:
            return
        for o in batch.outcomes:
            cid = o.target
            if o.action != "update" or cid is None or cid in batch.created:
                continue
            self.views.pop(cid, None)
            before = batch.originals.get(cid)
            after = batch.final[cid].cols["name_key"]
            if before is None:  # not loaded as matching found it: nothing to compare with
                self.clear()
                return
            if before.cols["name_key"] != after:
                self._drop(before.cols["name_key"])
                self._drop(after)
        for cid in batch.created:
            cols = batch.final[cid].cols
            self._joined(cols["name_key"], (cols["created_at"], cid))

    def _joined(self, key: str | None, order: tuple[datetime, uuid.UUID]) -> None:
        ids = self.blocks.get(key) if key is not None else None
        if key is None or ids is None:
            return
        if ids and not ids[-1] < order:
            self._drop(key)  # it goes before the last: read the block again
        elif len(ids) < PER_KEY:
            ids.append(order)

    def _drop(self, key: str | None) -> None:
        if key is None:
            return
        for _, cid in self.blocks.pop(key, ()):
            self.views.pop(cid, None)
