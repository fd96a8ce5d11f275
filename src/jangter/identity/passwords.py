"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from jangter.kernel.errors import DomainError

_HASHER = PasswordHasher()

MIN_LENGTH = 10
MAX_LENGTH = 256


def check_policy(password: str, *, email: str = "", field: str = "password") -> None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise DomainError(
            "password_too_short" if len(password) < MIN_LENGTH else "password_too_long",
            f"비밀번호는 {MIN_LENGTH}자 이상 {MAX_LENGTH}자 이하로 정하십시오.",
            f"Choose a password of {MIN_LENGTH} to {MAX_LENGTH} characters.",
            field=field,
        )
    local_part = email.split("@", 1)[0].lower()
    if local_part and len(local_part) >= 4 and local_part in password.lower():
        raise DomainError(
            "password_contains_email",
            "비밀번호에 이메일 아이디를 넣지 마십시오.",
            "The password must not contain your e-mail name.",
            field=field,
        )


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


#: A real hash to verify against when the account does not exist, so timing does not reveal accounts.
DUMMY_HASH = _HASHER.hash("jangter-dummy-password")
