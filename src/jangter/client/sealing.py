"""Seal a bid on the bidder's side: HPKE to the notice's opening key, signed with the firm's key (envelope v1)."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jangter.bidding.domain import content as bid_content
from jangter.bidding.domain.bid import validate_picks
from jangter.bidding.domain.envelope import SUITES, VERSION, Envelope, SuiteId, hpke_info, signed_message
from jangter.bidding.domain.opening_key import OpeningPublicKeys
from jangter.kernel.money import require_won


@dataclass(frozen=True)
class NoticeKey:
    """What a client needs from a notice to seal a bid for it (``GET /api/v1/notices/{number}``)."""

    notice: str
    order: int
    keys: OpeningPublicKeys
    fingerprint: str
    pq_allowed: bool

    @classmethod
    def from_api(cls, notice: Mapping[str, Any]) -> NoticeKey:
        key = notice["opening_key"]
        keys = OpeningPublicKeys(
            p256=bytes.fromhex(key["p256"]),
            pq_mlkem=bytes.fromhex(key["pq_mlkem768"]),
            pq_x25519=bytes.fromhex(key["pq_x25519"]),
        )
        if keys.fingerprint != key["fingerprint"]:
            raise ValueError("the notice's opening key does not match its published fingerprint")
        return cls(notice["number"], int(notice["order"]), keys, key["fingerprint"], bool(key["pq_allowed"]))


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def public_raw(signing_key: Ed25519PrivateKey) -> bytes:
    return signing_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def generate_signing_key() -> tuple[bytes, Ed25519PrivateKey]:
    """A new firm signing key as PKCS#8 PEM (keep it safe) and the key object."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem, key


def load_signing_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the firm signing key must be an Ed25519 key (PKCS#8 PEM)")
    return key


def seal(
    notice_key: NoticeKey,
    *,
    firm: str,
    amount: int,
    picks: Sequence[int],
    signing_key: Ed25519PrivateKey,
    suite: SuiteId = SuiteId.P256,
    documents: Sequence[bid_content.Document] = (),
    slots: int = 15,
    picks_per_bid: int = 2,
) -> Envelope:
    if suite is SuiteId.PQ and not notice_key.pq_allowed:
        raise ValueError("this notice does not accept the post-quantum suite")
    # The server cannot read what it receives, so the client is where a typing mistake can still be caught.
    require_won(amount, "amount")
    validate_picks(list(picks), slots=slots, picks_per_bid=picks_per_bid)
    plaintext = bid_content.encode(bid_content.SealedContent(amount, tuple(picks), os.urandom(16), tuple(documents)))
    public = notice_key.keys.p256_public_key() if suite is SuiteId.P256 else notice_key.keys.pq_public_key()
    ciphertext = SUITES[suite].encrypt(
        plaintext, public, info=hpke_info(notice_key.notice, notice_key.order, firm, suite)
    )
    kid = key_id(public_raw(signing_key))
    message = signed_message(
        VERSION, suite, notice_key.notice, notice_key.order, firm, hashlib.sha256(ciphertext).hexdigest(), kid
    )
    return Envelope(
        VERSION, suite, notice_key.notice, notice_key.order, firm, ciphertext, kid, signing_key.sign(message)
    )


def public_key_b64(signing_key: Ed25519PrivateKey) -> str:
    return base64.b64encode(public_raw(signing_key)).decode("ascii")
