"""The owner's automations: what each does, on or off, its settings, and its last 30 days.

`automations` shows them as a carousel whose buttons switch and tune each one (the taps
are in handlers/automation_taps.py). Typed shortcuts do the same: `automation winback off`,
`automation winback days 60`, `automation tiers gold 30000`; setting names are typed in
English, automation names in English or Thai.
"""

from __future__ import annotations

from typing import Any

from handlers.i18n import CATALOGS, means, on_or_off
from handlers.router import Context, normalise, router
from handlers.views.automation_cards import (
    AutomationCard,
    MonthCard,
    automation_bubble,
    month_bubble,
)
from handlers.views.messages import Button, Choice, Message, carousel, flex, postback_data, text
from storage import automation_runs, automation_settings, clock, lots, rewards
from storage.automation_runs import Activity
from storage.automation_settings import AUTOMATIONS, BY_NAME, Automation, BadSetting, Knob
from storage.models import Role


def _names() -> dict[str, str]:
    """Every way to type an automation's name: its key and its name in each language."""
    names = {a.name: a.name for a in AUTOMATIONS}
    for catalog in CATALOGS.values():
        for automation in AUTOMATIONS:
            names[normalise(catalog[f"auto_word_{automation.name}"])] = automation.name
    return names


NAMES = _names()


def shown_value(ctx: Context, knob: Knob, value: Any) -> str:
    if knob.kind == "reward":
        reward = rewards.get_reward(ctx.session, value) if value is not None else None
        return f"#{reward.id} {reward.name_th}" if reward else ctx.t("auto_no_coupon")
    if knob.kind == "percent":
        return f"x{value / 100:g}"
    if knob.kind == "choice":
        return ctx.t(f"auto_choice_{value}")
    return f"{value:,}" if isinstance(value, int) else str(value)


SETTING, SWITCH = "auto_setting", "auto_switch"


def _activity(ctx: Context, automation: Automation, done: Activity) -> list[str]:
    lines = []
    if automation.name == "expiry":
        expired = automation_runs.points_expired(ctx.session, automation_runs.last_30_days())
        lines.append(ctx.t("auto_expired", points=f"{expired:,}"))
    if automation.switchable:
        values = {"sent": done.sent, "used": done.coupons_used, "points": f"{done.points:,}"}
        lines.append(ctx.t("auto_activity", **values))
    if done.failed:
        lines.append(ctx.t("auto_failed", n=f"{done.failed:,}"))
    return lines


def _setting(ctx: Context, automation: Automation, knob: Knob, value: Any) -> Button:
    label = f"{ctx.t('knob_' + knob.key)}: {shown_value(ctx, knob, value)}"
    data = postback_data(SETTING, name=automation.name, key=knob.key)
    return Button(label, data=data, primary=False)


def _switch_button(ctx: Context, automation: Automation, on: bool) -> Button | None:
    if not automation.switchable:
        return None
    key = "auto_turn_off" if on else "auto_turn_on"
    data = postback_data(SWITCH, name=automation.name, on=0 if on else 1)
    return Button(ctx.t(key), data=data, primary=not on)


def _state(automation: Automation, on: bool) -> str:
    if not automation.switchable:
        return "auto_always"
    return "auto_on" if on else "auto_off"


def card(ctx: Context, automation: Automation, done: Activity) -> AutomationCard:
    """What the owner sees of one automation (its bubble in the carousel)."""
    config = automation_settings.config(ctx.session, automation.name)
    return AutomationCard(
        title=ctx.t("auto_title_" + automation.name),
        on=config.enabled,
        state=ctx.t(_state(automation, config.enabled)),
        settings=[_setting(ctx, automation, k, config[k.key]) for k in automation.knobs],
        activity=_activity(ctx, automation, done),
        switch=_switch_button(ctx, automation, config.enabled),
        note=ctx.t(f"auto_note_{automation.name}"),
    )


def _month(ctx: Context) -> MonthCard:
    month = automation_runs.month_start(clock.now(), ctx.shop.tz)
    used = automation_runs.messages_since(ctx.session, month)
    lines = [ctx.t("auto_month_messages", count=f"{used:,}"), ctx.t("auto_shortcuts")]
    return MonthCard(title=ctx.t("auto_month_title"), lines=lines)


def choices(ctx: Context) -> list[Choice]:
    return [Choice(ctx.t("qr_automations"), ctx.t("cmd_automations"))]


@router.command("automations", min_role=Role.OWNER)
def show_automations(ctx: Context) -> list[Message]:
    """A carousel: each automation on or off, its settings as buttons, its last 30 days."""
    activity = automation_runs.activity(ctx.session, automation_runs.last_30_days())
    colors = ctx.shop.colors
    bubbles = [
        automation_bubble(card(ctx, a, activity.get(a.name, Activity())), colors)
        for a in AUTOMATIONS
    ]
    bubbles.append(month_bubble(_month(ctx), colors))
    on = [ctx.t("auto_title_" + a.name) for a in AUTOMATIONS if _enabled(ctx, a)]
    alt = ctx.t("auto_alt", on=", ".join(on) or "-")
    return [carousel(alt, bubbles, [Choice(ctx.t("qr_home"), ctx.t("cmd_owner"))])]


def _enabled(ctx: Context, automation: Automation) -> bool:
    return automation_settings.config(ctx.session, automation.name).enabled


@router.command("automation", min_role=Role.OWNER)
def tune_automation(ctx: Context) -> list[Message]:
    """`automation <name> on|off` or `automation <name> <setting> <value>`."""
    if len(ctx.args) < 2:
        return [text(ctx.t("auto_usage"), choices(ctx))]
    name = NAMES.get(ctx.args[0])
    if name is None:
        return [text(ctx.t("auto_not_found", name=ctx.args[0], known=_known(ctx)), choices(ctx))]
    automation = BY_NAME[name]
    switched = on_or_off(ctx.args[1]) if len(ctx.args) == 2 else None
    if switched is not None and automation.switchable:
        return switch(ctx, automation, switched)
    knob = automation.knob(ctx.args[1])
    if knob is None or len(ctx.args) != 3:
        keys = ", ".join(k.key for k in automation.knobs)
        return [text(ctx.t("auto_unknown_setting", name=name, keys=keys), choices(ctx))]
    return tune(ctx, automation, knob, ctx.args[2])


def _known(ctx: Context) -> str:
    return ", ".join(f"{a.name} ({ctx.t('auto_title_' + a.name)})" for a in AUTOMATIONS)


def tune(ctx: Context, automation: Automation, knob: Knob, typed: str) -> list[Message]:
    """Store the value typed or tapped; a bad one says what fits and changes nothing."""
    try:
        value = _read(ctx, knob, typed)
        automation_settings.tune(
            ctx.session, automation.name, knob.key, value, by=ctx.user.line_user_id
        )
    except BadSetting:
        tiers = automation.name == "tiers" and knob.kind == "whole"
        key = "auto_bad_tiers" if tiers else f"auto_bad_{knob.kind}"
        values = {"setting": knob.key, "low": f"{knob.low:,}", "high": f"{knob.high:,}"}
        return [text(ctx.t(key, **values), choices(ctx))]
    return _saved(ctx, automation, "auto_tuned")


def _read(ctx: Context, knob: Knob, typed: str) -> Any:
    """The value the owner typed; `none` (`ไม่มี`) for a coupon is no coupon."""
    if knob.kind == "reward" and means(typed, "none"):
        return None
    return automation_settings.read_value(ctx.session, knob, typed)


def switch(ctx: Context, automation: Automation, on: bool) -> list[Message]:
    """Turn it on or off; switching expiry back on gives points already due a grace period."""
    was = automation_settings.switch(ctx.session, automation.name, on, by=ctx.user.line_user_id)
    if automation.name == "expiry" and on and not was:
        lots.give_grace(ctx.session)
    return _saved(ctx, automation, "auto_switched_on" if on else "auto_switched_off")


def _saved(ctx: Context, automation: Automation, key: str) -> list[Message]:
    since = automation_runs.last_30_days()
    done = automation_runs.activity(ctx.session, since).get(automation.name, Activity())
    bubble = automation_bubble(card(ctx, automation, done), ctx.shop.colors)
    title = ctx.t("auto_title_" + automation.name)
    return [text(ctx.t(key)), flex(title, bubble, choices(ctx))]
