"""What is inside a sealed bid (the HPKE plaintext), version 1.

``{"v":1,"amount":<won>,"picks":[a,b],"salt":<base64 16 bytes>,"documents":[{"name","sha256","content"}]}`` as
canonical JSON. The salt keeps equal bids from having equal plaintexts; documents are optional attachments.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from jangter.kernel.canonical import canonical_json

CONTENT_VERSION = 1


@dataclass(frozen=True)
class Document:
    name: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class SealedContent:
    amount: int
    picks: tuple[int, ...]
    salt: bytes
    documents: tuple[Document, ...] = ()


class ContentError(ValueError):
    """The plaintext is not a valid bid; the opening records the bid as invalid with this reason."""


def encode(content: SealedContent) -> bytes:
    return canonical_json(
        {
            "v": CONTENT_VERSION,
            "amount": content.amount,
            "picks": list(content.picks),
            "salt": base64.b64encode(content.salt).decode("ascii"),
            "documents": [
                {"name": d.name, "sha256": d.sha256, "content": base64.b64encode(d.content).decode("ascii")}
                for d in content.documents
            ],
        }
    )


def decode(plaintext: bytes) -> SealedContent:
    try:
        document = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContentError(f"not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("v") != CONTENT_VERSION:
        raise ContentError("unknown content version")
    amount, picks = document.get("amount"), document.get("picks")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ContentError("the amount is not a positive whole number of won")
    if not isinstance(picks, list) or not all(isinstance(p, int) and not isinstance(p, bool) for p in picks):
        raise ContentError("the picks are not slot numbers")
    try:
        salt = base64.b64decode(document.get("salt", ""), validate=True)
        documents = tuple(
            Document(str(d["name"]), base64.b64decode(d["content"], validate=True))
            for d in document.get("documents", [])
        )
    except (binascii.Error, KeyError, TypeError, ValueError) as exc:
        raise ContentError(f"malformed salt or documents: {exc}") from None
    for raw, parsed in zip(document.get("documents", []), documents, strict=True):
        if raw.get("sha256") != parsed.sha256:
            raise ContentError(f"document {parsed.name!r} does not match its hash")
    return SealedContent(amount, tuple(picks), salt, documents)
