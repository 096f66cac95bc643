"""The owner's automations: what each does, on or off, its settings, and its last 30 days.

`automations` lists them; `automation winback off`, `automation winback days 60`,
`automation tiers gold 30000` switch and tune one. Names and settings are typed in English
(the list shows each command); the Thai names of the automations work too.
"""

from __future__ import annotations

from typing import Any

from linebot.v3.messaging import Message

from handlers.i18n import CATALOGS, means, on_or_off
from handlers.router import Context, normalise, router
from handlers.views.messages import Choice, text
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


def _value(ctx: Context, knob: Knob, value: Any) -> str:
    if knob.kind == "reward":
        reward = rewards.get_reward(ctx.session, value) if value is not None else None
        return f"#{reward.id} {reward.name_th}" if reward else ctx.t("auto_no_coupon")
    if knob.kind == "percent":
        return f"x{value / 100:g}"
    if knob.kind == "choice":
        return ctx.t(f"auto_choice_{value}")
    return f"{value:,}" if isinstance(value, int) else str(value)


def _block(ctx: Context, automation: Automation, done: Activity) -> str:
    config = automation_settings.config(ctx.session, automation.name)
    state = ctx.t("auto_on" if config.enabled else "auto_off")
    mark = "🟢" if config.enabled else "⚪"
    settings = " · ".join(
        f"{ctx.t('knob_' + k.key)} [{k.key}]: {_value(ctx, k, config[k.key])}"
        for k in automation.knobs
    )
    lines = [f"{mark} {ctx.t('auto_title_' + automation.name)} [{automation.name}] · {state}"]
    lines.append(f"   {settings}")
    if automation.name == "expiry":
        expired = automation_runs.points_expired(ctx.session, automation_runs.last_30_days())
        lines.append("   " + ctx.t("auto_expired", points=f"{expired:,}"))
    if automation.switchable:
        values = {"sent": done.sent, "used": done.coupons_used, "points": f"{done.points:,}"}
        lines.append("   " + ctx.t("auto_activity", **values))
    if done.failed:
        lines.append("   " + ctx.t("auto_failed", n=f"{done.failed:,}"))
    return "\n".join(lines)


def _choices(ctx: Context) -> list[Choice]:
    return [Choice(ctx.t("qr_automations"), ctx.t("cmd_automations"))]


@router.command("automations", min_role=Role.OWNER)
def show_automations(ctx: Context) -> list[Message]:
    """Each automation: on or off, its settings, and what it did in the last 30 days."""
    activity = automation_runs.activity(ctx.session, automation_runs.last_30_days())
    blocks = [_block(ctx, a, activity.get(a.name, Activity())) for a in AUTOMATIONS]
    month = automation_runs.month_start(clock.now(), ctx.shop.tz)
    used = automation_runs.messages_since(ctx.session, month)
    footer = [ctx.t("auto_month_messages", count=f"{used:,}"), ctx.t("auto_usage")]
    return [
        text("\n\n".join([ctx.t("auto_list_title"), *blocks, "\n".join(footer)]), _choices(ctx))
    ]


@router.command("automation", min_role=Role.OWNER)
def tune_automation(ctx: Context) -> list[Message]:
    """`automation <name> on|off` or `automation <name> <setting> <value>`."""
    name = NAMES.get(ctx.args[0]) if ctx.args else None
    if name is None or len(ctx.args) < 2:
        return [text(ctx.t("auto_usage"), _choices(ctx))]
    automation = BY_NAME[name]
    switched = on_or_off(ctx.args[1]) if len(ctx.args) == 2 else None
    if switched is not None and automation.switchable:
        return _switch(ctx, automation, switched)
    knob = automation.knob(ctx.args[1])
    if knob is None or len(ctx.args) != 3:
        return [text(ctx.t("auto_unknown_setting", name=name), _choices(ctx))]
    try:
        value = _read(ctx, knob, ctx.args[2])
        automation_settings.tune(ctx.session, name, knob.key, value, by=ctx.user.line_user_id)
    except BadSetting:
        tiers = name == "tiers" and knob.kind == "whole"
        key = "auto_bad_tiers" if tiers else f"auto_bad_{knob.kind}"
        values = {"setting": knob.key, "low": f"{knob.low:,}", "high": f"{knob.high:,}"}
        return [text(ctx.t(key, **values), _choices(ctx))]
    return _saved(ctx, automation, "auto_tuned")


def _read(ctx: Context, knob: Knob, typed: str) -> Any:
    """The value the owner typed; `none` (`ไม่มี`) for a coupon is no coupon."""
    if knob.kind == "reward" and means(typed, "none"):
        return None
    return automation_settings.read_value(ctx.session, knob, typed)


def _switch(ctx: Context, automation: Automation, on: bool) -> list[Message]:
    was = automation_settings.switch(ctx.session, automation.name, on, by=ctx.user.line_user_id)
    if automation.name == "expiry" and on and not was:
        lots.give_grace(ctx.session)
    return _saved(ctx, automation, "auto_switched_on" if on else "auto_switched_off")


def _saved(ctx: Context, automation: Automation, key: str) -> list[Message]:
    since = automation_runs.last_30_days()
    done = automation_runs.activity(ctx.session, since).get(automation.name, Activity())
    note = ctx.t(f"auto_note_{automation.name}")
    body = "\n\n".join(filter(None, [ctx.t(key), _block(ctx, automation, done), note]))
    return [text(body, _choices(ctx))]
