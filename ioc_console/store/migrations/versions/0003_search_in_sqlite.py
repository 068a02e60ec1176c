"""Search text folded by SQLite: the full-text index reads a view of the reports' own texts.

The first schema kept a folded copy of each report's searchable text (``report_texts.search_text``),
folded in Python on every write: half the cost of a bulk load. FTS5's ``unicode61`` tokenizer with
``remove_diacritics 2`` folds case and every Vietnamese diacritic itself; only đ/Đ (a letter of its
own, not a d with a mark) has to be replaced, which the view does with ``replace()``. The view joins
the unit's place names (``units.place_names``: the unit and the units above it, the top-level unit
left out) and the category's name, as the folded copy did. The index is rebuilt from the view.

Revision ID: 0003_search_in_sqlite
Revises: 0002_compact_history
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_search_in_sqlite"
down_revision: str | None = "0002_compact_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# đ/Đ (and the look-alike ð/Ð) become d; the tokenizer removes every other mark and lower-cases.
_SOURCE = """
CREATE VIEW report_search_source AS
SELECT t.id AS id,
       replace(replace(replace(replace(
           r.number || ' ' || t.title || ' ' || t.description || ' ' || t.address || ' '
           || coalesce(u.place_names, '') || ' ' || coalesce(c.name, ''),
       'đ', 'd'), 'Đ', 'd'), 'ð', 'd'), 'Ð', 'd') AS search_text
FROM report_texts AS t
JOIN reports AS r ON r.id = t.id
LEFT JOIN units AS u ON u.code = r.unit_code
LEFT JOIN categories AS c ON c.code = r.category
"""
# Positions are not kept (queries are sets of words and prefixes), nor per-row sizes (no ranking);
# ready-made lists for 2- and 3-letter prefixes serve the user typing "ng", "ngu"...
_INDEX = (
    "CREATE VIRTUAL TABLE report_search USING fts5(search_text, content='report_search_source',"
    " content_rowid='id', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 2',"
    " prefix='2 3')"
)


def _place_names(bind: sa.Connection) -> None:
    found = bind.execute(sa.text("SELECT code, name, parent FROM units"))
    units = {code: (name, parent) for code, name, parent in found}
    rows = []
    for code in units:
        chain = [code]
        while (parent := units[chain[-1]][1]) is not None and parent in units and parent not in chain:
            chain.append(parent)
        names = " ".join(units[c][0] for c in (chain[:-1] or chain))
        rows.append({"code": code, "names": names})
    if rows:
        bind.execute(sa.text("UPDATE units SET place_names = :names WHERE code = :code"), rows)


def upgrade() -> None:
    op.execute("DROP TABLE report_search")
    with op.batch_alter_table("units", recreate="never") as batch:
        batch.add_column(sa.Column("place_names", sa.Text(), server_default=sa.text("''"), nullable=False))
    _place_names(op.get_bind())
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later), without copying the table.
    op.execute("ALTER TABLE report_texts DROP COLUMN search_text")
    op.execute(_SOURCE)
    op.execute(_INDEX)
    op.execute("INSERT INTO report_search(report_search) VALUES ('rebuild')")


def downgrade() -> None:
    op.execute("DROP TABLE report_search")
    op.execute("DROP VIEW report_search_source")
    # The first schema's column, empty: forgetting the loaded jurisdiction makes the first schema's
    # store load it again on open, which folds every report's text anew and rebuilds its index.
    op.execute("ALTER TABLE report_texts ADD COLUMN search_text TEXT NOT NULL DEFAULT ''")
    op.execute("DELETE FROM meta WHERE key IN ('jurisdiction.names', 'jurisdiction.fingerprint')")
    op.execute("ALTER TABLE units DROP COLUMN place_names")
    op.execute(
        "CREATE VIRTUAL TABLE report_search USING fts5(search_text, content='report_texts', "
        "content_rowid='id', detail=none, columnsize=0, tokenize='ascii', prefix='2 3')"
    )
