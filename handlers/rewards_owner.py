"""The owner's reward catalogue: add and edit through short dialogs, pause, resume, list.

Dialog state lives in the database (storage.dialogs), so a half-added reward survives a
restart and is forgotten after 10 quiet minutes. The questions are data: one per field.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from handlers.dialog import END, NOT_MINE, Dialog, End, Next, Outcome, Reply
from handlers.i18n import means
from handlers.numbers import whole_number
from handlers.rewards import reward_card
from handlers.router import Context, StepContext, router
from handlers.views.messages import Choice, Message, carousel, postback_data, text
from handlers.views.reward_cards import reward_bubble
from storage import rewards
from storage.models import Reward, Role

CONFIRM = "confirm"  # adding: the summary waits for `save`
FIELD = "field"  # editing: waits for the tap on the field to change


class Invalid(Exception):
    """The answer does not fit the question; the owner is asked again."""


def _typed(ctx: Context) -> str:
    """What the owner typed, as typed: NFC only (NFKC would split the Thai vowel ำ in two)."""
    return " ".join(unicodedata.normalize("NFC", ctx.event.text).split())


def _read_name(ctx: Context) -> Any:
    if ctx.event.kind != "text" or not _typed(ctx):
        raise Invalid
    return _typed(ctx)


def _read_optional_name(ctx: Context) -> Any:
    return None if means(ctx.text, "skip") else _read_name(ctx)


def _read_whole(ctx: Context) -> Any:
    number = whole_number(ctx.text.replace(",", "").replace(" ", ""))
    if number is None:
        raise Invalid
    return number


def _read_whole_or_unlimited(ctx: Context) -> Any:
    return None if means(ctx.text, "unlimited") else _read_whole(ctx)


def _read_picture(ctx: Context) -> Any:
    if ctx.event.kind == "text" and means(ctx.text, "skip"):
        return None
    if ctx.event.kind != "image" or ctx.event.photo is None:
        raise Invalid
    return rewards.store_picture(ctx.session, ctx.event.photo)


@dataclass(frozen=True)
class Question:
    field: str
    read: Callable[[Context], Any]
    words: tuple[str, ...] = ()  # quick replies offered with the question
    steps: tuple[int, ...] = ()  # and the usual numbers, so most answers are a tap

    def ask(self, ctx: Context, problem: bool = False) -> Message:
        choices = [Choice(ctx.t(w), ctx.t(w)) for w in self.words]
        choices += [Choice(f"{n:,}", str(n)) for n in self.steps]
        choices.append(Choice(ctx.t("qr_cancel"), ctx.t("cmd_cancel")))
        intro = ctx.t(f"bad_{self.field}") + "\n" if problem else ""
        return text(intro + ctx.t(f"ask_{self.field}"), choices)


QUESTIONS = (
    Question("name_th", _read_name, ("reward_idea_drink", "reward_idea_snack", "reward_idea_off")),
    Question("name_en", _read_optional_name, ("word_skip",)),
    Question("points_cost", _read_whole, steps=(20, 50, 100, 200, 500)),
    Question("stock", _read_whole_or_unlimited, ("word_unlimited",), (10, 20, 50, 100)),
    Question("valid_days", _read_whole, steps=(7, 14, 30, 60, 90)),
    Question("limit_per_member", _read_whole_or_unlimited, ("word_unlimited",), (1, 2, 5)),
    Question("picture_token", _read_picture, ("word_skip",)),
)
BY_FIELD = {q.field: q for q in QUESTIONS}
FIELDS = tuple(BY_FIELD)

# Adding asks every question in order, then shows the summary to save.
ADD = router.dialog(
    Dialog(
        "reward_add",
        role=Role.OWNER,
        starts={FIELDS[0]},
        moves={
            **{field: {following} for field, following in zip(FIELDS, FIELDS[1:], strict=False)},
            FIELDS[-1]: {CONFIRM},
            CONFIRM: {END},
        },
    )
)
# Editing: the owner taps a field (another tap may change their mind), then gives its value.
EDIT = router.dialog(
    Dialog(
        "reward_edit",
        role=Role.OWNER,
        starts={FIELD},
        moves={FIELD: set(FIELDS), **{field: {*FIELDS, END} for field in FIELDS}},
    )
)


def _answer(ctx: Context, question: Question) -> tuple[bool, Any]:
    """(True, value) for a good answer, (False, None) for one to ask again."""
    try:
        value = question.read(ctx)
        rewards.check(question.field, value)
    except (Invalid, rewards.BadReward):
        return False, None
    return True, value


@router.command("reward add", min_role=Role.OWNER)
def add_reward(ctx: Context) -> list[Message]:
    """Start the add-a-reward dialog: one question per field, then a summary to save."""
    ADD.start(ctx, QUESTIONS[0].field)
    return [text(ctx.t("reward_add_intro")), QUESTIONS[0].ask(ctx)]


@ADD.step(*FIELDS)
def take_add_answer(ctx: StepContext) -> Outcome:
    """An answer in the add dialog: keep it, then ask the next question or show the summary."""
    question = BY_FIELD[ctx.dialog.step]
    ok, value = _answer(ctx, question)
    if not ok:
        return Reply([question.ask(ctx, problem=True)])
    if question.field == "stock" and value == 0:  # a new reward nobody could ever redeem
        return Reply([text(ctx.t("reward_stock_zero")), question.ask(ctx)])
    answered = {question.field: value}
    following = QUESTIONS.index(question) + 1
    if following < len(QUESTIONS):
        return Next(QUESTIONS[following].field, [QUESTIONS[following].ask(ctx)], answered)
    return Next(CONFIRM, [_summary(ctx, {**ctx.dialog.data, **answered})], answered)


def _summary(ctx: Context, data: dict[str, Any]) -> Message:
    lines = [ctx.t("reward_summary_title")] + [
        f"{ctx.t('field_' + q.field)}: {_shown(ctx, q.field, data.get(q.field))}" for q in QUESTIONS
    ]
    choices = [
        Choice(ctx.t("word_save"), ctx.t("word_save")),
        Choice(ctx.t("qr_cancel"), ctx.t("cmd_cancel")),
    ]
    return text("\n".join(lines), choices)


def _shown(ctx: Context, field: str, value: Any) -> str:
    if field == "picture_token":
        return ctx.t("picture_attached" if value else "picture_none")
    if value is None:
        return ctx.t("word_unlimited") if field in ("stock", "limit_per_member") else "-"
    return f"{value:,}" if isinstance(value, int) else str(value)


@ADD.step(CONFIRM)
def save_reward(ctx: StepContext) -> Outcome:
    """`save` after the summary: the reward goes into the catalogue."""
    if not means(ctx.text, "save"):
        return Reply([_summary(ctx, ctx.dialog.data)])
    answers: dict[str, Any] = {q.field: ctx.dialog.data.get(q.field) for q in QUESTIONS}
    spec = rewards.RewardSpec(**answers)
    reward = rewards.create_reward(ctx.session, spec=spec)
    return End(_saved(ctx, reward, "reward_added"))


def _saved(ctx: Context, reward: Reward, key: str) -> list[Message]:
    """Say it is saved, and show the reward as customers will see it."""
    card = replace(reward_card(ctx, reward, None, 0), buttons=[], note=None)
    bubble = reward_bubble(card, ctx.shop.colors)
    preview = carousel(ctx.t("rewards_alt", shop=ctx.shop.name), [bubble], owner_menu(ctx))
    return [text(ctx.t(key, id=reward.id, name=reward.name_th)), preview]


def owner_menu(ctx: Context) -> list[Choice]:
    return [
        Choice(ctx.t("qr_reward_list"), ctx.t("cmd_reward_list")),
        Choice(ctx.t("qr_reward_add"), ctx.t("cmd_reward_add")),
        Choice(ctx.t("qr_coupon_cancel"), ctx.t("cmd_coupon_cancel")),
    ]


def _target(ctx: Context) -> Reward | None:
    typed = ctx.args[0].lstrip("#") if len(ctx.args) == 1 else ""
    number = whole_number(typed)
    return rewards.get_reward(ctx.session, number) if number is not None else None


@router.command("reward edit", min_role=Role.OWNER)
def edit_reward(ctx: Context) -> list[Message]:
    """`reward edit <number>`: pick what to change, then give the new value."""
    reward = _target(ctx)
    if reward is None:
        return [text(ctx.t("reward_edit_usage"), owner_menu(ctx))]
    return start_edit(ctx, reward)


def start_edit(ctx: Context, reward: Reward) -> list[Message]:
    """Which field of `reward` to change: one tap each."""
    EDIT.start(ctx, FIELD, reward_id=reward.id)
    choices = [
        Choice(ctx.t(f"field_{q.field}"), data=postback_data("reward_field", field=q.field))
        for q in QUESTIONS
    ]
    choices.append(Choice(ctx.t("qr_cancel"), ctx.t("cmd_cancel")))
    return [text(ctx.t("reward_edit_which", id=reward.id, name=reward.name_th), choices)]


@router.postback("reward_field", min_role=Role.OWNER)
def choose_field(ctx: Context) -> list[Message]:
    """The owner picked the field to change."""
    question = BY_FIELD.get(ctx.data.get("field", ""))
    editing = EDIT.open_in(ctx)
    if editing is None or question is None:
        return [text(ctx.t("reward_edit_usage"), owner_menu(ctx))]
    return EDIT.follow(editing, Next(question.field, [question.ask(ctx)]))


@EDIT.step(FIELD)
def wait_for_field(ctx: StepContext) -> Outcome:
    """Typed text while the fields are shown: the commands have it (a tap picks the field)."""
    return NOT_MINE


@EDIT.step(*FIELDS)
def take_edit_answer(ctx: StepContext) -> Outcome:
    """The new value for the chosen field: saved at once."""
    question = BY_FIELD[ctx.dialog.step]
    ok, value = _answer(ctx, question)
    if not ok:
        return Reply([question.ask(ctx, problem=True)])
    reward = rewards.get_reward(ctx.session, ctx.dialog.data["reward_id"])
    if reward is None:
        return End([text(ctx.t("reward_edit_usage"), owner_menu(ctx))])
    rewards.update_reward(ctx.session, reward, **{question.field: value})
    return End(_saved(ctx, reward, "reward_updated"))


def _set_active(ctx: Context, active: bool) -> list[Message]:
    reward = _target(ctx)
    if reward is None:
        key = "reward_resume_usage" if active else "reward_pause_usage"
        return [text(ctx.t(key), owner_menu(ctx))]
    return set_active(ctx, reward, active)


def set_active(ctx: Context, reward: Reward, active: bool) -> list[Message]:
    """Pause (hidden from customers; coupons stay valid) or resume a reward."""
    rewards.set_active(ctx.session, reward, active)
    key = "reward_resumed" if active else "reward_paused"
    return [text(ctx.t(key, id=reward.id, name=reward.name_th), owner_menu(ctx))]


@router.command("reward pause", min_role=Role.OWNER)
def pause_reward(ctx: Context) -> list[Message]:
    """`reward pause <number>`: hidden from customers, nobody can redeem it; coupons stay valid."""
    return _set_active(ctx, False)


@router.command("reward resume", min_role=Role.OWNER)
def resume_reward(ctx: Context) -> list[Message]:
    """`reward resume <number>`: back in the catalogue."""
    return _set_active(ctx, True)
