"""Sign-in throttling: failed sign-ins are limited per account and per source address.

The limits are the ``limits`` library's fixed windows, in its notation (``"5/minute"``), several per
key: once the shortest is used up a sign-in waits until its window ends, once a longer one is, longer
(1 minute, then 15, then the rest of the day by default), so the wait grows with the failures. Only
failures count; a right password clears its account's counters (not its address's, or one account
an attacker knows would reset the address's limit).

The counters live in the hub's database (:class:`DatabaseStorage`, a ``limits`` storage), not in one
process's memory: several hub processes behind a proxy on one PostgreSQL count the same attempts, and
a restart does not wipe them. Time is the hub's clock (tests move it).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from limits import RateLimitItem, parse
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Connection, bindparam, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from ioc_console.hub import schema
from ioc_console.hub.db import Database

_limits = schema.rate_limits.c


class DatabaseStorage(Storage):
    """A ``limits`` storage kept in the hub's ``rate_limits`` table (fixed windows only)."""

    STORAGE_SCHEME = None

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self.db = db
        self.clock = clock
        insert = sqlite.insert if db.is_sqlite else postgresql.insert
        fresh = insert(schema.rate_limits).values(
            key=bindparam("key"), count=bindparam("amount"), expires_at=bindparam("expires")
        )
        live = _limits.expires_at > bindparam("now")
        # One statement whichever process runs it: a new window, or one more in the running one.
        self._incr = fresh.on_conflict_do_update(
            index_elements=[_limits.key],
            set_={
                "count": case((live, _limits.count + fresh.excluded.count), else_=fresh.excluded.count),
                "expires_at": case((live, _limits.expires_at), else_=fresh.excluded.expires_at),
            },
        ).returning(_limits.count)

    def _now(self) -> float:
        return self.clock().timestamp()

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = self._now()
        with self.db.write() as conn:
            count = conn.execute(
                self._incr, {"key": key, "amount": amount, "expires": now + expiry, "now": now}
            ).scalar_one()
        return int(count)

    def _row(self, key: str) -> Any:
        with self.db.read() as conn:
            return conn.execute(
                select(_limits.count, _limits.expires_at).where(
                    _limits.key == key, _limits.expires_at > self._now()
                )
            ).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return 0 if row is None else int(row.count)

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return self._now() if row is None else float(row.expires_at)

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self.db.write() as conn:
            return int(conn.execute(delete(schema.rate_limits)).rowcount)

    def clear(self, key: str) -> None:
        with self.db.write() as conn:
            conn.execute(delete(schema.rate_limits).where(_limits.key == key))

    def forget_expired(self) -> None:
        with self.db.write() as conn:
            conn.execute(delete(schema.rate_limits).where(_limits.expires_at <= self._now()))


@dataclass(frozen=True)
class Refusal:
    """A sign-in refused for now: by the account's limits or the address's, and for how long."""

    scope: str
    seconds: int


class SignInThrottle:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        account_limits: Sequence[str],
        address_limits: Sequence[str],
    ) -> None:
        self.storage = DatabaseStorage(db, clock)
        self.limiter = FixedWindowRateLimiter(self.storage)
        self.scopes: tuple[tuple[str, tuple[RateLimitItem, ...]], ...] = (
            ("account", tuple(parse(text) for text in account_limits)),
            ("address", tuple(parse(text) for text in address_limits)),
        )

    def refusal(self, name: str, address: str) -> Refusal | None:
        """Why a sign-in to ``name`` from ``address`` may not be tried now (the longest wait), or None."""
        now = self.storage._now()
        worst: Refusal | None = None
        for scope, items in self.scopes:
            ident = name if scope == "account" else address
            for item in items:
                if self.limiter.test(item, scope, ident):
                    continue
                reset = self.limiter.get_window_stats(item, scope, ident).reset_time
                seconds = max(1, math.ceil(reset - now))
                if worst is None or seconds > worst.seconds:
                    worst = Refusal(scope, seconds)
        return worst

    def failed(self, name: str, address: str) -> None:
        for scope, items in self.scopes:
            ident = name if scope == "account" else address
            for item in items:
                self.limiter.hit(item, scope, ident)

    def succeeded(self, name: str) -> None:
        for scope, items in self.scopes:
            if scope == "account":
                for item in items:
                    self.limiter.clear(item, scope, name)
        self.storage.forget_expired()


_bursts = schema.signin_bursts.c
#: Source addresses kept in one burst's tally (a spread-out attack is told by the count).
MAX_ADDRESSES = 10


class FailureLog:
    """Failed and refused sign-ins tallied per account (or per address, for attempts that the
    address's limit refused), each burst written to the audit log as one entry: when the account
    signs in, or once nothing has been tried for ``quiet``."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        quiet: timedelta,
        audit: Callable[..., None],
    ) -> None:
        self.db = db
        self.clock = clock
        self.quiet = quiet
        self.audit = audit
        insert = sqlite.insert if db.is_sqlite else postgresql.insert
        self._start = insert(schema.signin_bursts).on_conflict_do_nothing(index_elements=[_bursts.key])

    @staticmethod
    def key(name: str, address: str, scope: str) -> str:
        return f"address:{address}" if scope == "address" else f"account:{name}"

    def record(
        self, conn: Connection, *, name: str, address: str, console: str, scope: str, refused: bool
    ) -> None:
        now = self.clock()
        key = self.key(name, address, scope)[:255]
        conn.execute(
            self._start,
            {
                "key": key,
                "user_name": "" if scope == "address" else name[:100],
                "address": address[:64],
                "console_id": console[:100],
                "first_at": now,
                "last_at": now,
                "failures": 0,
                "refused": 0,
                "addresses": "[]",
            },
        )
        row = conn.execute(select(schema.signin_bursts).where(_bursts.key == key).with_for_update()).one()
        addresses = json.loads(row.addresses)
        if address and address not in addresses and len(addresses) < MAX_ADDRESSES:
            addresses.append(address[:64])
        conn.execute(
            update(schema.signin_bursts)
            .where(_bursts.key == key)
            .values(
                last_at=now,
                console_id=console[:100],
                failures=row.failures + (0 if refused else 1),
                refused=row.refused + (1 if refused else 0),
                addresses=json.dumps(addresses),
            )
        )

    def _close(self, conn: Connection, rows: Sequence[Any]) -> None:
        for row in rows:
            self.audit(
                conn,
                who=row.user_name,
                role="",
                console=row.console_id,
                action="login",
                target=row.user_name or row.address,
                outcome=401 if row.failures else 429,
                detail={
                    "failures": int(row.failures),
                    "refused": int(row.refused),
                    "first": row.first_at.isoformat(),
                    "last": row.last_at.isoformat(),
                    "addresses": json.loads(row.addresses),
                },
            )
            conn.execute(delete(schema.signin_bursts).where(_bursts.key == row.key))

    def close_account(self, conn: Connection, name: str) -> None:
        """Write the burst of failures that preceded a successful sign-in (if any)."""
        key = self.key(name, "", "account")[:255]
        rows = conn.execute(select(schema.signin_bursts).where(_bursts.key == key).with_for_update()).all()
        self._close(conn, rows)

    def close_quiet(self) -> None:
        """Write the bursts that have gone quiet (a read finds none, most of the time)."""
        cutoff = self.clock() - self.quiet
        with self.db.read() as conn:
            any_quiet = conn.execute(select(_bursts.key).where(_bursts.last_at < cutoff).limit(1)).first()
        if any_quiet is None:
            return
        with self.db.write() as conn:
            rows = conn.execute(
                select(schema.signin_bursts)
                .where(_bursts.last_at < cutoff)
                .order_by(_bursts.first_at)
                .limit(100)
                .with_for_update(skip_locked=True)
            ).all()
            self._close(conn, rows)
