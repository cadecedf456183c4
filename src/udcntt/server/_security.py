"""Passwords, sessions, CSRF tokens and the login rate limit.

* Passwords are hashed with Argon2id (argon2-cffi's defaults); hashes made with older
  parameters are re-hashed at the next successful login.
* The session is a signed cookie (itsdangerous, HMAC-SHA256 with the server's secret),
  HTTP-only, ``SameSite=Lax``, ``Secure`` when the site is served over HTTPS; it holds the
  user id, the CSRF token and the language, and expires after :data:`SESSION_MAX_AGE`.
* Every POST carries the session's CSRF token in a hidden field; the server compares it in
  constant time and refuses the request when it is missing or different.
* Failed logins are counted per (username, client address) in a sliding window; past
  :data:`LOGIN_ATTEMPTS` failures the pair is refused until the window has passed, even
  with the right password.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from udcntt.errors import LANGUAGES

__all__ = [
    "COOKIE",
    "LOGIN_ATTEMPTS",
    "LOGIN_WINDOW",
    "SESSION_MAX_AGE",
    "LoginLimiter",
    "SessionData",
    "Sessions",
    "check_csrf",
    "hash_password",
    "verify_password",
]

#: The session cookie's name.
COOKIE = "udcntt_session"
#: How long a session lasts without a new login (seconds).
SESSION_MAX_AGE = 8 * 3600
#: Failed logins allowed per (username, address) within :data:`LOGIN_WINDOW`.
LOGIN_ATTEMPTS = 5
#: The window of the login rate limit (seconds).
LOGIN_WINDOW = 15 * 60

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """The Argon2id hash of ``password``."""
    return _HASHER.hash(password)


def verify_password(stored: str, password: str) -> tuple[bool, str | None]:
    """Whether ``password`` matches ``stored``; a new hash when the parameters changed."""
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, (_HASHER.hash(password) if _HASHER.check_needs_rehash(stored) else None)


@dataclass
class SessionData:
    """What the session cookie holds."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    user_id: int | None = None
    lang: str | None = None

    def dump(self) -> dict[str, Any]:
        """The cookie's payload."""
        return {"c": self.csrf, "u": self.user_id, "l": self.lang}


class Sessions:
    """Signs and reads session cookies with the server's secret."""

    def __init__(self, secret: str, *, max_age: int = SESSION_MAX_AGE) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="udcntt-session")
        self.max_age = max_age

    def load(self, cookie: str | None) -> SessionData:
        """The session in ``cookie``, or a fresh anonymous one when absent, forged or old."""
        if not cookie:
            return SessionData()
        try:
            data = self._serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:
            return SessionData()
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return SessionData()
        user = data.get("u")
        lang = data.get("l")
        return SessionData(
            csrf=data["c"],
            user_id=user if isinstance(user, int) else None,
            lang=lang if lang in LANGUAGES else None,
        )

    def dump(self, session: SessionData) -> str:
        """The signed cookie value of ``session``."""
        return self._serializer.dumps(session.dump())


def check_csrf(session: SessionData, token: object) -> bool:
    """Whether the form's ``token`` is the session's CSRF token (constant-time)."""
    if not isinstance(token, str) or not token:
        return False
    return hmac.compare_digest(token.encode(), session.csrf.encode())


class LoginLimiter:
    """Counts failed logins per (username, address) in a sliding window.

    ``clock`` is injectable so tests need not wait.
    """

    def __init__(
        self,
        *,
        attempts: int = LOGIN_ATTEMPTS,
        window: float = LOGIN_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        horizon = self.clock() - self.window
        while times and times[0] < horizon:
            times.popleft()
        return times

    def blocked(self, username: str, address: str) -> bool:
        """Whether this pair has used up its failed attempts."""
        with self._lock:
            return len(self._recent((username.casefold(), address))) >= self.attempts

    def failed(self, username: str, address: str) -> None:
        """Record a failed login."""
        with self._lock:
            self._recent((username.casefold(), address)).append(self.clock())

    def succeeded(self, username: str, address: str) -> None:
        """Forget the pair's failures after a successful login."""
        with self._lock:
            self._failures.pop((username.casefold(), address), None)
