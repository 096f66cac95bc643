"""What a handler is given: the event, the shop, the person, and (in a dialog) its state."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import tzinfo
from typing import Any

from sqlmodel import Session

from handlers.i18n import t
from handlers.jobs import DeliverPush, Job, SendSms
from handlers.views.messages import FlexColors, Message
from storage import outbox
from storage.campaigns import CouponAttachment
from storage.models import Dialog, LineUser, Member, Role


@dataclass(frozen=True)
class Event:
    """What the conversation needs to know about one LINE webhook event."""

    kind: str  # text | postback | follow | unfollow | image | other
    event_id: str
    user_id: str | None
    reply_token: str | None = None
    text: str = ""
    postback: str = ""
    message_id: str | None = None
    profile_language: str | None = None
    display_name: str | None = None
    photo: bytes | None = None  # a staff member's photo, as a JPEG of at most 1024 px
    decoded_text: str | None = None  # what the QR in that photo says


@dataclass(frozen=True)
class Shop:
    """The shop's settings as the conversation sees them."""

    name: str
    basic_id: str
    base_url: str
    baht_per_point: int
    tz: tzinfo
    coupons: CouponAttachment  # what a broadcast with a coupon gives its recipients
    color: str = "#06C755"
    commands_per_minute: int = 20

    @property
    def colors(self) -> FlexColors:
        """`SHOP_COLOR` as Flex messages use it (band, text on it, accents, buttons)."""
        return FlexColors.of(self.color)

    @property
    def oa_message_base(self) -> str:
        return f"https://line.me/R/oaMessage/{self.basic_id}/?"


@dataclass
class Context:
    session: Session
    event: Event
    shop: Shop
    user: LineUser
    text: str = ""
    args: list[str] = field(default_factory=list)
    data: dict[str, str] = field(default_factory=dict)
    dialog: Dialog | None = None
    jobs: list[Job] = field(default_factory=list)
    audit_subject: Member | None = None  # the member a staff or owner action was about
    answering: bool = False  # set while the router answers (a photo is answered as text)
    held: dict[int, Member] = field(default_factory=dict, repr=False)

    @property
    def lang(self) -> str:
        return self.user.language

    @property
    def role(self) -> Role:
        return Role(self.user.role)

    @property
    def member(self) -> Member | None:
        """The person's member row, read once per event (the session's identity map keeps
        only weak references, so without holding it each use would read it again)."""
        member_id = self.user.member_id
        if member_id is None:
            return None
        held = self.held.get(member_id)
        if held is None:
            held = self.session.get(Member, member_id)
            if held is not None:
                self.held[member_id] = held
        return held

    def t(self, key: str, **values: Any) -> str:
        return t(self.lang, key, **values)

    def push(self, to: LineUser, messages: list[Message], purpose: str = "notice") -> None:
        """Queue a push to `to`, sent after this event's transaction commits."""
        if not to.following:
            return
        row = outbox.queue_push(
            self.session, to=to.line_user_id, messages=messages, purpose=purpose
        )
        self.jobs.append(DeliverPush(outbox_id=row.id))  # type: ignore[arg-type]

    def send_sms(self, phone: str, body: str) -> None:
        self.jobs.append(SendSms(phone=phone, body=body))


@dataclass
class StepContext(Context):
    """The context of a dialog step: the dialog is open, so `dialog` is never None."""

    dialog: Dialog = field(kw_only=True)

    @classmethod
    def inside(cls, ctx: Context, dialog: Dialog) -> StepContext:
        """`ctx` as the step of `dialog` sees it (jobs and the person are shared, not copied)."""
        shared = {f.name: getattr(ctx, f.name) for f in fields(Context) if f.name != "dialog"}
        return cls(**shared, dialog=dialog)
