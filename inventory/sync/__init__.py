"""Stock sync from POS and ERP feeds: snapshots (absolute counts) and deltas (sales, receipts).

A feed arrives as a file (CSV or JSON lines) or as rows posted to the API;
``stock_feed_submit`` records it as a ``StockFeedRun`` and queues the Celery
task ``inventory.apply_stock_feed``, which calls ``stock_feed_apply``.  The
formats are described in ``inventory.sync.rows`` and ``inventory.sync.parsing``.

The rules:

- **Checked whole, then applied.**  Every row is read and checked before any
  stock changes.  A feed with *any* error (unreadable file, missing column,
  unknown or forbidden store, bad quantity, kind or time, a duplicate row or
  line id) is **rejected**: its run lists every error with line and column,
  and no stock changes.  Errors are what a sender must fix.
- **Unknown SKUs are not errors.**  A SKU or GTIN the catalogue does not know
  (yet) is skipped and listed in the run's ``unknown_skus`` with its lines;
  the rest of the feed is applied.  A new product is commonly in the ERP a day
  before it reaches the catalogue, and rejecting the nightly snapshot for it
  would leave every store's stock stale.
- **Snapshot** rows set on hand to the counted units: each difference is one
  ``count_correction`` movement (as ``stock_count`` posts it); a row that
  matches changes nothing.  A snapshot is partial: items it does not name
  are left alone, never zeroed.
- **Delta** rows post ``sale``, ``receipt`` or ``return`` movements as
  reported.  As in ``stock_record_sale``, a sale of more than is on record is
  posted in full and followed by a ``count_correction`` back to zero ("sold
  without stock on record: count needed"); stock cannot be negative.
- **The count is physical truth.**  When a count or a sale leaves fewer units
  than are reserved, the newest active reservations of that item are
  released until reserved fits (``inventory.services.levels.release_to_fit``,
  the rule ``stock_count`` uses; ``close_reason`` names the feed).
- **Idempotent.**  A feed id seen before returns its run and changes nothing.
  Movement source keys are ``feed:<feed_id>:<line>``, or for a delta row
  with the sender's ``line_id`` ``<kind>:<location id>:<line_id>`` (the key
  of ``stock_record_sale``/``stock_record_return`` when ``line_id`` is
  ``<receipt id>:<line no>``), so a line re-sent in another feed or already
  posted live through the API posts once; a rerun posts nothing twice.  The same
  snapshot sent again under a new feed id finds no differences.
- **Chunks.**  Rows are applied in chunks (``INVENTORY_FEED_CHUNK_SIZE``,
  10,000), each in its own short transaction that also records the progress
  (``rows_read``); a killed job resumes after its last committed chunk.
  Each chunk locks only the stock rows it changes, in (location, product)
  order, so reservations keep working during a sync (they wait at most one
  chunk, ``INVENTORY_FEED_LOCK_TIMEOUT_MS`` bounds our own waits and a
  chunk that meets a deadlock or a lock timeout is retried).  Snapshot rows
  that match the record are not locked at all.  On PostgreSQL a chunk is
  COPYed into a staging table and applied with set-based SQL; elsewhere
  (SQLite) through the ORM, with the same result.  Chunk commits do not
  wait for the disk (``synchronous_commit=off``): a chunk lost in a server
  crash loses its progress with it and is redone by the rerun.
- **Who may feed.**  A ``pos:<STORE>`` source may only feed its own store.
"""

from inventory.sync.services import stock_feed_apply, stock_feed_submit

__all__ = ["stock_feed_apply", "stock_feed_submit"]
