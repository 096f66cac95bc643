"""The taps on the automations carousel: a setting's button offers new values as quick
replies; a value's tap stores it; the on/off button switches. Each tap names the automation
and setting, is checked against them again, and goes the typed command's way."""

from __future__ import annotations

from typing import Any

from handlers.automation_choices import as_typed, steps
from handlers.automations_owner import SETTING, SWITCH, choices, shown_value, switch, tune
from handlers.router import Context, router
from handlers.views.messages import MAX_QUICK_REPLIES, Choice, Message, postback_data, text
from storage import automation_settings, rewards
from storage.automation_settings import BY_NAME, Automation, Knob
from storage.models import Role

SET = "auto_set"


def _automation(ctx: Context) -> Automation | None:
    return BY_NAME.get(ctx.data.get("name", ""))


def _setting(ctx: Context) -> tuple[Automation, Knob] | None:
    """The automation and setting the tap names, if both still exist."""
    automation = _automation(ctx)
    knob = automation.knob(ctx.data.get("key", "")) if automation else None
    return (automation, knob) if automation and knob else None


def _not_found(ctx: Context) -> list[Message]:
    return [text(ctx.t("auto_tap_not_found"), choices(ctx))]


def _offer(ctx: Context, automation: Automation, knob: Knob, value: Any) -> Choice:
    shown = shown_value(ctx, knob, value)
    data = postback_data(SET, name=automation.name, key=knob.key, value=as_typed(knob, value))
    return Choice(shown, text=shown, data=data)


def _offers(ctx: Context, automation: Automation, knob: Knob, current: Any) -> list[Choice]:
    if knob.kind == "reward":
        found = rewards.list_rewards(ctx.session, active_only=True, limit=MAX_QUICK_REPLIES - 2)
        values: list[Any] = [None, *[r.id for r in found]]
    else:
        values = steps(knob, current)
    offered = [_offer(ctx, automation, knob, v) for v in values]
    return [*offered[: MAX_QUICK_REPLIES - 1], *choices(ctx)]


@router.postback(SETTING, min_role=Role.OWNER)
def ask_for_value(ctx: Context) -> list[Message]:
    """A setting's button: its value now, and new values to tap (or type)."""
    found = _setting(ctx)
    if found is None:
        return _not_found(ctx)
    automation, knob = found
    current = automation_settings.config(ctx.session, automation.name)[knob.key]
    said = ctx.t(
        "auto_pick_value",
        title=ctx.t("auto_title_" + automation.name),
        setting=ctx.t("knob_" + knob.key),
        value=shown_value(ctx, knob, current),
        typed=f"{ctx.t('cmd_automation')} {automation.name} {knob.key}",
    )
    return [text(said, _offers(ctx, automation, knob, current))]


@router.postback(SET, min_role=Role.OWNER)
def set_value(ctx: Context) -> list[Message]:
    """A value's tap: stored as if typed, so the same limits apply."""
    found = _setting(ctx)
    if found is None or "value" not in ctx.data:
        return _not_found(ctx)
    automation, knob = found
    return tune(ctx, automation, knob, ctx.data["value"])


@router.postback(SWITCH, min_role=Role.OWNER)
def switch_automation(ctx: Context) -> list[Message]:
    """The on/off button."""
    automation = _automation(ctx)
    wanted = ctx.data.get("on")
    if automation is None or not automation.switchable or wanted not in ("0", "1"):
        return _not_found(ctx)
    return switch(ctx, automation, wanted == "1")
