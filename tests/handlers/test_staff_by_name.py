"""The owner's staff, by name: the staff card with a remove button per cashier, removal that
always asks first and is keyed by the person (never a place in the list), invites showing
who used them; and what becomes of a removed cashier's awards waiting for approval."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from storage import award_limits
from storage.members import create_member
from storage.models import AwardRequest, LedgerEntry, LineUser, Role
from storage.staff import remove_from_staff
from tests.support.line import Line, alt_texts, postbacks, texts


def role_of(engine: Any, user_id: str) -> str:
    with Session(engine) as session:
        person = session.get(LineUser, user_id)
        assert person is not None
        return person.role


def joined(line: Line, owner: Any, name: str) -> Any:
    """A new cashier who joins with the owner's invite."""
    join = line.say(owner, "staff invite")[1]["text"]
    person = line.user(name)
    line.say(person, join)
    return person


def test_staff_card_names_everyone_and_shows_who_used_the_invites(line: Line) -> None:
    owner = line.user("Dang", language="en", role=Role.OWNER)
    joined(line, owner, "Bee")
    line.say(owner, "staff invite")  # still open
    card = line.say(owner, "staff list")
    assert alt_texts(card) == ["Staff of Kafe Dee: Dang, Bee"]
    buttons = postbacks(card)
    assert list(buttons) == ["Remove Bee"]  # the owner has none
    shown = str(card)
    assert "Bee joined on" in shown and "Open invite, valid until" in shown
    assert "Invite staff" in shown


def test_the_home_cards_staff_button_opens_the_staff_card(line: Line) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    home = line.say(owner, "owner")
    staff_button = next(
        b["action"]["text"]
        for b in _buttons(home)
        if b["action"].get("type") == "message" and b["action"]["label"] == "พนักงาน"
    )
    assert alt_texts(line.say(owner, staff_button)) == ["พนักงานของ Kafe Dee: Dang"]


def _buttons(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node] if node.get("type") == "button" else []
        return own + [b for value in node.values() for b in _buttons(value)]
    if isinstance(node, list):
        return [b for value in node for b in _buttons(value)]
    return []


def test_remove_asks_by_name_and_the_yes_is_keyed_by_the_person(line: Line, engine: Any) -> None:
    owner = line.user("Dang", language="en", role=Role.OWNER)
    bee = joined(line, owner, "Bee")
    joined(line, owner, "Ploy")
    asked = line.tap(owner, postbacks(line.say(owner, "staff list"))["Remove Bee"])
    assert texts(asked) == ["Remove Bee from staff? They go back to being a customer."]
    yes = postbacks(asked)["Yes, remove"]
    assert bee.user_id in yes and "user=" in yes
    joined(line, owner, "Anna")  # someone joins between the question and the yes
    removed = line.tap(owner, yes)
    assert "Bee is removed from staff" in "\n".join(texts(removed))
    after = [i["action"]["label"] for i in removed[-1]["quickReply"]["items"]]
    assert after == ["Staff", "Shop home"]
    assert role_of(engine, bee.user_id) == Role.CUSTOMER
    assert list(postbacks(line.say(owner, "staff list"))) in (
        ["Remove Ploy", "Remove Anna"],
        ["Remove Anna", "Remove Ploy"],
    )
    assert "not staff any more" in "\n".join(texts(line.tap(owner, yes)))


def test_no_keeps_the_person(line: Line, engine: Any) -> None:
    owner = line.user("Dang", language="en", role=Role.OWNER)
    bee = joined(line, owner, "Bee")
    asked = line.say(owner, "staff remove bee")
    assert "Bee stays on the staff" in "\n".join(
        texts(line.tap(owner, postbacks(asked)["No, keep"]))
    )
    assert role_of(engine, bee.user_id) == Role.STAFF


def test_typed_remove_by_number_or_name_asks_first(line: Line, engine: Any) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    bee = joined(line, owner, "Bee")
    assert texts(line.say(owner, "staff remove 2"))[0].startswith("เอา Bee ออกจากพนักงานไหม")
    assert role_of(engine, bee.user_id) == Role.STAFF
    asked = line.say(owner, "ลบพนักงาน BEE")
    line.tap(owner, postbacks(asked)["ใช่ เอาออก"])
    assert role_of(engine, bee.user_id) == Role.CUSTOMER


def test_unknown_or_ambiguous_staff_says_not_found(line: Line) -> None:
    owner = line.user("Dang", language="en", role=Role.OWNER)
    joined(line, owner, "Bee")
    assert line.ask(owner, "staff remove 7") == "Staff member 7 not found. Staff: Bee"
    assert line.ask(owner, "staff remove somchai") == "Staff member somchai not found. Staff: Bee"
    assert "Type: staff remove" in line.ask(owner, "staff remove")
    assert "An owner cannot be removed" in line.ask(owner, "staff remove dang")
    joined(line, owner, "Bee")
    assert "More than one staff member is called bee" in line.ask(owner, "staff remove bee")


def test_only_an_owner_removes_even_with_an_old_button(line: Line, engine: Any) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    bee = joined(line, owner, "Bee")
    yes = postbacks(line.say(owner, "staff remove bee"))["ใช่ เอาออก"]
    ploy = joined(line, owner, "Ploy")
    assert "เฉพาะเจ้าของร้าน" in "\n".join(texts(line.tap(ploy, yes)))
    line.make(owner, Role.STAFF)  # demoted: the old button does nothing
    assert "เฉพาะเจ้าของร้าน" in "\n".join(texts(line.tap(owner, yes)))
    assert role_of(engine, bee.user_id) == Role.STAFF


def waiting_shop(line: Line) -> tuple[Any, Any, dict[str, str]]:
    """Bee's award over her daily ceiling waits for the owner's approval."""
    owner = line.user("Dang", language="en", role=Role.OWNER)
    bee = joined(line, owner, "Bee")
    line.register(line.user("Nok"), "081-234-5678")
    line.say(owner, "award daily limit 1000")
    line.say(bee, "award 0812345678 1200")
    return owner, bee, postbacks([line.fake.bot_messages(owner.user_id)[-1]])


def statuses(engine: Any) -> list[str]:
    with Session(engine) as session:
        return [r.status for r in session.exec(select(AwardRequest))]


def no_entries(engine: Any) -> bool:
    with Session(engine) as session:
        return session.exec(select(LedgerEntry)).first() is None


def test_removing_a_cashier_cancels_their_waiting_awards(line: Line, engine: Any) -> None:
    owner, _, approval = waiting_shop(line)
    asked = line.say(owner, "staff remove bee")
    removed = "\n".join(texts(line.tap(owner, postbacks(asked)["Yes, remove"])))
    assert "Cancelled 1 award by Bee that waited for your approval." in removed
    assert statuses(engine) == [award_limits.CANCELLED]
    for tapped in ("Approve", "Decline"):
        said = "\n".join(texts(line.tap(owner, approval[tapped])))
        assert "This request was cancelled" in said
    assert statuses(engine) == [award_limits.CANCELLED] and no_entries(engine)


def test_approving_checks_the_cashier_is_still_staff(line: Line, engine: Any) -> None:
    owner, bee, approval = waiting_shop(line)
    line.make(bee, Role.CUSTOMER)  # removed some other way (`loyalty owner remove`, ...)
    said = "\n".join(texts(line.tap(owner, approval["Approve"])))
    assert said == "Bee is no longer staff, so this request is cancelled. Nothing was awarded."
    assert statuses(engine) == [award_limits.CANCELLED] and no_entries(engine)
    assert "This request was cancelled" in "\n".join(texts(line.tap(owner, approval["Approve"])))


def test_remove_from_staff_cancels_only_that_cashiers_waiting_requests(engine: Any) -> None:
    with Session(engine) as session:
        for user_id in ("U-bee", "U-ploy"):
            session.add(LineUser(line_user_id=user_id, role=Role.STAFF))
        session.flush()
        member_id = _member(session)
        for key, who in (("a", "U-bee"), ("b", "U-bee"), ("c", "U-ploy")):
            award_limits.ask_approval(
                session, key=key, staff_user_id=who, member_id=member_id, satang=100
            )
        first = session.exec(select(AwardRequest).where(AwardRequest.key == "a")).one()
        award_limits.decide(session, first.id or 0, approve=False, by="U-owner")
        bee = session.get(LineUser, "U-bee")
        assert bee is not None
        assert remove_from_staff(session, bee, by="U-owner") == 1
        rows = session.exec(select(AwardRequest).order_by(AwardRequest.key)).all()
        assert [r.status for r in rows] == ["declined", "cancelled", "waiting"]


def _member(session: Session) -> int:
    member = create_member(session, phone=None)
    assert member.id is not None
    return member.id
