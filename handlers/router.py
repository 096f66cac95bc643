"""Which handler answers an event, and the context it gets.

Routes are tried in order: `cancel`, the user's open dialog, commands (longest alias
first), then the fallback. A command names the least role that may use it; anyone
below is told politely and nothing runs. A dialog names its role too, and it is checked
before every event while the dialog is open (each step, each confirmation, each tap): a
person whose role was taken away mid-dialog sees it closed, and nothing of it runs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from linebot.v3.messaging import Message
from sqlmodel import Session

from handlers.i18n import t
from handlers.jobs import DeliverPush, Job, SendSms
from handlers.views.messages import FlexColors, as_json, parse_postback
from handlers.views.messages import text as text_message
from storage import audit, dialogs, outbox
from storage.campaigns import CouponAttachment
from storage.models import Dialog, LineUser, Member, Role

Handler = Callable[["Context"], list[Message]]
StepHandler = Callable[["Context"], "list[Message] | None"]
AfterHook = Callable[["Context", list[Message]], list[Message]]
AUDITED = "_audited"  # in a dialog's data: it was opened by a staff or owner command


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

    @property
    def lang(self) -> str:
        return self.user.language

    @property
    def role(self) -> Role:
        return Role(self.user.role)

    @property
    def member(self) -> Member | None:
        if self.user.member_id is None:
            return None
        return self.session.get(Member, self.user.member_id)

    def t(self, key: str, **values: Any) -> str:
        return t(self.lang, key, **values)

    def push(self, to: LineUser, messages: list[Message], purpose: str = "notice") -> None:
        """Queue a push to `to`, sent after this event's transaction commits."""
        if not to.following:
            return
        row = outbox.queue_push(
            self.session, to=to.line_user_id, messages=as_json(messages), purpose=purpose
        )
        self.jobs.append(DeliverPush(outbox_id=row.id))  # type: ignore[arg-type]

    def send_sms(self, phone: str, body: str) -> None:
        self.jobs.append(SendSms(phone=phone, body=body))


def normalise(text: str) -> str:
    """NFKC, trimmed, case-folded, inner spaces collapsed: how every command is matched."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class Command:
    aliases: tuple[str, ...]
    handler: Handler
    min_role: Role
    slow: bool = False


class Router:
    def __init__(self) -> None:
        self.commands: list[Command] = []
        self.postbacks: dict[str, tuple[Handler, Role]] = {}
        self.steps: dict[tuple[str, str], StepHandler] = {}
        self.dialog_roles: dict[str, Role] = {}
        self.events: dict[str, Handler] = {}
        self.fallback_handler: Handler | None = None
        self.cancel_aliases: tuple[str, ...] = ()
        self.cancel_handler: Handler | None = None
        self.after_hooks: list[AfterHook] = []

    def command(
        self, *aliases: str, min_role: Role = Role.CUSTOMER, slow: bool = False
    ) -> Callable[[Handler], Handler]:
        """Route text starting with one of `aliases` (a whole word or phrase) to the handler.

        `slow` marks answers that take more than a moment (figures, charts): the user sees
        LINE's loading dots while they are prepared.
        """

        def register(handler: Handler) -> Handler:
            command = Command(tuple(normalise(a) for a in aliases), handler, min_role, slow)
            taken = {a for c in self.commands for a in c.aliases} & set(command.aliases)
            if taken:
                raise ValueError(f"{handler.__name__}: aliases already routed: {sorted(taken)}")
            self.commands.append(command)
            return handler

        return register

    def postback(self, action: str, min_role: Role = Role.CUSTOMER) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            _once(self.postbacks, action, handler)
            self.postbacks[action] = (handler, min_role)
            return handler

        return register

    def step(
        self, dialog: str, step: str, *, min_role: Role
    ) -> Callable[[StepHandler], StepHandler]:
        """A dialog step; it may return None to let commands have the text instead.

        `min_role` is the dialog's (every step of one dialog names the same): while the
        dialog is open, every event of its person is checked against it first.
        """

        def register(handler: StepHandler) -> StepHandler:
            _once(self.steps, (dialog, step), handler)
            if self.dialog_roles.setdefault(dialog, min_role) != min_role:
                raise ValueError(f"{handler.__name__}: dialog {dialog!r} needs one role")
            self.steps[(dialog, step)] = handler
            return handler

        return register

    def on(self, kind: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            _once(self.events, kind, handler)
            self.events[kind] = handler
            return handler

        return register

    def cancel(self, *aliases: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.cancel_aliases = tuple(normalise(a) for a in aliases)
            self.cancel_handler = handler
            return handler

        return register

    def fallback(self, handler: Handler) -> Handler:
        self.fallback_handler = handler
        return handler

    def after(self, hook: AfterHook) -> AfterHook:
        """`hook(ctx, messages)` may add to every answer (e.g. a changed privacy notice)."""
        self.after_hooks.append(hook)
        return hook

    def is_slow(self, text: str) -> bool:
        """Whether typed `text` starts a command marked slow."""
        found = self.match(normalise(text))
        return found is not None and found[0].slow

    def match(self, text: str) -> tuple[Command, list[str]] | None:
        """The command whose alias starts `text` (longest alias wins) and the words after it."""
        best: tuple[Command, str] | None = None
        for command in self.commands:
            for alias in command.aliases:
                if (text == alias or text.startswith(alias + " ")) and (
                    best is None or len(alias) > len(best[1])
                ):
                    best = (command, alias)
        if best is None:
            return None
        return best[0], text[len(best[1]) :].split()

    def dispatch(self, ctx: Context) -> list[Message]:
        """Answer one event, then let the after-hooks add to the answer (once)."""
        if ctx.answering:
            return self._dispatch(ctx)
        ctx.answering = True
        messages = self._dispatch(ctx)
        for hook in self.after_hooks:
            messages = hook(ctx, messages)
        return messages

    def _dispatch(self, ctx: Context) -> list[Message]:
        refused = self._dialog_refused(ctx)
        if refused is not None:
            return refused
        kind = ctx.event.kind
        if kind == "text":
            return self._text(ctx)
        if kind == "postback":
            return self._postback(ctx)
        if kind == "image" and ctx.dialog is not None:
            handled = self._step(ctx)
            if handled is not None:
                return handled
        handler = self.events.get(kind)
        return handler(ctx) if handler else []

    def _text(self, ctx: Context) -> list[Message]:
        ctx.text = normalise(ctx.event.text)
        if self.cancel_handler and ctx.text in self.cancel_aliases:
            return self.cancel_handler(ctx)
        handled = self._step(ctx)
        if handled is not None:
            return handled
        found = self.match(ctx.text)
        if found is not None:
            command, ctx.args = found
            return self._guarded(ctx, command.handler, command.min_role, command.aliases[0])
        assert self.fallback_handler is not None
        return self.fallback_handler(ctx)

    def _dialog_refused(self, ctx: Context) -> list[Message] | None:
        """End an open dialog the person's role no longer allows; None when it may go on.

        Roles change outside the dialog (`staff remove`, `loyalty owner remove`), so the
        check is made on every event, not only when the dialog was opened.
        """
        if ctx.dialog is None:
            return None
        needed = self.dialog_roles.get(ctx.dialog.name, Role.OWNER)  # unknown: safest
        if ctx.role.rank >= needed.rank:
            return None
        dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
        ctx.dialog = None
        return [text_message(ctx.t("dialog_role_lost"))]

    def _step(self, ctx: Context) -> list[Message] | None:
        if ctx.dialog is None:
            return None
        name, at = ctx.dialog.name, ctx.dialog.step
        step = self.steps.get((name, at))
        if step is None:
            dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
            return None
        audited = bool(ctx.dialog.data.get(AUDITED))
        handled = step(ctx)
        if handled is not None and audited:
            self._audit(ctx, f"{name}.{at}", Role(ctx.user.role))
        return handled

    def _postback(self, ctx: Context) -> list[Message]:
        ctx.data = parse_postback(ctx.event.postback)
        found = self.postbacks.get(ctx.data.get("action", ""))
        if found is None:
            assert self.fallback_handler is not None
            return self.fallback_handler(ctx)
        handler, min_role = found
        return self._guarded(ctx, handler, min_role, f"postback {ctx.data.get('action', '')}")

    def _guarded(
        self, ctx: Context, handler: Handler, min_role: Role, action: str
    ) -> list[Message]:
        """Run the handler if the person's role allows; staff and owner routes are audited."""
        role = ctx.role
        if role.rank < min_role.rank:
            key = "only_owner" if min_role == Role.OWNER else "only_staff"
            return [text_message(ctx.t(key))]
        messages = handler(ctx)
        if min_role.rank >= Role.STAFF.rank:
            self._audit(ctx, action, role)
        return messages

    def _audit(self, ctx: Context, action: str, role: Role) -> None:
        """One audit line (who, what, when, on whom); a dialog left open is audited too."""
        typed = ctx.text if ctx.event.kind == "text" else ctx.event.postback or ctx.event.kind
        subject = ctx.audit_subject
        audit.record(
            ctx.session,
            actor=ctx.user.line_user_id,
            actor_role=role,
            action=action,
            detail=typed,
            member_id=subject.id if subject is not None else None,
        )
        left_open = dialogs.current_dialog(ctx.session, ctx.user.line_user_id)
        if left_open is not None and not left_open.data.get(AUDITED):
            dialogs.move_dialog(ctx.session, left_open, left_open.step, **{AUDITED: True})


def _once(routes: dict[Any, Any], key: object, handler: Callable[..., Any]) -> None:
    """Two handlers for one route would silently shadow each other: refuse at import."""
    if key in routes:
        raise ValueError(f"{handler.__name__}: {key!r} is already routed")


router = Router()
