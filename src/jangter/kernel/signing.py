"""The platform's signing key (Ed25519): receipts and signed tree heads.

Production keeps the key in a file the operator provides (``JANGTER_SIGNING_KEY_FILE``); development creates one in
``var/`` on first use. The public key is published (``/api/v1/log/key``) so anyone can verify offline.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


@dataclass(frozen=True)
class PlatformSigner:
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def public_bytes(self) -> bytes:
        return self.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def key_id(self) -> str:
        return hashlib.sha256(self.public_bytes).hexdigest()[:16]

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)

    def derive_key(self, purpose: str) -> bytes:
        """A 32-byte secret for one purpose (keyed hashes of personal numbers, sealing TOTP secrets), derived from
        the platform key with HKDF-SHA256, so the deployment keeps one secret, not several."""
        raw = self.private_key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"jangter/" + purpose.encode()).derive(raw)

    @classmethod
    def generate(cls) -> PlatformSigner:
        return cls(Ed25519PrivateKey.generate())


def verify_signature(public_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def load_or_create(path: Path) -> PlatformSigner:
    """Read the PEM key at ``path``, creating it (mode 0600) if it does not exist yet."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        signer = PlatformSigner.generate()
        pem = signer.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        return signer
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return PlatformSigner(key)
