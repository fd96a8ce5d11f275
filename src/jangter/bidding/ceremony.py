"""The opening key ceremony (security.md §3.2 items 1, 5 and 6; ADR 0003).

At publication (:func:`prepare_round`): draw a 32-byte master secret, derive the round's opening keys, publish the
public keys and their fingerprint, split the master k-of-n among the committee (each share sealed with HPKE to the
member's own committee key), seal the preliminary prices and their nonce to the opening key, and forget the master.

At the opening: k committee members present themselves together (:func:`present_members`) — each password is
checked afresh and each member's committee key is unlocked with their passphrase. Then (:func:`reconstruct`) their
shares are decrypted in memory, the master is rebuilt and checked against the published fingerprint (a wrong share
makes a wrong key, which the fingerprint catches; with more than k shares the consistent subset is found and the
bad share named), and the keys are returned to the caller, who uses and wipes them within the same request. Shares
are stored only sealed to their member's key; the master and the opening private keys are never stored.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import x25519
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite
from sqlalchemy import select
from sqlalchemy.orm import Session

from jangter.bidding.domain import opening_key as ok
from jangter.bidding.domain.envelope import SUITES, SuiteId
from jangter.bidding.orm import OpeningKey, OpeningShare
from jangter.evaluation.domain import price_commitment
from jangter.identity import fallback, passkeys, security_log, step_up
from jangter.identity.domain.roles import Actor, Role
from jangter.identity.keys import CommitteeKey, unwrap_committee_key
from jangter.identity.orm import Person, PersonRole
from jangter.identity.service import reauthenticate
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError

log = logging.getLogger("jangter.ceremony")

SHARE_SUITE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.AES_128_GCM)


def share_info(notice: str, round_no: int, member_id: int, index: int) -> bytes:
    return f"jangter-share/1|{notice}|{round_no}|{member_id}|{index}".encode("ascii")


def prices_info(notice: str, round_no: int) -> bytes:
    return f"jangter-prices/1|{notice}|{round_no}".encode("ascii")


@dataclass(frozen=True)
class PreparedRound:
    fingerprint: str
    price_commitment: str
    committee: tuple[int, ...]  # person ids, share index = position + 1
    quorum: int


def committee_of(session: Session, agency_id: int, size: int) -> list[CommitteeKey]:
    """The first ``size`` members of the agency's opening committee who have registered a committee key."""
    return list(
        session.scalars(
            select(CommitteeKey)
            .join(Person, Person.id == CommitteeKey.person_id)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(
                Person.org_id == agency_id,
                Person.active.is_(True),
                PersonRole.role == Role.OPENING_COMMITTEE.value,
                CommitteeKey.active.is_(True),
            )
            .order_by(Person.id)
            .limit(size)
        )
    )


def prepare_round(
    session: Session,
    ctx: AppContext,
    *,
    notice_id: int,
    number: str,
    round_no: int,
    agency_id: int,
    quorum: int,
    size: int,
    pq_allowed: bool,
    prices: Sequence[int],
    now: datetime,
) -> PreparedRound:
    members = committee_of(session, agency_id, size)
    if len(members) < size:
        raise DomainError(
            "committee_incomplete",
            f"개찰위원 {size}명이 필요하지만 개찰 키를 등록한 위원은 {len(members)}명입니다.",
            f"The opening committee needs {size} members with a committee key; {len(members)} have one.",
            field="committee_size",
            status=409,
        )
    master = bytearray(ctx.rng.token_bytes(ok.MASTER_BYTES))
    try:
        public = ok.public_keys(bytes(master))
        shares = ok.split_master(bytes(master), quorum, size)
    finally:
        master[:] = bytes(len(master))  # best effort: Python cannot promise the bytes are gone
    nonce = ctx.rng.token_bytes(32)
    sealed = SUITES[SuiteId.P256].encrypt(
        price_commitment.sealed_document(prices, nonce), public.p256_public_key(), info=prices_info(number, round_no)
    )
    commitment = price_commitment.commitment(prices, nonce)
    session.add(
        OpeningKey(
            notice_id=notice_id,
            round=round_no,
            fingerprint=public.fingerprint,
            p256=public.p256,
            pq_mlkem=public.pq_mlkem,
            pq_x25519=public.pq_x25519,
            pq_allowed=pq_allowed,
            quorum=quorum,
            size=size,
            price_commitment=commitment,
            sealed_prices=sealed,
            created_at=now,
        )
    )
    for member, share in zip(members, shares, strict=True):
        encrypted = SHARE_SUITE.encrypt(
            share.value,
            x25519.X25519PublicKey.from_public_bytes(member.public_key),
            info=share_info(number, round_no, member.person_id, share.index),
        )
        session.add(
            OpeningShare(
                notice_id=notice_id,
                round=round_no,
                share_index=share.index,
                member_id=member.person_id,
                encrypted=encrypted,
            )
        )
    return PreparedRound(public.fingerprint, commitment, tuple(m.person_id for m in members), quorum)


@dataclass(frozen=True)
class Credential:
    """A committee member present at the opening: sign-in e-mail, password (fresh check) and key passphrase; and,
    where the step-up asks for it, a proof of a fresh passkey check (:func:`passkeys.verify_presence`) or a code
    from their authenticator app."""

    email: str
    password: str
    passphrase: str
    proof: str = field(default="", repr=False)
    code: str = field(default="", repr=False)


@dataclass(frozen=True)
class Reconstructed:
    keys: ok.OpeningPrivateKeys
    master: bytearray  # the rebuilt secret, for the unsealing workers; ``wipe()`` it when the opening ends
    members: tuple[Actor, ...]
    rejected: tuple[str, ...]  # names of members whose share did not fit (a rogue or corrupted share)

    def wipe(self) -> None:
        self.master[:] = bytes(len(self.master))


def _not_enough(quorum: int, got: int) -> DomainError:
    return DomainError(
        "quorum_not_met",
        f"개찰위원 {quorum}명의 분할키가 필요합니다 (제출 {got}명).",
        f"{quorum} committee members must present their shares ({got} did).",
        status=409,
    )


@dataclass(frozen=True)
class Present:
    """A committee member whose password was just checked and whose committee key their passphrase unlocked."""

    member: Actor
    key: x25519.X25519PrivateKey


def present_members(
    ctx: AppContext,
    credentials: Sequence[Credential],
    *,
    verify: Verification | None = None,
) -> list[Present]:
    """The step-up: each member's password checked afresh and their committee key unlocked with their passphrase
    (both deliberately slow KDFs), each in its own short transaction, before the opening's. With ``verify`` (an
    opening from a browser), each member the policy asks must also show a passkey check made within the window,
    or a code from their authenticator app (a counted fallback)."""
    present = []
    for credential in credentials:
        member = reauthenticate(ctx, credential.email, credential.password)
        if verify is not None and step_up.member_must_verify(ctx, member.person_id):
            _check_presence(ctx, member, credential, verify)
        with ctx.db.reading() as session:
            committee_key = session.get(CommitteeKey, member.person_id)
        if committee_key is None:
            raise _not_on_committee(member)
        present.append(Present(member, unwrap_committee_key(committee_key, credential.passphrase)))
    return present


@dataclass(frozen=True)
class Verification:
    """What a member's fresh check is measured against: the notice, and the window (identity.step_up_minutes)."""

    number: str
    window_minutes: int
    where: security_log.Where | None = None


def _check_presence(ctx: AppContext, member: Actor, credential: Credential, verify: Verification) -> None:
    at = (
        passkeys.presence_verified_at(ctx, credential.proof, member.person_id, verify.number)
        if credential.proof
        else None
    )
    if at is not None and ctx.clock.now() - at <= timedelta(minutes=verify.window_minutes):
        return
    if credential.code.strip():
        fallback.committee_code(ctx, member, credential.code, subject=verify.number, where=verify.where)
        return
    security_log.record(
        ctx,
        kind="step_up",
        outcome=security_log.Outcome.REFUSED,
        where=verify.where,
        person_id=member.person_id,
        org_id=member.org_id,
        subject=verify.number,
        detail={"act": "committee_share", "window_minutes": verify.window_minutes, "stale": at is not None},
    )
    raise DomainError(
        "member_step_up_required",
        f"개찰위원 {member.name}의 본인 확인이 필요합니다: 최근 {verify.window_minutes}분 안에 그 위원의 패스키로 "
        "확인하거나, 인증 앱의 6자리 코드를 입력하십시오.",
        f"Committee member {member.name} must verify: with their own passkey within the last "
        f"{verify.window_minutes} minutes, or with the 6-digit code from their authenticator app.",
        status=403,
    )


def _not_on_committee(member: Actor) -> DomainError:
    return DomainError(
        "not_a_committee_member",
        f"{member.name}은(는) 이 공고의 개찰위원이 아닙니다.",
        f"{member.name} is not on this notice's opening committee.",
        status=403,
    )


def reconstruct(
    session: Session, *, notice_id: int, number: str, round_no: int, members: Sequence[Present]
) -> Reconstructed:
    record = session.get(OpeningKey, (notice_id, round_no))
    if record is None:
        raise DomainError(
            "no_opening_key", "이 회차에는 개찰 키가 없습니다.", "This round has no opening key.", status=409
        )
    distinct = {p.member.person_id for p in members}
    if len(distinct) < record.quorum:
        raise _not_enough(record.quorum, len(distinct))
    present: list[tuple[Actor, ok.Share]] = []
    for attendee in members:
        member = attendee.member
        if any(m.person_id == member.person_id for m, _ in present):
            continue
        share_row = session.scalars(
            select(OpeningShare).where(
                OpeningShare.notice_id == notice_id,
                OpeningShare.round == round_no,
                OpeningShare.member_id == member.person_id,
            )
        ).one_or_none()
        if share_row is None:
            raise _not_on_committee(member)
        try:
            value = SHARE_SUITE.decrypt(
                share_row.encrypted,
                attendee.key,
                info=share_info(number, round_no, member.person_id, share_row.share_index),
            )
        except (InvalidTag, ValueError):
            raise DomainError(
                "share_unreadable",
                f"{member.name}의 분할키를 풀 수 없습니다.",
                f"{member.name}'s share cannot be decrypted.",
                status=409,
            ) from None
        present.append((member, ok.Share(share_row.share_index, value)))
    for subset in itertools.combinations(present, record.quorum):
        master = bytearray(ok.combine_shares([share for _, share in subset]))
        try:
            if ok.public_keys(bytes(master)).fingerprint == record.fingerprint:
                keys = ok.derive_keys(bytes(master))
                used = {member.person_id for member, _ in subset}
                rejected = tuple(m.name for m, _ in present if m.person_id not in used)
                if rejected:
                    log.warning("opening %s: shares of %s did not fit the published key", number, rejected)
                return Reconstructed(keys, bytearray(master), tuple(m for m, _ in subset), rejected)
        finally:
            master[:] = bytes(len(master))
        if len(present) == record.quorum:
            break
    raise DomainError(
        "fingerprint_mismatch",
        "분할키로 복원한 키가 공고된 지문과 다릅니다. 잘못된 분할키가 있어 개찰하지 않았습니다.",
        "The key rebuilt from the shares does not match the published fingerprint: a share is wrong, "
        "and nothing was opened.",
        status=409,
    )


def reveal_prices(record: OpeningKey, keys: ok.OpeningPrivateKeys, number: str) -> tuple[list[int], bytes]:
    """Decrypt the sealed prices and check them against the commitment made at publication (AT-14)."""
    try:
        document = json.loads(
            SUITES[SuiteId.P256].decrypt(record.sealed_prices, keys.p256, info=prices_info(number, record.round))
        )
        prices, nonce = [int(p) for p in document["prices"]], bytes.fromhex(document["nonce"])
    except (InvalidTag, ValueError, KeyError, TypeError):
        raise PricesTampered("the sealed preliminary prices cannot be read") from None
    if price_commitment.commitment(prices, nonce) != record.price_commitment:
        raise PricesTampered("the revealed preliminary prices do not match the published commitment")
    return prices, nonce


class PricesTampered(Exception):
    """The reveal does not match the commitment: the opening stops and an alert is raised."""
