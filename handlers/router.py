"""Which handler answers an event.

Routes are tried in order: `cancel`, the user's open dialog, commands (longest alias
first), then the fallback. A command names the least role that may use it; anyone
below is told politely and nothing runs. A dialog (handlers/dialog.py) is declared once
with its role, and the role is checked before every event while the dialog is open (each
step, each confirmation, each tap): a person whose role was taken away mid-dialog sees it
closed, and nothing of it runs. The context handlers get is in handlers/context.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handlers.context import Context, Event, Shop, StepContext
from handlers.dialog import Dialog, lost
from handlers.i18n import command_words, normalise
from handlers.views.messages import Message, choices_last, parse_postback
from handlers.views.messages import text as text_message
from storage import audit, dialogs
from storage.models import Role

__all__ = ["Context", "Event", "Router", "Shop", "StepContext", "normalise", "router"]
Handler = Callable[[Context], list[Message]]
AfterHook = Callable[[Context, list[Message]], list[Message]]
AUDITED = "_audited"  # in a dialog's data: it was opened by a staff or owner command


@dataclass(frozen=True)
class Command:
    key: str  # in the catalogs' COMMANDS; the audit log names the command by it
    aliases: tuple[str, ...]
    handler: Handler
    min_role: Role
    slow: bool = False


class Router:
    def __init__(self) -> None:
        self.commands: list[Command] = []
        self._by_first_word: dict[str, list[tuple[str, Command]]] = {}  # longest alias first
        self.postbacks: dict[str, tuple[Handler, Role]] = {}
        self.dialogs: dict[str, Dialog] = {}
        self.events: dict[str, Handler] = {}
        self.fallback_handler: Handler | None = None
        self.cancel_aliases: tuple[str, ...] = ()
        self.cancel_handler: Handler | None = None
        self.after_hooks: list[AfterHook] = []

    def command(
        self, key: str, *, min_role: Role = Role.CUSTOMER, slow: bool = False
    ) -> Callable[[Handler], Handler]:
        """Route text starting with a word of the command `key` (from the catalogs of every
        language, a whole word or phrase) to the handler.

        `slow` marks answers that take more than a moment (figures, charts): the user sees
        LINE's loading dots while they are prepared.
        """

        def register(handler: Handler) -> Handler:
            command = Command(key, command_words(key), handler, min_role, slow)
            taken = {a for c in self.commands for a in c.aliases} & set(command.aliases)
            if taken:
                raise ValueError(f"{handler.__name__}: aliases already routed: {sorted(taken)}")
            self.commands.append(command)
            for alias in command.aliases:
                same_start = self._by_first_word.setdefault(alias.split(" ", 1)[0], [])
                same_start.append((alias, command))
                same_start.sort(key=lambda found: -len(found[0]))
            return handler

        return register

    def postback(self, action: str, min_role: Role = Role.CUSTOMER) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            _once(self.postbacks, action, handler)
            self.postbacks[action] = (handler, min_role)
            return handler

        return register

    def dialog(self, dialog: Dialog) -> Dialog:
        """Route the steps of `dialog` (declared once, with its role) while it is open."""
        if dialog.name in self.dialogs:
            raise ValueError(f"dialog {dialog.name!r} is already declared")
        self.dialogs[dialog.name] = dialog
        return dialog

    def on(self, kind: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            _once(self.events, kind, handler)
            self.events[kind] = handler
            return handler

        return register

    def cancel(self, key: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.cancel_aliases = command_words(key)
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
        """The command whose alias starts `text` (longest alias wins) and the words after it.
        An alias is whole words, so it starts with `text`'s first word."""
        for alias, command in self._by_first_word.get(text.split(" ", 1)[0], ()):
            if text == alias or text.startswith(alias + " "):
                return command, text[len(alias) :].split()
        return None

    def dispatch(self, ctx: Context) -> list[Message]:
        """Answer one event, then let the after-hooks add to the answer (once)."""
        if ctx.answering:
            return self._dispatch(ctx)
        ctx.answering = True
        messages = self._dispatch(ctx)
        for hook in self.after_hooks:
            messages = hook(ctx, messages)
        return choices_last(messages)

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
            return self._guarded(ctx, command.handler, command.min_role, command.key)
        assert self.fallback_handler is not None
        return self.fallback_handler(ctx)

    def _dialog_refused(self, ctx: Context) -> list[Message] | None:
        """End an open dialog the person's role no longer allows; None when it may go on.

        Roles change outside the dialog (`staff remove`, `loyalty owner remove`), so the
        check is made on every event, not only when the dialog was opened.
        """
        if ctx.dialog is None:
            return None
        declared = self.dialogs.get(ctx.dialog.name)
        if declared is None or ctx.role.rank >= declared.role.rank:
            return None
        dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
        ctx.dialog = None
        return [text_message(ctx.t("dialog_role_lost"))]

    def _step(self, ctx: Context) -> list[Message] | None:
        """The open dialog's answer; None when there is none or the step leaves the text."""
        if ctx.dialog is None:
            return None
        row = ctx.dialog
        declared = self.dialogs.get(row.name)
        if declared is None:
            ctx.dialog = None
            return lost(ctx, f"no dialog {row.name!r} is declared")
        audited = bool(row.data.get(AUDITED))
        inside = StepContext.inside(ctx, row)
        handled = declared.answer(inside)
        if handled is not None and audited:
            self._audit(inside, f"{row.name}.{row.step}", ctx.role)
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
