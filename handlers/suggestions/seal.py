"""The sealed link between an anonymous suggestion and its sender.

The database holds, per anonymous suggestion, a random salt, a keyed tag (HMAC of salt and sender) and a
seal (AES-GCM of the sender's person and identity, bound to the suggestion's code). Without the secret
key — which lives in the bot's settings, never in the database — none of it says who the sender is, and
two suggestions of one sender cannot even be told to share a sender. With the key, the bot can answer
two questions only: "is this person the sender?" (tag) and "where does the answer go?" (seal).

References to suggestions in a sender's conversation state and buttons are sealed too, so the sender's
own rows never name the suggestion they are looking at."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from handlers.suggestions.rules import SealedSender


def _derive(secret: bytes, label: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"sangkien/hienke/{label}".encode()).derive(
        secret
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Sealer:
    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the suggestion secret must be at least 16 bytes")
        self._seal = AESGCM(_derive(secret, "seal"))
        self._ref = AESGCM(_derive(secret, "ref"))
        self._tag_key = _derive(secret, "tag")
        self._notice_key = _derive(secret, "notice")

    # --- the sender link ---------------------------------------------------------------------------
    def _tag(self, salt: str, person_id: int) -> str:
        return hmac.new(self._tag_key, f"{salt}|{person_id}".encode(), hashlib.sha256).hexdigest()

    def seal_sender(self, code: str, person_id: int, identity_id: int) -> SealedSender:
        salt = os.urandom(16).hex()
        nonce = os.urandom(12)
        plain = json.dumps({"p": person_id, "i": identity_id}).encode()
        sealed = nonce + self._seal.encrypt(nonce, plain, code.encode())
        return SealedSender(nonce=salt, tag=self._tag(salt, person_id), seal=_b64(sealed))

    def is_sender(self, sealed: SealedSender, person_id: int) -> bool:
        return hmac.compare_digest(sealed.tag, self._tag(sealed.nonce, person_id))

    def open_sender(self, code: str, sealed: SealedSender) -> tuple[int, int] | None:
        """(person id, identity id) of the sender, for delivering a message; None if the seal is not ours."""
        try:
            raw = _unb64(sealed.seal)
            plain = self._seal.decrypt(raw[:12], raw[12:], code.encode())
        except (InvalidTag, ValueError, binascii.Error):
            return None
        data = json.loads(plain)
        return int(data["p"]), int(data["i"])

    # --- opaque references for the sender's own conversation ----------------------------------------
    def ref(self, suggestion_id: int) -> str:
        nonce = os.urandom(12)
        return _b64(nonce + self._ref.encrypt(nonce, suggestion_id.to_bytes(8, "big"), b"ref"))

    def unref(self, ref: str) -> int | None:
        try:
            raw = _unb64(ref)
            return int.from_bytes(self._ref.decrypt(raw[:12], raw[12:], b"ref"), "big")
        except (InvalidTag, ValueError, binascii.Error):
            return None

    # --- outbox keys that do not name the suggestion ------------------------------------------------
    def notice_key(self, suggestion_id: int, event: str) -> str:
        digest = hmac.new(self._notice_key, f"{suggestion_id}|{event}".encode(), hashlib.sha256).hexdigest()
        return f"hka:{digest[:40]}"
