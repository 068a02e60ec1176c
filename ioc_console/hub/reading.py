"""Reading the hub's reports out of its database as domain reports, for reports made elsewhere.

``ioc-hub report`` computes its figures as the console does, over a store of the reports it needs:
:func:`reports_for_period` yields those of the hub's reports that can count in a period starting at
``since`` (received or changed since then, or still open, whatever their age), each whole (history
and attachments) as the staff feed carries it. :func:`stored_jurisdiction` is the pack the hub runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import or_, select

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import TERMINAL
from ioc_console.domain.report import Report
from ioc_console.hub import schema
from ioc_console.hub.db import Database, DatabaseError, latest_pack
from ioc_console.hub.jurisdiction_store import load_files
from ioc_console.hub.wire import report_from_wire

#: Reports read per query.
BATCH = 1000


def stored_jurisdiction(db: Database) -> Jurisdiction:
    """The newest jurisdiction pack stored in the hub's database (:class:`DatabaseError` if none)."""
    with db.read() as conn:
        stored = latest_pack(conn)
    if stored is None:
        raise DatabaseError(f"the database {db.safe_url} holds no jurisdiction pack: run `ioc-hub init`")
    return load_files(stored.files)


def reports_for_period(db: Database, since: datetime) -> Iterator[Report]:
    """Every report received or changed at or after ``since``, and every report not closed, by id."""
    r = schema.reports
    terminal = sorted(s.value for s in TERMINAL)
    wanted = or_(r.c.received_at >= since, r.c.updated_at >= since, r.c.status.not_in(terminal))
    after = 0
    while True:
        query = select(r.c.id, r.c.doc).where(wanted, r.c.id > after).order_by(r.c.id).limit(BATCH)
        with db.read() as conn:
            rows = conn.execute(query).all()
        for _id, doc in rows:
            yield report_from_wire(json.loads(doc))
        if len(rows) < BATCH:
            return
        after = int(rows[-1][0])


__all__ = ["BATCH", "reports_for_period", "stored_jurisdiction"]
