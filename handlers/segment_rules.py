"""`segments rules`: how the customer groups are scored, and the owner's thresholds."""

from __future__ import annotations

import math

from handlers.i18n import means
from handlers.jobs import RefreshScores
from handlers.router import Context
from handlers.views.messages import Choice, Message, text
from storage import segment_rules, segments

KINDS = {"days": "recency_days", "rfm_purchases": "purchases", "rfm_spend": "spend_percent"}
PRESETS = (  # (label, word of the kind, four thresholds): one tap each
    ("qr_seg_rules_often", "days", (14, 30, 60, 120)),
    ("qr_seg_rules_rarely", "days", (60, 120, 180, 365)),
    ("qr_seg_rules_many", "rfm_purchases", (20, 10, 5, 2)),
)


def times(percent: int) -> str:
    """400 → `4×`, 50 → `0.5×`."""
    return f"{percent / 100:g}×"


def _in_use(ctx: Context) -> str:
    run = segments.latest_run(ctx.session)
    if run is not None and run.by_ranks:
        return ctx.t("seg_rules_in_use_ranks", n=run.scored)
    return ctx.t("seg_rules_in_use_thresholds", n=segment_rules.RANK_FROM)


def describe(ctx: Context, chosen: segment_rules.Thresholds) -> str:
    """The rules in force, one line per score, and how to change them."""
    r, f, m = chosen.recency_days, chosen.purchases, [times(p) for p in chosen.spend_percent]
    return "\n".join(
        (
            ctx.t("seg_rules_title"),
            _in_use(ctx),
            ctx.t("seg_rules_recency", r5=r[0], r4=r[1], r3=r[2], r2=r[3]),
            ctx.t("seg_rules_purchases", f5=f[0], f4=f[1], f3=f[2], f2=f[3]),
            ctx.t("seg_rules_spend", m5=m[0], m4=m[1], m3=m[2], m2=m[3]),
            ctx.t("seg_rules_ranks_note", n=chosen.rank_from),
            ctx.t("seg_rules_how", command=f"{ctx.t('cmd_segments')} {ctx.t('word_rules')}"),
        )
    )


def _number(kind: str, typed: str) -> int:
    cleaned = typed.strip().lower().removesuffix("×").removesuffix("x").replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        raise segment_rules.BadThresholds(kind) from None
    if not math.isfinite(value):
        raise segment_rules.BadThresholds(kind)
    if kind == "spend_percent":
        return round(value * 100)
    if not value.is_integer():
        raise segment_rules.BadThresholds(kind)
    return int(value)


def _kind(word: str) -> str | None:
    return next((kind for key, kind in KINDS.items() if means(word, key)), None)


def _choices(ctx: Context) -> list[Choice]:
    """Back to the groups, a few ready sets of thresholds, and the defaults."""
    command = f"{ctx.t('cmd_segments')} {ctx.t('word_rules')}"
    presets = [
        Choice(ctx.t(label), f"{command} {ctx.t('word_' + kind)} {' '.join(map(str, values))}")
        for label, kind, values in PRESETS
    ]
    reset = Choice(ctx.t("qr_seg_rules_reset"), f"{command} {ctx.t('word_reset')}")
    return [Choice(ctx.t("qr_seg_show"), ctx.t("cmd_segments")), *presets, reset]


def rules(ctx: Context, args: list[str]) -> list[Message]:
    """Show the scoring rules; `days|purchases|spend a b c d` or `reset` changes them."""
    choices = _choices(ctx)
    if not args:
        return [text(describe(ctx, segment_rules.thresholds(ctx.session)), choices)]
    if len(args) == 1 and means(args[0], "reset"):
        chosen = segment_rules.reset_thresholds(ctx.session)
    else:
        kind = _kind(args[0])
        if kind is None or len(args) != 5:
            return [text(ctx.t("seg_rules_bad"), choices)]
        try:
            values = tuple(_number(kind, typed) for typed in args[1:])
            by = ctx.user.line_user_id
            chosen = segment_rules.set_thresholds(ctx.session, kind, values, by=by)
        except segment_rules.BadThresholds:
            return [text(ctx.t("seg_rules_bad"), choices)]
    ctx.jobs.append(RefreshScores())
    return [text(f"{ctx.t('seg_rules_saved')}\n\n{describe(ctx, chosen)}", choices)]
