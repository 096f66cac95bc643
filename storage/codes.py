"""Short codes people read aloud or type, and secret tokens nobody can guess."""

from __future__ import annotations

import hashlib
import secrets

# No 0/O, 1/I/L: codes are read off screens and paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def short_code(length: int) -> str:
    """A random code over ALPHABET (each character carries ~4.95 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def token() -> str:
    """An unguessable URL-safe token (128 bits)."""
    return secrets.token_urlsafe(16)


def digest(secret: str) -> str:
    """How one-time codes are stored: never in the clear."""
    return hashlib.sha256(secret.encode()).hexdigest()
