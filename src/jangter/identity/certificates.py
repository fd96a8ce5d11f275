"""Document-signing certificates: Jangter's signing CA and one certificate per person (ADR 0010).

Contracts are signed as PDF (PAdES) by the people who sign them, after a fresh passkey check. The keys are ECDSA
P-256 (what PDF readers and ``pdfsig`` verify), derived from the platform key for one purpose each
(``PlatformSigner.derive_key``, as ADR 0008 does for other secrets): the CA's key from ``document-ca``, a person's from
``document-person/<id>``. Nothing secret is stored; the certificates are, so a signed PDF keeps verifying against
the certificate it names. The CA certificate is public (``GET /api/v1/documents/ca.pem``): import it into a PDF
reader's trust store, or give it to ``pdfsig`` / pyHanko, to see every signature as trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select
from sqlalchemy.orm import Session

from jangter.identity.orm import DocumentCertificate, Organisation, Person
from jangter.kernel.signing import PlatformSigner

CA_NAME = "Jangter Document Signing CA"
CA_YEARS = 20
PERSON_YEARS = 2
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def derived_key(signer: PlatformSigner, purpose: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 key for one purpose, the same every time for the same platform key."""
    secret = int.from_bytes(signer.derive_key(purpose), "big")
    return ec.derive_private_key(secret % (_P256_ORDER - 1) + 1, ec.SECP256R1())


@dataclass(frozen=True)
class SigningIdentity:
    """What signs a PDF for a person: their key, their certificate, and the CA's (to embed)."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    ca: x509.Certificate


def _not_before(now: datetime) -> datetime:
    # The earlier of the platform clock and the machine's: a demo clock set ahead must not date a certificate
    # after the signatures made with it.
    return min(now, datetime.now(UTC)) - timedelta(days=1)


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,  # non-repudiation: PDF validators require it of a signer's certificate
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _stored(session: Session, person_id: int | None) -> x509.Certificate | None:
    query = select(DocumentCertificate.der).where(
        DocumentCertificate.person_id.is_(None) if person_id is None else DocumentCertificate.person_id == person_id
    )
    der = session.scalars(query.order_by(DocumentCertificate.id.desc()).limit(1)).first()
    return None if der is None else x509.load_der_x509_certificate(der)


def ca_certificate(session: Session, signer: PlatformSigner, now: datetime) -> x509.Certificate:
    """The CA's certificate (made and stored on first use)."""
    stored = _stored(session, None)
    key = derived_key(signer, "document-ca")
    if stored is not None and stored.public_key() == key.public_key():
        return stored
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Jangter"),
            x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME),
        ]
    )
    start = _not_before(now)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _store(session, None, certificate, now)
    return certificate


def signing_identity(session: Session, signer: PlatformSigner, person_id: int, now: datetime) -> SigningIdentity:
    """A person's key and certificate (the certificate made and stored on first use, or when it has expired)."""
    ca = ca_certificate(session, signer, now)
    key = derived_key(signer, f"document-person/{person_id}")
    stored = _stored(session, person_id)
    if (
        stored is not None
        and stored.public_key() == key.public_key()
        and stored.issuer == ca.subject
        and stored.not_valid_after_utc > now + timedelta(days=1)
    ):
        return SigningIdentity(key, stored, ca)
    person = session.get(Person, person_id)
    assert person is not None
    org = session.get(Organisation, person.org_id)
    assert org is not None
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org.name),
            x509.NameAttribute(NameOID.COMMON_NAME, person.name),
        ]
    )
    ca_key = derived_key(signer, "document-ca")
    start = _not_before(now)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * PERSON_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.RFC822Name(person.email)]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _store(session, person_id, certificate, now)
    return SigningIdentity(key, certificate, ca)


def _store(session: Session, person_id: int | None, certificate: x509.Certificate, now: datetime) -> None:
    session.add(
        DocumentCertificate(
            person_id=person_id,
            der=certificate.public_bytes(serialization.Encoding.DER),
            fingerprint=fingerprint(certificate),
            not_after=certificate.not_valid_after_utc,
            created_at=now,
        )
    )
    session.flush()


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the certificate (hex), as certificate viewers show it."""
    return certificate.fingerprint(hashes.SHA256()).hex()
