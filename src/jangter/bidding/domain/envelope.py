"""The sealed-bid envelope, version 1 (security.md §3.2 items 2–3; ADR 0003).

A bidder's client encrypts the bid's content with HPKE (RFC 9180, base mode) to the notice's opening key, with an
``info`` that binds notice number, 차수, firm and suite, so that a ciphertext cannot be replayed into another
notice or under another firm; then signs the envelope with the firm's registered Ed25519 key.

Suites: ``p256`` = DHKEM(P-256, HKDF-SHA256) · HKDF-SHA256 · AES-128-GCM (every client, browsers natively);
``pq`` = ML-KEM-768 + X25519 · HKDF-SHA256 · AES-128-GCM (post-quantum hybrid, API clients, where allowed).

The server checks everything it can without the key (framing, suite, lengths, the ``enc`` point, binding,
signature) and refuses a bad envelope while the bidder can still fix it; only the opening can decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from jangter.kernel.canonical import canonical_json
from jangter.kernel.errors import DomainError

VERSION = 1
MAX_CIPHERTEXT = 16 * 1024 * 1024
TAG_BYTES = 16
MIN_PLAINTEXT = 20  # {"amount":1,"picks":[1,2],…} cannot be shorter
SIGNATURE_PREFIX = b"jangter-bid-signature/1\n"


class SuiteId(StrEnum):
    P256 = "p256"
    PQ = "pq"


SUITES: dict[SuiteId, Suite] = {
    SuiteId.P256: Suite(KEM.P256, KDF.HKDF_SHA256, AEAD.AES_128_GCM),
    SuiteId.PQ: Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256, AEAD.AES_128_GCM),
}
ENC_BYTES: dict[SuiteId, int] = {SuiteId.P256: 65, SuiteId.PQ: 1120}


def hpke_info(notice: str, order: int, firm: str, suite: SuiteId) -> bytes:
    return f"jangter-bid/{VERSION}|{notice}|{order:03d}|{firm}|{suite.value}".encode("ascii")


def _refuse(code: str, ko: str, en: str) -> DomainError:
    return DomainError(code, ko, en, field="envelope", status=422)


@dataclass(frozen=True)
class Envelope:
    version: int
    suite: SuiteId
    notice: str
    order: int
    firm: str
    ciphertext: bytes
    key_id: str
    signature: bytes

    @property
    def ciphertext_sha256(self) -> str:
        return hashlib.sha256(self.ciphertext).hexdigest()

    @property
    def info(self) -> bytes:
        return hpke_info(self.notice, self.order, self.firm, self.suite)

    def signed_message(self) -> bytes:
        return signed_message(
            self.version, self.suite, self.notice, self.order, self.firm, self.ciphertext_sha256, self.key_id
        )

    def as_document(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "suite": self.suite.value,
            "notice": self.notice,
            "order": self.order,
            "firm": self.firm,
            "ciphertext": base64.b64encode(self.ciphertext).decode("ascii"),
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }


def signed_message(
    version: int, suite: SuiteId, notice: str, order: int, firm: str, ciphertext_sha256: str, key_id: str
) -> bytes:
    return SIGNATURE_PREFIX + canonical_json(
        {
            "ciphertext_sha256": ciphertext_sha256,
            "firm": firm,
            "key_id": key_id,
            "notice": notice,
            "order": order,
            "suite": suite.value,
            "version": version,
        }
    )


def _b64(value: object, name: str) -> bytes:
    if not isinstance(value, str):
        raise _refuse("envelope_malformed", f"봉투의 {name} 값이 없습니다.", f"The envelope has no {name}.")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse(
            "envelope_malformed", f"봉투의 {name} 값이 base64가 아닙니다.", f"The envelope's {name} is not base64."
        ) from None


def parse(document: Mapping[str, Any]) -> Envelope:
    """Read an envelope document strictly; every defect is refused with its own code."""
    expected = {"version", "suite", "notice", "order", "firm", "ciphertext", "key_id", "signature"}
    if set(document) != expected:
        missing, extra = sorted(expected - set(document)), sorted(set(document) - expected)
        raise _refuse(
            "envelope_malformed",
            f"봉투 형식이 올바르지 않습니다 (누락 {missing}, 불필요 {extra}).",
            f"The envelope is malformed (missing {missing}, unexpected {extra}).",
        )
    if document["version"] != VERSION or isinstance(document["version"], bool):
        raise _refuse(
            "envelope_version",
            "지원하지 않는 봉투 버전입니다.",
            f"Unsupported envelope version (this server reads version {VERSION}).",
        )
    try:
        suite = SuiteId(document["suite"])
    except ValueError:
        raise _refuse(
            "envelope_suite",
            "지원하지 않는 암호 방식입니다.",
            "Unsupported cipher suite; use p256 (or pq where the notice allows it).",
        ) from None
    order = document["order"]
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order < 1000:
        raise _refuse("envelope_malformed", "봉투의 차수가 올바르지 않습니다.", "The envelope's order is not valid.")
    for name in ("notice", "firm", "key_id"):
        if not isinstance(document[name], str) or not document[name] or len(document[name]) > 40:
            raise _refuse(
                "envelope_malformed", f"봉투의 {name} 값이 올바르지 않습니다.", f"The envelope's {name} is not valid."
            )
    ciphertext = _b64(document["ciphertext"], "ciphertext")
    signature = _b64(document["signature"], "signature")
    if len(ciphertext) > MAX_CIPHERTEXT:
        raise _refuse(
            "envelope_too_large", "입찰서가 너무 큽니다 (16MB 이하).", "The sealed bid is too large (16 MB at most)."
        )
    if len(ciphertext) < ENC_BYTES[suite] + TAG_BYTES + MIN_PLAINTEXT:
        raise _refuse(
            "envelope_truncated",
            "암호문이 잘렸습니다. 다시 봉인하여 제출하십시오.",
            "The ciphertext is truncated; seal the bid again and resubmit.",
        )
    if suite is SuiteId.P256:
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), ciphertext[:65])
        except ValueError:
            raise _refuse(
                "envelope_enc_invalid",
                "암호문의 키 캡슐(enc)이 올바른 P-256 점이 아닙니다.",
                "The encapsulated key (enc) is not a valid P-256 point.",
            ) from None
    if len(signature) != 64:
        raise _refuse("signature_invalid", "서명 길이가 올바르지 않습니다.", "The signature has the wrong length.")
    return Envelope(
        VERSION, suite, document["notice"], order, document["firm"], ciphertext, document["key_id"], signature
    )


def check_binding(envelope: Envelope, *, notice: str, order: int, firm: str) -> None:
    if envelope.notice != notice:
        raise _refuse(
            "envelope_wrong_notice", "다른 공고에 봉인된 입찰서입니다.", "The bid was sealed for another notice."
        )
    if envelope.order != order:
        raise _refuse(
            "envelope_stale_order",
            f"공고가 정정되었습니다 (현재 차수 {order:03d}). 새 공고 내용으로 다시 봉인하십시오.",
            f"The notice has been amended (now order {order:03d}); seal the bid again.",
        )
    if envelope.firm != firm:
        raise _refuse(
            "envelope_wrong_firm", "다른 업체 명의로 봉인된 입찰서입니다.", "The bid was sealed for another firm."
        )


class UnsealError(Exception):
    """A sealed bid that cannot be opened; recorded as invalid with its reason and evidence, never dropped."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def verify_signature(envelope: Envelope, firm_public_key: bytes) -> bool:
    from jangter.kernel.signing import verify_signature as verify

    return verify(firm_public_key, envelope.signed_message(), envelope.signature)


def unseal(envelope: Envelope, keys: Any, firm_public_key: bytes) -> bytes:
    """The plaintext of a sealed bid, after checking the firm's signature. ``keys``: ``OpeningPrivateKeys``."""
    from cryptography.exceptions import InvalidTag

    if not verify_signature(envelope, firm_public_key):
        raise UnsealError("signature_invalid", f"signature does not verify (ciphertext {envelope.ciphertext_sha256})")
    private = keys.p256 if envelope.suite is SuiteId.P256 else keys.pq
    try:
        return SUITES[envelope.suite].decrypt(envelope.ciphertext, private, info=envelope.info)
    except (InvalidTag, ValueError) as exc:
        raise UnsealError("undecryptable", f"{type(exc).__name__} (ciphertext {envelope.ciphertext_sha256})") from None
