"""Secrets: passwords under Argon2id, bearer tokens and channel API keys stored only as hashes.

Passwords are chosen by people, so they are stored with a slow, salted hash (Argon2id). Tokens and API
keys are 256-bit random values the hub generates; a single SHA-256 of such a value cannot be
brute-forced, and it lets every request find its token or key with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
#: Verified against when a user name does not exist, so that the answer takes the same time.
_DUMMY_HASH = _hasher.hash("not a password of anyone")

MAX_PASSWORD = 1024


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if len(password) > MAX_PASSWORD:
        return False
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_secret(prefix: str) -> str:
    """A fresh random token or API key, with a short prefix telling what it is."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)
