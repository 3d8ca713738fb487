"""Passwords and sessions for the people who curate, review and evaluate.

Passwords are stored as scrypt hashes (`scrypt$n$r$p$salt$hash`, standard
library only) and compared in constant time. A session is a random token
held in server memory with the user's name and role; it expires after
`idle` seconds without use and `lifetime` seconds after login, whichever
comes first, and every check reads the role again from the store, so a
role taken away takes effect at once.

Example:
    >>> stored = hash_password("correct horse battery")
    >>> verify_password("correct horse battery", stored), verify_password("wrong", stored)
    (True, False)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from assistant.errors import PermissionDenied
from knowledge_base.store import Store

MIN_PASSWORD = 10
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """A salted scrypt hash of `password`, self-describing so its cost can change later."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return "$".join(("scrypt", str(_N), str(_R), str(_P), _b64(salt), _b64(digest)))


def verify_password(password: str, stored: str | None) -> bool:
    """Does `password` match the stored hash? False for a missing or malformed hash."""
    try:
        scheme, n, r, p, salt, digest = (stored or "").split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def check_new_password(password: str) -> None:
    """Refuse a password too short to protect health content."""
    if len(password) < MIN_PASSWORD:
        raise PermissionDenied(f"Choose a password of at least {MIN_PASSWORD} characters.")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class Session:
    """Who is logged in, as of the last check."""

    token: str
    user: str
    role: str


class Sessions:
    """Logged-in people, by token, in this server's memory."""

    def __init__(self, store: Store, idle: float = 30 * 60, lifetime: float = 8 * 3600,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.idle = idle
        self.lifetime = lifetime
        self.clock = clock
        self._open: dict[str, tuple[str, float, float]] = {}  # token -> user, started, last used
        self._lock = threading.Lock()

    def login(self, user: str, password: str) -> Session:
        """A new session, or PermissionDenied without saying which half was wrong."""
        stored = self.store.password_hash(user)
        if not verify_password(password, stored):
            raise PermissionDenied("Wrong name or password.")
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._open[token] = (user, now, now)
        return Session(token, user, self.store.role(user) or "")

    def logout(self, token: str | None) -> None:
        """End a session (unknown tokens are ignored)."""
        with self._lock:
            self._open.pop(token or "", None)

    def require(self, token: str | None, roles: tuple[str, ...]) -> Session:
        """The session behind `token` if it is live and its user has one of `roles`."""
        key, now = token or "", self.clock()
        with self._lock:
            entry = self._open.get(key)
            if entry and (now - entry[2] > self.idle or now - entry[1] > self.lifetime):
                del self._open[key]
                raise PermissionDenied("Your session has expired. Log in again.")
            if not entry:
                raise PermissionDenied("Log in first (curation and evaluation need an account).")
            self._open[key] = (entry[0], entry[1], now)
        role = self.store.role(entry[0]) or ""
        if role not in roles:
            raise PermissionDenied(f"'{entry[0]}' has the role '{role}'; this needs one of: "
                                   f"{', '.join(roles)}.")
        return Session(key, entry[0], role)
