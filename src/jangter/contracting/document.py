"""The contract as a PDF in Korean, its PAdES signatures, and their check (ADR 0010).

The document is drawn with fpdf2 and Noto Sans KR (OFL, embedded and subset, from the ``pylopdf-fonts-ko``
package), so it reads the same everywhere. Each party signs with pyHanko as an incremental update (PAdES B-B,
ECDSA P-256, SHA-256): the supplier's signature covers the document, the agency's covers the document and the
supplier's signature. Any PDF reader that trusts Jangter's document-signing CA shows both as valid, and so do
``pdfsig`` and pyHanko (:func:`check`).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pylopdf_fonts_ko
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from fpdf import FPDF
from fpdf.fonts import FontFace
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from jangter.identity.certificates import SigningIdentity
from jangter.kernel.calendar import SEOUL
from jangter.kernel.money import won_in_words
from jangter.kernel.procurement import Category

logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # subsetting notes, not problems

TITLES: dict[Category, str] = {
    Category.GOODS: "물품구매계약서",
    Category.SERVICES: "용역계약서",
    Category.WORKS: "공사도급계약서",
}


@dataclass(frozen=True)
class Party:
    name: str
    business_number: str | None
    representative: str | None
    address: str | None


@dataclass(frozen=True)
class ContractDocument:
    """Everything the document says (the parties sign exactly this)."""

    number: str
    version: int
    category: Category
    title: str
    notice: str  # the notice's display number
    agency: Party
    firm: Party
    amount: int
    starts_on: date
    ends_on: date
    deliverables: str
    deposit_rate: Decimal
    deposit: int
    delay_per_mille: Decimal
    delay_cap_pct: Decimal
    advance_limit: int
    inspection_days: int
    payment_days: int
    rule_set_version: str
    drafted_at: datetime
    reason: str | None = None  # an amendment's
    previous_amount: int | None = None
    previous_ends_on: date | None = None


def _won(amount: int) -> str:
    return f"금 {won_in_words(amount)}원정 (₩{amount:,})"


def _day(day: date) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일"


def _party(party: Party) -> str:
    lines = [party.name]
    if party.business_number:
        n = party.business_number
        lines.append(f"사업자등록번호 {n[:3]}-{n[3:5]}-{n[5:]}" if len(n) == 10 else f"등록번호 {n}")
    if party.representative:
        lines.append(f"대표자 {party.representative}")
    if party.address:
        lines.append(party.address)
    return "\n".join(lines)


def render(doc: ContractDocument) -> bytes:
    """The contract document (A4, Korean, font embedded)."""
    pdf = FPDF(format="A4")
    pdf.set_title(f"{TITLES[doc.category]} {doc.number}")
    pdf.set_author("Jangter")
    pdf.set_creation_date(doc.drafted_at)
    pdf.add_font("NotoSansKR", "", pylopdf_fonts_ko.sans_path())
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("NotoSansKR", size=18)
    heading = TITLES[doc.category] if doc.version == 1 else f"변경{TITLES[doc.category]} (제{doc.version - 1}차)"
    pdf.cell(0, 12, heading, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("NotoSansKR", size=9)
    pdf.cell(0, 6, f"계약번호 {doc.number}  ·  문서 제{doc.version}판", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    rows = [
        ("계약명", doc.title),
        ("공고번호", doc.notice),
        ("발주기관", _party(doc.agency)),
        ("계약상대자", _party(doc.firm)),
        ("계약금액", _won(doc.amount) + " (부가가치세 포함)"),
        ("계약기간", f"{_day(doc.starts_on)}부터 {_day(doc.ends_on)}까지"),
        ("계약보증금", f"계약금액의 {doc.deposit_rate.normalize():f}% · ₩{doc.deposit:,}"),
        (
            "지체상금",
            f"지체일수 1일당 계약금액의 {doc.delay_per_mille.normalize():f}/1,000, "
            f"계약금액의 {doc.delay_cap_pct.normalize():f}% 한도",
        ),
        ("선금", f"선금 지급 한도 ₩{doc.advance_limit:,} (선금급 보증서 제출 시)"),
        (
            "검사 및 대가 지급",
            f"준공(납품) 통지를 받은 날부터 {doc.inspection_days}일 이내 검사, "
            f"적법한 대가 청구를 받은 날부터 {doc.payment_days}일 이내 지급",
        ),
        ("적용 기준", doc.rule_set_version),
    ]
    if doc.reason is not None:
        before = []
        if doc.previous_amount is not None and doc.previous_amount != doc.amount:
            before.append(f"계약금액 ₩{doc.previous_amount:,} → ₩{doc.amount:,}")
        if doc.previous_ends_on is not None and doc.previous_ends_on != doc.ends_on:
            before.append(f"계약종료일 {_day(doc.previous_ends_on)} → {_day(doc.ends_on)}")
        rows.append(("변경 내용", "\n".join([*before, f"사유: {doc.reason}"])))
    pdf.set_font("NotoSansKR", size=10)
    heading_style = FontFace(emphasis="", fill_color=(235, 238, 243))
    with pdf.table(col_widths=(32, 138), first_row_as_headings=False, line_height=6) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label, style=heading_style)
            row.cell(value)
    pdf.ln(5)
    pdf.set_font("NotoSansKR", size=11)
    pdf.cell(0, 8, "계약 목적물 (납품·이행 내용)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("NotoSansKR", size=10)
    pdf.multi_cell(0, 6, doc.deliverables or "공고서 및 과업지시서(규격서)에 따름", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(5)
    pdf.multi_cell(
        0,
        6,
        "발주기관과 계약상대자는 위 내용과 국가를 당사자로 하는 계약에 관한 법령, 공고서 및 계약일반조건에 따라 "
        "이 계약을 체결하고, 신의에 따라 성실히 이행한다. 이 계약서는 계약상대자가 먼저, 발주기관이 다음에 "
        "전자서명(PAdES)하며, 두 서명이 모두 유효할 때 효력이 생긴다.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    pdf.set_font("NotoSansKR", size=9)
    drafted = doc.drafted_at.astimezone(SEOUL)
    pdf.multi_cell(
        0,
        5,
        f"작성 {drafted:%Y-%m-%d %H:%M} (KST) · 장터(Jangter) 전자조달 · "
        "Contract drafted on Jangter; signed electronically by the supplier, then the agency.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def sign(pdf: bytes, identity: SigningIdentity, field: str, reason: str) -> bytes:
    """``pdf`` with one more signature (an incremental update: what was signed before stays as it was)."""
    key = asn1_keys.PrivateKeyInfo.load(
        identity.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1(identity.certificate),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1(identity.ca)]),  # type: ignore[no-untyped-call]
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256", reason=reason, location="대한민국"
    )
    out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer)
    return bytes(out.getvalue())


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str  # the certificate's subject, as people read it
    intact: bool  # the bytes it covers are unchanged
    valid: bool  # the signature is mathematically right
    trusted: bool  # the certificate chains to the CA given
    whole_file: bool  # nothing was added after it (false for all but the last signature)
    signed_at: datetime | None


def check(pdf: bytes, ca: x509.Certificate) -> list[SignatureCheck]:
    """Every signature in ``pdf``, checked against ``ca`` (pyHanko's validation, no network)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    checks = []
    for signature in reader.embedded_signatures:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[_asn1(ca)]))
        checks.append(
            SignatureCheck(
                field=signature.field_name,
                signer=status.signing_cert.subject.human_friendly,
                intact=status.intact,
                valid=status.valid,
                trusted=status.trusted,
                whole_file=status.coverage is SignatureCoverageLevel.ENTIRE_FILE,
                signed_at=status.signer_reported_dt,
            )
        )
    return checks
