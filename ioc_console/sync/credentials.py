"""Where a signed-in user's token is kept: the system keyring, never a file.

:class:`Credentials` is the small protocol the console uses (get, set and delete the token of a user
on a hub). :class:`KeyringCredentials` keeps tokens in the operating system's password store through
``keyring``; :class:`MemoryCredentials` keeps them in memory only: the fake of the tests, and the
session-only sign-in offered when the machine has no usable keyring (:func:`keyring_problem` says
why, in words the sign-in dialog shows).

Keyring calls may block (D-Bus, a locked wallet asking for its password): the GUI makes them on a
worker thread.
"""

from __future__ import annotations

import threading
from typing import Final, Protocol, runtime_checkable

import keyring
import keyring.backend
import keyring.errors

from ioc_console.store.cipher import KEY_BYTES, new_key
from ioc_console.sync.messages import render

#: The keyring's service name for IOC Console tokens.
SERVICE: Final = "IOC Console"


class CredentialsUnavailable(Exception):
    """The password store cannot be used (none installed, locked, refused). ``detail`` is the
    technical reason, for the log; :meth:`message` is for the user and names no class or module."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)

    def message(self, lang: str = "vi") -> str:
        return render("status.keyring_missing", lang, detail=self.detail)


@runtime_checkable
class Credentials(Protocol):
    #: Whether tokens outlive the program (a real keyring) or only this session (memory).
    persistent: bool

    def get_token(self, hub_url: str, user: str) -> str | None: ...

    def set_token(self, hub_url: str, user: str, token: str) -> None: ...

    def delete_token(self, hub_url: str, user: str) -> None: ...


def account(hub_url: str, user: str) -> str:
    """The keyring's account name for a user on a hub: ``user@https://hub.example.vn``."""
    return f"{user}@{hub_url.strip().rstrip('/')}"


class MemoryCredentials:
    """Tokens in this process's memory only (tests; session-only sign-in)."""

    persistent = False

    def __init__(self) -> None:
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()

    def get_token(self, hub_url: str, user: str) -> str | None:
        with self._lock:
            return self._tokens.get(account(hub_url, user))

    def set_token(self, hub_url: str, user: str, token: str) -> None:
        with self._lock:
            self._tokens[account(hub_url, user)] = token

    def delete_token(self, hub_url: str, user: str) -> None:
        with self._lock:
            self._tokens.pop(account(hub_url, user), None)

    def __repr__(self) -> str:
        return f"MemoryCredentials({len(self._tokens)} tokens)"


class KeyringCredentials:
    """Tokens in the system keyring (Windows Credential Manager, macOS Keychain, Secret Service...)."""

    persistent = True

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None, service: str = SERVICE) -> None:
        self.backend = backend or keyring.get_keyring()
        self.service = service
        problem = backend_problem(self.backend)
        if problem is not None:
            raise CredentialsUnavailable(problem)

    def get_token(self, hub_url: str, user: str) -> str | None:
        try:
            return self.backend.get_password(self.service, account(hub_url, user))
        except keyring.errors.KeyringError as error:
            raise CredentialsUnavailable(str(error) or type(error).__name__) from error

    def set_token(self, hub_url: str, user: str, token: str) -> None:
        try:
            self.backend.set_password(self.service, account(hub_url, user), token)
        except keyring.errors.KeyringError as error:
            raise CredentialsUnavailable(str(error) or type(error).__name__) from error

    def delete_token(self, hub_url: str, user: str) -> None:
        try:
            self.backend.delete_password(self.service, account(hub_url, user))
        except keyring.errors.PasswordDeleteError:
            pass  # nothing stored: already forgotten
        except keyring.errors.KeyringError as error:
            raise CredentialsUnavailable(str(error) or type(error).__name__) from error


#: Where the keys of encrypted local copies are kept, beside the tokens (the account names the copy's
#: owner, ``user@hub``): ``get_token(LOCAL_COPY_KEYS, identity)``.
LOCAL_COPY_KEYS: Final = "local-copy-key"


def local_copy_key(credentials: Credentials, identity: str) -> tuple[bytes, bool]:
    """The key that encrypts the local copy of ``identity`` (``user@hub``) and whether it is kept:
    read from the credentials store, or made and stored there. Where nothing outlives the program
    (no usable keyring: memory credentials, or a keyring that refuses) the key is this session's
    only, and so is the copy it encrypts."""
    try:
        text = credentials.get_token(LOCAL_COPY_KEYS, identity)
    except CredentialsUnavailable:
        return new_key(), False
    if text:
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) == KEY_BYTES:
            return key, credentials.persistent
    key = new_key()
    try:
        credentials.set_token(LOCAL_COPY_KEYS, identity, key.hex())
    except CredentialsUnavailable:
        return key, False
    return key, credentials.persistent


def backend_problem(backend: keyring.backend.KeyringBackend) -> str | None:
    """Why ``backend`` cannot keep secrets (None when it can): the fail and null backends, a chainer
    with nothing to chain, or any backend with a priority below 1 (keyring's "not really usable")."""
    import keyring.backends.chainer
    import keyring.backends.fail
    import keyring.backends.null

    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, keyring.backends.fail.Keyring):
        return f"không có kho mật khẩu / no keyring backend ({name})"
    if isinstance(backend, keyring.backends.null.Keyring):
        return f"kho mật khẩu bị tắt / keyring disabled ({name})"
    if isinstance(backend, keyring.backends.chainer.ChainerBackend) and not backend.backends:
        return f"không có kho mật khẩu / no keyring backend ({name})"
    try:
        priority = float(backend.priority)  # type: ignore[arg-type]
    except Exception:
        priority = 1.0
    if priority < 1:
        return f"kho mật khẩu không dùng được / unusable keyring ({name}, priority {priority:g})"
    return None


def keyring_problem() -> str | None:
    """Why the system keyring cannot be used on this machine, or None when it can."""
    try:
        return backend_problem(keyring.get_keyring())
    except Exception as error:  # a broken keyring configuration file, a missing module...
        return str(error) or type(error).__name__


def system_credentials() -> tuple[Credentials, str | None]:
    """The keyring when usable, else memory with the reason (for a session-only sign-in)."""
    problem = keyring_problem()
    if problem is None:
        try:
            return KeyringCredentials(), None
        except CredentialsUnavailable as error:
            problem = error.detail
    return MemoryCredentials(), problem


__all__ = [
    "LOCAL_COPY_KEYS",
    "SERVICE",
    "Credentials",
    "CredentialsUnavailable",
    "KeyringCredentials",
    "MemoryCredentials",
    "account",
    "backend_problem",
    "keyring_problem",
    "local_copy_key",
    "system_credentials",
]
