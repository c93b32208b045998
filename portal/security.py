"""Passwords (argon2), one-time passwords, CSRF tokens and the session key."""
from __future__ import annotations

import hmac
import os
import re
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from portal.errors import PortalError

_hasher = PasswordHasher()
# Without an unguessable letter set, one-time passwords and check codes are
# read over the phone: no 0/O, 1/I/L.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MIN_PASSWORD = 10


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(hashed: str | None, secret: str) -> bool:
    if not hashed:
        # Same cost as a real check, so timing does not tell who has a hash.
        _hasher.hash(secret)
        return False
    try:
        return _hasher.verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False


def one_time_secret(length: int = 12) -> str:
    """A random code to hand to a person: initial passwords, 校验码."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def check_new_password(password: str, username: str) -> None:
    """The rule for chosen passwords; raises PortalError saying which part fails."""
    if len(password) < MIN_PASSWORD:
        raise PortalError(f"新密码至少 {MIN_PASSWORD} 个字符", "new_password")
    if len(password) > 128:
        raise PortalError("新密码最多 128 个字符", "new_password")
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        raise PortalError("新密码须同时含有字母和数字", "new_password")
    if username.lower() in password.lower():
        raise PortalError("新密码不能包含账号名", "new_password")


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of the session's token and the one sent; any
    text may be sent (compare_digest refuses non-ASCII str, so compare bytes)."""
    if not (expected and given):
        return False
    return hmac.compare_digest(expected.encode("utf-8", "surrogatepass"), given.encode("utf-8", "surrogatepass"))


def session_key(configured: str | None, home: Path) -> str:
    """PUCHA_SECRET_KEY, or a key generated once into PUCHA_HOME: restarts
    keep sessions valid, and no two installations share a key."""
    if configured:
        return configured
    path = home / "portal-secret-key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
