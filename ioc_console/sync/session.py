"""Signing in and out, without Qt: what the sign-in dialog and the menu's "Sign out" call.

* :func:`sign_in`: the hub checks the user's name and password; the token goes to the credentials
  store (the system keyring, or memory for a session-only sign-in), never to a file.
* :func:`resume`: at start, the token kept in the keyring for the last user, if the hub still takes
  it (offline, it is kept and the console works on its local copy).
* :func:`sign_out`: the session ends on the hub (when reachable), the token is forgotten, and so is
  the user's local copy (reports, outbox, drafts).

Keyring and store calls block; they run on worker threads here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from ioc_console.domain.lifecycle import Role
from ioc_console.store import LocalStore
from ioc_console.sync import apply
from ioc_console.sync.client import HubClient, check_hub_url
from ioc_console.sync.credentials import Credentials, CredentialsUnavailable
from ioc_console.sync.errors import HubUnavailable, MalformedAnswer, Unauthorized
from ioc_console.sync.wire import Session, UserInfo

CONSOLE_ID_KEY = "console.id"
#: The last signed-in user (name, role, agency), for an offline start.
USER_KEY = apply.USER_KEY


@dataclass(frozen=True)
class HubAddress:
    """Where the hub is and how to trust it."""

    url: str
    ca_bundle: Path | None = None

    def normalised(self) -> HubAddress:
        return HubAddress(check_hub_url(self.url), self.ca_bundle)


@dataclass
class SignedIn:
    """A signed-in console: its client (token set), the user, and whether the token outlives the
    program (kept in the keyring) or only this session."""

    client: HubClient
    user: UserInfo
    remembered: bool
    #: Why the token is not remembered (no usable keyring), in words; None when it is.
    keyring_problem: str | None = None
    #: The hub could not be reached: the token from the keyring is used unchecked (offline start).
    unverified: bool = False

    @property
    def identity(self) -> str:
        return apply.identity(self.user.name, self.client.base_url)


def console_id(store: LocalStore) -> str:
    """This installation's console id (sent as ``X-Console-Id``; the hub's audit names it)."""
    known = store.get_meta(CONSOLE_ID_KEY)
    if known:
        return known
    made = f"console-{uuid.uuid4()}"
    store.set_meta(CONSOLE_ID_KEY, made)
    return made


async def sign_in(
    address: HubAddress,
    user: str,
    password: str,
    credentials: Credentials,
    *,
    console: str = "",
    store: LocalStore | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> SignedIn:
    """Sign in; raises :class:`Unauthorized` (wrong password), :class:`HubUnavailable` (and
    :class:`~ioc_console.sync.errors.CertificateError`), :class:`ValueError` (a bad address)."""
    address = address.normalised()
    client = HubClient(address.url, console_id=console, ca_bundle=address.ca_bundle, transport=transport)
    try:
        session: Session = await client.login(user, password)
    except BaseException:
        await client.aclose()
        raise
    if store is not None:
        await asyncio.to_thread(remember_user, store, session.user)
    problem = None
    remembered = False
    try:
        await asyncio.to_thread(credentials.set_token, address.url, session.user.name, session.token)
        remembered = credentials.persistent
    except CredentialsUnavailable as error:
        problem = error.message("vi")
    return SignedIn(client, session.user, remembered, problem)


async def resume(
    address: HubAddress,
    user: str,
    credentials: Credentials,
    *,
    console: str = "",
    store: LocalStore | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> SignedIn | None:
    """The kept session of ``user``, or None when there is none or the hub refused it (the stale
    token is then forgotten). An unreachable hub does not sign the user out: the console starts on
    its local copy and the engine says it is offline (the user's role is then the one remembered in
    ``store`` at the last sign-in; without it, :class:`HubUnavailable` is raised)."""
    address = address.normalised()
    try:
        token = await asyncio.to_thread(credentials.get_token, address.url, user)
    except CredentialsUnavailable:
        return None
    if not token:
        return None
    client = HubClient(
        address.url, token=token, console_id=console, ca_bundle=address.ca_bundle, transport=transport
    )
    try:
        info = await client.me()
    except Unauthorized:
        await client.aclose()
        await asyncio.to_thread(credentials.delete_token, address.url, user)
        return None
    except (HubUnavailable, MalformedAnswer):
        known = await asyncio.to_thread(remembered_user, store, user) if store is not None else None
        if known is None:  # who this is cannot be told offline: sign in again when the hub answers
            await client.aclose()
            raise
        return SignedIn(client, known, credentials.persistent, unverified=True)
    except BaseException:
        await client.aclose()
        raise
    return SignedIn(client, info, credentials.persistent)


def remember_user(store: LocalStore, user: UserInfo) -> None:
    """Keep who signed in (name, role, agency: nothing secret) for an offline start."""
    store.set_meta(
        USER_KEY,
        json.dumps(
            {
                "name": user.name,
                "role": user.role.value,
                "agency": user.agency,
                "display_name": user.display_name,
            },
            ensure_ascii=False,
        ),
    )


def remembered_user(store: LocalStore, name: str) -> UserInfo | None:
    text = store.get_meta(USER_KEY)
    if not text:
        return None
    try:
        d = json.loads(text)
        if d.get("name") != name:
            return None
        return UserInfo(str(d["name"]), Role(d["role"]), d.get("agency"), str(d.get("display_name") or ""))
    except (ValueError, KeyError, TypeError):
        return None


async def sign_out(
    signed_in: SignedIn,
    credentials: Credentials,
    store: LocalStore | None,
    *,
    caches: Sequence[Path] = (),
) -> int:
    """End the session, forget the token and the local copy (nothing of it left in the files), and
    remove the ``caches`` folders (downloaded photos); the actions still waiting (dropped)."""
    client = signed_in.client
    url, name = client.base_url, signed_in.user.name
    try:
        await client.logout()
    except (HubUnavailable, MalformedAnswer, Unauthorized):
        pass  # the token is forgotten here anyway; the hub lets it expire
    finally:
        await client.aclose()
    with contextlib.suppress(CredentialsUnavailable):
        await asyncio.to_thread(credentials.delete_token, url, name)
    for folder in caches:
        await asyncio.to_thread(shutil.rmtree, folder, True)
    if store is None:
        return 0
    return await asyncio.to_thread(apply.forget_local_copy, store)


__all__ = [
    "CONSOLE_ID_KEY",
    "USER_KEY",
    "HubAddress",
    "SignedIn",
    "console_id",
    "remember_user",
    "remembered_user",
    "resume",
    "sign_in",
    "sign_out",
]
