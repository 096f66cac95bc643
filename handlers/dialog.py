"""Dialogs declared as data: a name, the role it needs, its steps and the moves between them.

A dialog is declared once, in the module that answers it:

    BROADCAST = router.dialog(Dialog("broadcast", role=Role.OWNER, starts={...}, moves={...}))

    @BROADCAST.step(Step.AUDIENCE)
    def take_audience(ctx: StepContext) -> Outcome: ...

A step answers with a value the router acts on: `Next` (go to a step, remembering data),
`Reply` (answer, stay where it is), `End` (answer, close) or `NOT_MINE` (the text is not an
answer: the commands have it). A move the declaration does not list is a bug: it is logged,
the dialog is closed and the person is told so. The stored name and step strings are what
the `dialog` table holds, so they keep their values across deploys.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final

from handlers.context import Context, StepContext
from handlers.views.messages import Message, text
from storage import dialogs
from storage.models import Dialog as DialogRow
from storage.models import Role

log = logging.getLogger(__name__)
END: Final = "(end)"  # in `moves`: the step may close the dialog


@dataclass(frozen=True)
class Next:
    """Go to `step` (the same one too), adding `data` to what the dialog remembers."""

    step: str
    messages: list[Message]
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """Answer, and leave the dialog where it is."""

    messages: list[Message]


@dataclass(frozen=True)
class End:
    """Answer, and close the dialog."""

    messages: list[Message]


class NotMine(Enum):
    """The text is no answer to this step: the commands (then the fallback) have it."""

    NOT_MINE = "not mine"


NOT_MINE: Final = NotMine.NOT_MINE
Outcome = Next | Reply | End | NotMine
StepHandler = Callable[[StepContext], Outcome]


class Dialog:
    """One multi-step conversation: who may have it open, where it starts, where it goes."""

    def __init__(
        self,
        name: str,
        *,
        role: Role,
        starts: Collection[str],
        moves: Mapping[str, Collection[str]],
    ) -> None:
        self.name, self.role = name, role
        self.starts = frozenset(starts)
        self.moves = {step: frozenset(targets) for step, targets in moves.items()}
        self.handlers: dict[str, StepHandler] = {}
        steps = set(self.moves)
        if END in steps or not self.starts <= steps:
            raise ValueError(f"dialog {name!r}: starts {sorted(self.starts)} must be steps")
        strays = {t for targets in self.moves.values() for t in targets} - steps - {END}
        if strays:
            raise ValueError(f"dialog {name!r}: moves to undeclared steps {sorted(strays)}")

    @property
    def steps(self) -> tuple[str, ...]:
        return tuple(self.moves)

    def step(self, *steps: str) -> Callable[[StepHandler], StepHandler]:
        """The function that answers while the dialog waits at any of `steps`."""

        def register(handler: StepHandler) -> StepHandler:
            for step in steps:
                if step not in self.moves:
                    raise ValueError(f"{handler.__name__}: {self.name!r} has no step {step!r}")
                if step in self.handlers:
                    raise ValueError(f"{handler.__name__}: {self.name}.{step} is already answered")
                self.handlers[step] = handler
            return handler

        return register

    def start(self, ctx: Context, step: str, **data: Any) -> None:
        """Open this dialog at `step`, afresh (whatever dialog was open is replaced)."""
        if step not in self.starts:
            raise ValueError(f"dialog {self.name!r} does not start at {step!r}")
        ctx.dialog = dialogs.start_dialog(ctx.session, ctx.user.line_user_id, self.name, step, data)

    def open_in(self, ctx: Context) -> StepContext | None:
        """`ctx` inside this dialog, if it is the one open; else None."""
        row = ctx.dialog
        if row is None or row.name != self.name:
            return None
        return StepContext.inside(ctx, row)

    def answer(self, ctx: StepContext) -> list[Message] | None:
        """Run the step the dialog waits at; None when the step leaves the text to commands."""
        handler = self.handlers.get(ctx.dialog.step)
        if handler is None:
            return lost(ctx, f"{self.name} has no step {ctx.dialog.step!r}")
        outcome = handler(ctx)
        return None if outcome is NOT_MINE else self.follow(ctx, outcome)

    def follow(self, ctx: Context, outcome: Next | Reply | End) -> list[Message]:
        """Do what `outcome` says: from the step this dialog is at, or (closed) from its start.

        A step that opened another dialog (registration asking the birthday) keeps it open.
        """
        if isinstance(outcome, Reply):
            return outcome.messages
        row = _still_open(ctx, self.name)
        if row is None:
            if isinstance(outcome, Next):
                self.start(ctx, outcome.step, **outcome.data)
            return outcome.messages
        target = outcome.step if isinstance(outcome, Next) else END
        if target not in self.moves.get(row.step, ()):
            return lost(ctx, f"{self.name} may not go from {row.step!r} to {target!r}")
        if isinstance(outcome, Next):
            dialogs.move_dialog(ctx.session, row, outcome.step, **outcome.data)
        else:
            dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
        return outcome.messages


def _still_open(ctx: Context, name: str) -> DialogRow | None:
    """The row of dialog `name` if it is still the one open (a step may start another)."""
    row = ctx.session.get(DialogRow, ctx.user.line_user_id)
    return row if row is not None and row.name == name else None


def lost(ctx: Context, why: str) -> list[Message]:
    """A dialog in a state no declaration knows: logged, closed, and the person is told."""
    log.error("dialog of %s closed: %s", ctx.user.line_user_id, why)
    dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
    return [text(ctx.t("dialog_lost"))]
