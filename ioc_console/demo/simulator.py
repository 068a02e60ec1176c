"""The citizen-feed simulator: new citizens' reports arriving at a hub, as the channels send them.

:class:`CitizenFeed` is an asyncio task that posts a new report every so often (``rate_per_minute``
on average, with exponential gaps, the first one within a few seconds so that a new user of the
demo sees one arrive at once). Each report is written by the demo's text bank
(:func:`ioc_console.demo.new_report`): natural Vietnamese, a real place of the pack, the citizen's
name and phone when the channel has them, sometimes a photo. Web, app, Facebook and Zalo reports
are Open311 POSTs with that channel's API key; a hotline call is typed in through the staff API by
the switchboard's account, as a 1022 operator would. The same seed gives the same feed.

A hub that refuses or cannot be reached is logged and retried after a pause; the feed never stops
on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

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
#: Share of reports that arrive as hotline calls (the rest through the Open311 channels).
HOTLINE_SHARE = 0.15
#: Pause after a failed post before the next attempt, doubling up to the cap.
RETRY_BASE, RETRY_CAP = 2.0, 60.0


def _open311_form(fields: Mapping[str, Any], api_key: str) -> dict[str, str]:
    form = {"api_key": api_key}
    for key in (
        "service_code",
        "description",
        "address_string",
        "first_name",
        "last_name",
        "phone",
        "email",
        "media_url",
    ):
        value = fields.get(key)
        if value:
            form[key] = str(value)
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
    ) -> None:
        if rate_per_minute <= 0:
            raise ValueError("rate_per_minute must be positive")
        self.url = url.rstrip("/")
        self.channel_keys = dict(channel_keys)
        self.rate = rate_per_minute
        self.jurisdiction = jurisdiction
        self.switchboard = switchboard
        self.rng = random.Random(seed)
        self.clock = clock
        self._transport = transport
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
            rate_per_minute=rate_per_minute or DEFAULT_RATE,
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
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- posting ------------------------------------------------------------------------------------

    def _gap(self) -> float:
        return self.rng.expovariate(self.rate / 60.0)

    def _pick_channel(self) -> Channel:
        if self.switchboard is not None and self.rng.random() < HOTLINE_SHARE:
            return Channel.HOTLINE
        known = [
            c
            for c in (Channel.WEB, Channel.APP, Channel.FACEBOOK, Channel.ZALO)
            if c.value in self.channel_keys
        ]
        return self.rng.choice(known)

    async def post_one(self, client: httpx.AsyncClient) -> str:
        """Post one new report; its number. Raises ``httpx.HTTPError`` or ``RuntimeError`` on refusal."""
        if self.jurisdiction is None:
            self.jurisdiction = await asyncio.to_thread(load_pack, default_pack_path())
        fields = new_report(self.jurisdiction, self.rng, self.clock())
        channel = self._pick_channel()
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
            await asyncio.sleep(self.rng.uniform(1.0, FIRST_WITHIN))
            failures = 0
            while True:
                try:
                    number = await self.post_one(client)
                    failures = 0
                    log.debug("demo feed: new report %s", number)
                    await asyncio.sleep(self._gap())
                except (httpx.HTTPError, RuntimeError, ValueError, KeyError) as error:
                    failures += 1
                    self.failures += 1
                    pause = min(RETRY_CAP, RETRY_BASE * 2 ** (failures - 1))
                    log.warning(
                        "demo feed: the hub did not take a report (%s); again in %.0f s", error, pause
                    )
                    await asyncio.sleep(pause)


__all__ = ["DEFAULT_RATE", "CitizenFeed"]
