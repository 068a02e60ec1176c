"""The citizen-feed simulator: new citizens' reports arriving at a hub, as the channels send them.

:class:`CitizenFeed` is an asyncio task that posts a new report every so often (``rate_per_minute``
on average, each gap between two thirds and four thirds of the mean: one every 20 to 40 seconds at
the default rate; the first one within a few seconds so that a new user of the demo
sees one arrive at once). The channel is drawn first, and the report is written for it by the demo's
text bank (:func:`ioc_console.demo.new_report`): natural Vietnamese in that channel's voice, a real
place of the pack with its coordinates, the citizen's name and phone when the channel has them,
sometimes a photo. Web, app, Facebook and Zalo reports are Open311 POSTs with that channel's API key;
a hotline call is typed in through the staff API by the switchboard's account, as a 1022 operator
would. The same seed gives the same reports on the same channels at the same gaps.

A hub that refuses or cannot be reached is logged and retried after a pause; the feed never stops
on its own.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from ioc_console.aio import settle
from ioc_console.demo.generator import new_report
from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.domain.lifecycle import Channel
from ioc_console.resources import default_pack_path

if TYPE_CHECKING:
    from ioc_console.demo.embedded import EmbeddedHub

log = logging.getLogger(__name__)

#: Average new reports a minute when none is given (a busy hour in the source province).
DEFAULT_RATE = 2.0
#: The first report comes within this many seconds.
FIRST_WITHIN = 8.0
#: A gap between reports is the mean gap times a factor drawn between these.
GAP_SPREAD = (2 / 3, 4 / 3)
#: Shares of the channels in the live feed (the app and Zalo lead, as in the source province).
CHANNEL_SHARES = {
    Channel.APP: 35.0,
    Channel.ZALO: 20.0,
    Channel.WEB: 15.0,
    Channel.FACEBOOK: 15.0,
    Channel.HOTLINE: 15.0,
}
#: Pause after a failed post before the next attempt, doubling up to the cap.
RETRY_BASE, RETRY_CAP = 2.0, 60.0


def _open311_form(fields: Mapping[str, Any], api_key: str) -> dict[str, str]:
    form = {"api_key": api_key}
    for key in ("service_code", "description", "address_string", "phone", "email", "media_url"):
        value = fields.get(key)
        if value:
            form[key] = str(value)
    # The hub writes a citizen's name as first_name then last_name, as a Vietnamese form's two
    # boxes are filled: the family name goes first (``new_report`` keeps it in last_name).
    family, given = fields.get("last_name") or "", fields.get("first_name") or ""
    if family:
        form["first_name"] = str(family)
    if given:
        form["last_name"] = str(given)
    if fields.get("lat") is not None and fields.get("long") is not None:
        form["lat"] = f"{float(fields['lat']):.6f}"
        form["long"] = f"{float(fields['long']):.6f}"
    return form


def _hotline_body(fields: Mapping[str, Any]) -> dict[str, Any]:
    name = " ".join(p for p in (fields.get("last_name"), fields.get("first_name")) if p)
    location: dict[str, Any] = {"address": fields.get("address_string") or ""}
    if fields.get("lat") is not None and fields.get("long") is not None:
        location.update(lat=float(fields["lat"]), lon=float(fields["long"]))
    return {
        "idempotency_key": f"demo-hotline-{uuid.uuid4()}",
        "category": fields["service_code"],
        "description": fields["description"],
        "channel": Channel.HOTLINE.value,
        "location": location,
        "contact": {"name": name, "phone": fields.get("phone") or ""},
    }


class CitizenFeed:
    """Posts simulated citizens' reports to the hub at ``url``. ``start()``, ``await stop()``."""

    def __init__(
        self,
        url: str,
        channel_keys: Mapping[str, str],
        *,
        jurisdiction: Jurisdiction | None = None,
        rate_per_minute: float = DEFAULT_RATE,
        seed: int | None = None,
        switchboard: tuple[str, str] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        transport: httpx.AsyncBaseTransport | None = None,
        first_within: float = FIRST_WITHIN,
        retry: tuple[float, float] = (RETRY_BASE, RETRY_CAP),
    ) -> None:
        if rate_per_minute <= 0:
            raise ValueError("rate_per_minute must be positive")
        if not channel_keys and switchboard is None:
            raise ValueError("no channel to post through")
        self.url = url.rstrip("/")
        self.channel_keys = dict(channel_keys)
        self.rate = rate_per_minute
        self.jurisdiction = jurisdiction
        self.switchboard = switchboard
        self.rng = random.Random(seed)
        self.clock = clock
        self._transport = transport
        self.first_within = first_within
        self.retry = retry
        self._task: asyncio.Task[None] | None = None
        self._token: str | None = None
        #: Reports posted, by channel value; and numbers the hub gave them, newest last.
        self.posted: Counter[str] = Counter()
        self.numbers: list[str] = []
        self.failures = 0

    @classmethod
    def for_hub(
        cls, hub: EmbeddedHub, *, rate_per_minute: float | None = None, seed: int | None = None
    ) -> CitizenFeed:
        """A feed for the embedded demo hub (started), its channels and switchboard account."""
        secrets = hub.secrets
        return cls(
            hub.url,
            secrets.channel_keys,
            rate_per_minute=DEFAULT_RATE if rate_per_minute is None else rate_per_minute,
            seed=seed,
            switchboard=(hub.switchboard_name, secrets.password),
        )

    # -- life -------------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if not self.running:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="ioc-demo-citizen-feed")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            await settle((task,))

    # -- posting ------------------------------------------------------------------------------------

    def gap(self) -> float:
        """Seconds until the next report (drawn from the feed's own random sequence)."""
        return 60.0 / self.rate * self.rng.uniform(*GAP_SPREAD)

    def _pick_channel(self) -> Channel:
        open_ = [
            c
            for c in CHANNEL_SHARES
            if (c is Channel.HOTLINE and self.switchboard is not None) or c.value in self.channel_keys
        ]
        return self.rng.choices(open_, weights=[CHANNEL_SHARES[c] for c in open_])[0]

    async def post_one(self, client: httpx.AsyncClient) -> str:
        """Post one new report; its number. Raises ``httpx.HTTPError`` or ``RuntimeError`` on refusal."""
        if self.jurisdiction is None:
            self.jurisdiction = await asyncio.to_thread(load_pack, default_pack_path())
        channel = self._pick_channel()
        fields = new_report(self.jurisdiction, self.rng, self.clock(), channel)
        if channel is Channel.HOTLINE:
            number = await self._post_hotline(client, fields)
        else:
            response = await client.post(
                "/open311/v2/requests.json", data=_open311_form(fields, self.channel_keys[channel.value])
            )
            if response.status_code != 201:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
            number = str(response.json()[0]["service_request_id"])
        self.posted[channel.value] += 1
        self.numbers.append(number)
        return number

    async def _staff_post(self, client: httpx.AsyncClient, path: str, **options: Any) -> httpx.Response:
        """A POST to the staff API as the switchboard's account (signed in again when expired)."""
        assert self.switchboard is not None
        extra = dict(options.pop("headers", {}))
        for attempt in range(2):
            if self._token is None:
                name, password = self.switchboard
                r = await client.post("/api/v1/auth/login", json={"username": name, "password": password})
                if r.status_code != 200:
                    raise RuntimeError(f"sign-in HTTP {r.status_code}")
                self._token = str(r.json()["token"])
            r = await client.post(
                path, headers={**extra, "Authorization": f"Bearer {self._token}"}, **options
            )
            if r.status_code == 401 and attempt == 0:
                self._token = None  # the session expired: sign in again
                continue
            if r.status_code not in (200, 201):
                raise RuntimeError(f"HTTP {r.status_code}: {r.text[:200]}")
            return r
        raise RuntimeError("not signed in")

    async def _post_hotline(self, client: httpx.AsyncClient, fields: Mapping[str, Any]) -> str:
        r = await self._staff_post(client, "/api/v1/reports", json=_hotline_body(fields))
        return str(r.json()["report"]["number"])

    async def _run(self) -> None:
        async with httpx.AsyncClient(
            base_url=self.url, timeout=15.0, trust_env=False, transport=self._transport
        ) as client:
            await asyncio.sleep(self.rng.uniform(min(1.0, self.first_within), self.first_within))
            failures = 0
            while True:
                try:
                    number = await self.post_one(client)
                    failures = 0
                    log.debug("demo feed: new report %s", number)
                    await asyncio.sleep(self.gap())
                except Exception as error:  # whatever the hub answers, the feed goes on
                    failures += 1
                    self.failures += 1
                    base, cap = self.retry
                    pause = min(cap, base * 2 ** (failures - 1))
                    log.warning(
                        "demo feed: the hub did not take a report (%s); again in %.0f s", error, pause
                    )
                    await asyncio.sleep(pause)


__all__ = ["CHANNEL_SHARES", "DEFAULT_RATE", "CitizenFeed"]
