"""The notice's opening key, split k-of-n among the opening committee (security.md §3.2 items 1 and 6).

One 32-byte master secret per bidding round is drawn at publication. Every private key is derived from it with
HKDF-SHA256, so splitting the master is splitting every key:

* ``p256``: DHKEM(P-256) — the suite browsers support natively (WebCrypto), and the default for every client;
* ``pq``: ML-KEM-768 + X25519 — the post-quantum hybrid offered to API clients where the notice allows it.

The master is split with Shamir's scheme over GF(2^128) (pycryptodome works on 16-byte secrets, so the two halves
are split separately with the same share index). Shares carry no authentication: a wrong share rebuilds a wrong
master, which the published fingerprint of the public keys catches.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from Crypto.Protocol.SecretSharing import Shamir
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, mlkem, x25519
from cryptography.hazmat.primitives.hpke import MLKEM768X25519PrivateKey, MLKEM768X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MASTER_BYTES = 32
MIN_QUORUM, MAX_COMMITTEE = 2, 7
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _derive(master: bytes, label: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=b"jangter-opening-key/1|" + label).derive(
        master
    )


@dataclass(frozen=True)
class OpeningPrivateKeys:
    p256: ec.EllipticCurvePrivateKey
    pq: MLKEM768X25519PrivateKey


@dataclass(frozen=True)
class OpeningPublicKeys:
    p256: bytes  # uncompressed point, 65 bytes (what WebCrypto imports as "raw")
    pq_mlkem: bytes  # ML-KEM-768 encapsulation key, 1184 bytes
    pq_x25519: bytes  # 32 bytes

    @property
    def fingerprint(self) -> str:
        digest = hashlib.sha256(b"jangter-opening-key/1")
        for part in (self.p256, self.pq_mlkem, self.pq_x25519):
            digest.update(len(part).to_bytes(4, "big"))
            digest.update(part)
        return digest.hexdigest()

    def pq_public_key(self) -> MLKEM768X25519PublicKey:
        return MLKEM768X25519PublicKey(
            mlkem.MLKEM768PublicKey.from_public_bytes(self.pq_mlkem),
            x25519.X25519PublicKey.from_public_bytes(self.pq_x25519),
        )

    def p256_public_key(self) -> ec.EllipticCurvePublicKey:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), self.p256)


def derive_keys(master: bytes) -> OpeningPrivateKeys:
    if len(master) != MASTER_BYTES:
        raise ValueError("the master secret is 32 bytes")
    scalar = int.from_bytes(_derive(master, b"p256", 48), "big") % (_P256_ORDER - 1) + 1
    pq = MLKEM768X25519PrivateKey(
        mlkem.MLKEM768PrivateKey.from_seed_bytes(_derive(master, b"mlkem768", 64)),
        x25519.X25519PrivateKey.from_private_bytes(_derive(master, b"x25519", 32)),
    )
    return OpeningPrivateKeys(ec.derive_private_key(scalar, ec.SECP256R1()), pq)


def public_keys(master: bytes) -> OpeningPublicKeys:
    keys = derive_keys(master)
    point = keys.p256.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    mlkem_part = mlkem.MLKEM768PrivateKey.from_seed_bytes(_derive(master, b"mlkem768", 64)).public_key()
    x_part = x25519.X25519PrivateKey.from_private_bytes(_derive(master, b"x25519", 32)).public_key()
    return OpeningPublicKeys(
        p256=point,
        pq_mlkem=mlkem_part.public_bytes_raw(),
        pq_x25519=x_part.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw),
    )


@dataclass(frozen=True)
class Share:
    index: int  # 1..n
    value: bytes  # 32 bytes: the shares of the two 16-byte halves


def check_committee(quorum: int, size: int) -> None:
    if not MIN_QUORUM <= quorum <= size <= MAX_COMMITTEE:
        raise ValueError(f"a committee needs {MIN_QUORUM} ≤ k ≤ n ≤ {MAX_COMMITTEE} (got {quorum} of {size})")


def split_master(master: bytes, quorum: int, size: int) -> list[Share]:
    check_committee(quorum, size)
    low = Shamir.split(quorum, size, master[:16])
    high = Shamir.split(quorum, size, master[16:])
    return [Share(i, a + b) for (i, a), (j, b) in zip(low, high, strict=True) if i == j]


def combine_shares(shares: Sequence[Share]) -> bytes:
    if len({s.index for s in shares}) != len(shares) or any(len(s.value) != MASTER_BYTES for s in shares):
        raise ValueError("shares must be distinct and 32 bytes each")
    low = Shamir.combine([(s.index, s.value[:16]) for s in shares])
    high = Shamir.combine([(s.index, s.value[16:]) for s in shares])
    return low + high
