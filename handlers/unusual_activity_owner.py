"""The owner's daily alert about unusual awards at the counter, and the tap that lists them.

The patterns are storage.unusual_activity's; this module says them in the owner's words.
The alert's button is a postback for owners only, checked again when it arrives: a demoted
owner's old alert, or a customer who sends the same postback, gets no list.
"""

from __future__ import annotations

from sqlmodel import Session

from handlers.dates import show_date
from handlers.i18n import t
from handlers.router import Context, Shop, router
from handlers.views.messages import (
    Button,
    Choice,
    Message,
    flex,
    flex_box,
    flex_text,
    postback_data,
    text,
)
from storage import award_limits, members, phones, unusual_activity
from storage.models import LineUser, Member, Role
from storage.unusual_activity import Entry, Finding

ENTRIES = "unusual_entries"  # the postback of the alert's button
MAX_LISTED = 30  # awards listed in one answer (LINE's 5,000 characters)
MAX_VOIDS = 13  # void buttons: LINE's quick replies
MAX_FINDINGS = 15  # lines on the alert (a bubble holds at most 30 KB)


def _baht(satang: int) -> str:
    return f"{satang / 100:,.2f}".removesuffix(".00")


def _cashier(session: Session, lang: str, staff_user_id: str | None) -> str:
    user = session.get(LineUser, staff_user_id) if staff_user_id else None
    if user is not None and user.display_name:
        return user.display_name
    return t(lang, "unusual_cashier", id=(staff_user_id or "?")[-4:])


def _phone(session: Session, member_id: int | None) -> str:
    member = session.get(Member, member_id) if member_id is not None else None
    if member is None:
        return "?"
    return phones.masked(member.phone) if member.phone else member.code


def finding_line(session: Session, lang: str, finding: Finding) -> str:
    """`• Bee awarded their own phone 081-xxx-5678: 2 times`, and the others."""
    limit = award_limits.confirm_above(session) or 0
    return "• " + t(
        lang,
        f"unusual_{finding.pattern}",
        cashier=_cashier(session, lang, finding.staff_user_id),
        phone=_phone(session, finding.member_id),
        count=len(finding.purchase_ids),
        limit=_baht(limit),
        most=unusual_activity.OFTEN_LIMIT,
    )


def alert_messages(
    session: Session, shop: Shop, lang: str, day: str, findings: list[Finding]
) -> list[Message]:
    """The alert: what was unusual on `day`, briefly, and a button that lists the awards."""
    shown = unusual_activity.day_of(day)
    assert shown is not None
    title = t(lang, "unusual_title", shop=shop.name, day=show_date(lang, shown))
    lines = [finding_line(session, lang, f) for f in findings[:MAX_FINDINGS]]
    if len(findings) > MAX_FINDINGS:
        lines.append(t(lang, "unusual_more", count=len(findings) - MAX_FINDINGS))
    button = Button(t(lang, "unusual_open"), data=postback_data(ENTRIES, day=day))
    bubble = {
        "type": "bubble",
        "body": flex_box(
            [flex_text(title, weight="bold"), *[flex_text(line, size="sm") for line in lines]],
            spacing="sm",
        ),
        "footer": flex_box([button.as_flex(shop.colors)]),
    }
    return [flex(title, bubble)]


def entry_line(ctx: Context, entry: Entry) -> str:
    """`#12 14:05 · Bee · 081-xxx-5678 · ฿4,800 · 48 points`, and `(voided)` when it is."""
    line = ctx.t(
        "unusual_entry",
        entry=entry.entry_id or "-",
        time=f"{entry.occurred_at.astimezone(ctx.shop.tz):%H:%M}",
        cashier=entry.cashier or _cashier(ctx.session, ctx.lang, entry.staff_user_id),
        phone=phones.masked(entry.phone) if entry.phone else entry.member_code,
        amount=_baht(entry.satang),
        points=entry.points,
    )
    return f"{line} {ctx.t('unusual_voided')}" if entry.voided else line


@router.postback(ENTRIES, min_role=Role.OWNER)
def show_unusual_entries(ctx: Context) -> list[Message]:
    """The alert's button: each unusual award of that day, with a void button per award."""
    day = unusual_activity.day_of(ctx.data.get("day", ""))
    if day is None:
        return [text(ctx.t("unusual_bad_day"))]
    findings = unusual_activity.find(ctx.session, day, ctx.shop.tz)
    if not findings:
        return [text(ctx.t("unusual_none", day=show_date(ctx.lang, day)))]
    ids = sorted({p for f in findings for p in f.purchase_ids})
    found = unusual_activity.entries(ctx.session, ids)
    lines, listed = [ctx.t("unusual_entries_title", day=show_date(ctx.lang, day))], 0
    for finding in findings:
        lines.append(finding_line(ctx.session, ctx.lang, finding))
        for purchase_id in finding.purchase_ids:
            if listed < MAX_LISTED:
                lines.append("   " + entry_line(ctx, found[purchase_id]))
            listed += 1
    if listed > MAX_LISTED:
        lines.append(ctx.t("unusual_more", count=listed - MAX_LISTED))
    voidable = [e.entry_id for e in found.values() if e.entry_id and not e.voided and e.points]
    void_word = ctx.t("cmd_void")
    voids = [
        Choice(ctx.t("qr_void", entry=entry_id), f"{void_word} {entry_id}")
        for entry_id in sorted(voidable)[:MAX_VOIDS]
    ]
    return [text("\n".join(lines), voids)]


def owners_to_tell(session: Session) -> list[LineUser]:
    """The owners who follow the shop: they get the alert."""
    return [u for u in members.list_staff(session) if u.role == Role.OWNER and u.following]
