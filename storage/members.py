"""Members and the LINE users linked to them."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage import clock, codes
from storage.db import already_locked, note_locked
from storage.models import LedgerEntry, LineUser, Member, Purchase, Role

MEMBER_CODE_PREFIX = "M"


def get_line_user(session: Session, line_user_id: str) -> LineUser | None:
    return session.get(LineUser, line_user_id)


def upsert_line_user(
    session: Session,
    *,
    line_user_id: str,
    following: bool | None = None,
    language: str | None = None,
    display_name: str | None = None,
) -> LineUser:
    """Find or create the LINE user; update what we were told about them."""
    user = session.get(LineUser, line_user_id)
    if user is None:
        user = LineUser(line_user_id=line_user_id)
        session.add(user)
    if following is not None and user.following != following:
        user.following = following
    if language is not None and user.language != language:
        user.language = language
    if display_name is not None and user.display_name != display_name[:200]:
        user.display_name = display_name[:200]
    session.flush()
    return user


def new_member_code() -> str:
    return MEMBER_CODE_PREFIX + codes.short_code(6)


def create_member(session: Session, *, phone: str | None) -> Member:
    """A new member, with or without a phone (E.164)."""
    for _ in range(5):
        member = Member(code=new_member_code(), phone=phone, card_token=codes.token())
        try:
            with session.begin_nested():
                session.add(member)
                session.flush()
            return member
        except IntegrityError:
            if phone is not None and find_member_by_phone(session, phone) is not None:
                raise
    raise RuntimeError("could not draw a free member code")


def find_member_by_phone(session: Session, phone: str) -> Member | None:
    return session.exec(select(Member).where(Member.phone == phone)).first()


def find_member_by_code(session: Session, code: str) -> Member | None:
    return session.exec(select(Member).where(Member.code == code.upper())).first()


def find_member_by_card_token(session: Session, token: str) -> Member | None:
    return session.exec(
        select(Member).where(Member.card_token == token, Member.erased_at.is_(None))  # type: ignore[union-attr]
    ).first()


def lock_member(session: Session, member_id: int) -> Member | None:
    """The member's row, locked until commit (PostgreSQL; SQLite already holds the write lock).

    Every change of a member's points takes this lock first. It is `FOR NO KEY UPDATE`, the
    lock an UPDATE takes: a plain `FOR UPDATE` would also wait for the key-share locks that
    inserting a purchase or ledger row for the member takes, and two cashiers awarding the
    same member at once would deadlock.
    """
    if already_locked(session, Member, member_id):
        return session.get(Member, member_id)
    member = session.get(
        Member, member_id, with_for_update={"key_share": True}, populate_existing=True
    )
    note_locked(session, Member, member_id)
    return member


def lock_existing_member(session: Session, member_id: int) -> Member:
    """`lock_member` for a member who must exist: LookupError if not."""
    member = lock_member(session, member_id)
    if member is None:
        raise LookupError(f"no member {member_id}")
    return member


def line_user_of(session: Session, member: Member) -> LineUser | None:
    return session.exec(select(LineUser).where(LineUser.member_id == member.id)).first()


def has_history(session: Session, member: Member) -> bool:
    """True when the member already holds points or purchases (so linking needs proof)."""
    entry = session.exec(select(LedgerEntry.id).where(LedgerEntry.member_id == member.id)).first()
    if entry is not None:
        return True
    sale = session.exec(select(Purchase.id).where(Purchase.member_id == member.id)).first()
    return sale is not None


def link(session: Session, user: LineUser, member: Member) -> None:
    """Make `member` the LINE user's membership."""
    user.member_id = member.id
    user.registered_at = clock.now()
    session.add(user)
    session.flush()


def set_role(session: Session, user: LineUser, role: Role) -> None:
    user.role = role
    session.add(user)
    session.flush()


def list_staff(session: Session) -> list[LineUser]:
    """Staff and owners, owners first, then by when they joined."""
    users = session.exec(
        select(LineUser).where(LineUser.role.in_([Role.STAFF, Role.OWNER]))  # type: ignore[attr-defined]
    ).all()
    return sorted(users, key=lambda u: (u.role != Role.OWNER, u.created_at, u.line_user_id))
