"""How rewards and coupons are shown: names, dates, URLs, coupon cards and the coupon picture."""

from __future__ import annotations

from urllib.parse import quote

from handlers.customer import menu
from handlers.dates import show_date as show_date
from handlers.dates import show_time as show_time
from handlers.i18n import t
from handlers.router import Context, Shop
from handlers.scan_texts import redeem_text
from handlers.views.colors import Palette
from handlers.views.coupon_image import CouponFace
from handlers.views.messages import Message, QrCard, carousel, image, qr_bubble
from storage import clock
from storage.models import Coupon, CouponStatus, Reward


def reward_name(reward: Reward, lang: str) -> str:
    """The English name for English speakers when the shop gave one, else the Thai name."""
    return reward.name_en if lang == "en" and reward.name_en else reward.name_th


def stock_text(ctx: Context, reward: Reward) -> str:
    if reward.stock is None:
        return ctx.t("reward_unlimited")
    if reward.stock <= 0:
        return ctx.t("reward_sold_out")
    return ctx.t("reward_stock", stock=f"{reward.stock:,}")


def picture_url(shop: Shop, reward: Reward) -> str | None:
    if not reward.picture_token:
        return None
    return f"{shop.base_url}/media/picture/{reward.picture_token}.jpg"


def coupon_qr_content(shop: Shop, code: str) -> str:
    return shop.oa_message_base + quote(redeem_text(code))


def coupon_url(shop: Shop, coupon: Coupon, variant: str = "") -> str:
    """The coupon picture (`variant` "" full size, "preview", "qr") under its secret token."""
    base = f"{shop.base_url}/media/coupon/{coupon.image_token}"
    return f"{base}/{variant}.png" if variant else f"{base}.png"


def is_gift(coupon: Coupon) -> bool:
    """Given free (welcome, birthday, win-back, broadcast), not bought with points."""
    return coupon.gift_key is not None


def coupon_bubble_for(ctx: Context, coupon: Coupon, reward: Reward) -> dict[str, object]:
    gift = is_gift(coupon)
    paid = (ctx.t("coupon_points_label"), f"{coupon.points:,}")
    rows = [
        (ctx.t("coupon_valid_until_label"), show_date(ctx.lang, coupon.expires_at, ctx.shop.tz)),
        (ctx.t("coupon_gift_label"), ctx.t("coupon_gift_value")) if gift else paid,
    ]
    card = QrCard(
        shop_name=ctx.shop.name,
        title=ctx.t("coupon_gift_title" if gift else "coupon_title"),
        qr_url=coupon_url(ctx.shop, coupon, "qr"),
        headline=[reward_name(reward, ctx.lang), coupon.code],
        rows=rows,
        hint=ctx.t("coupon_hint"),
    )
    return qr_bubble(card, ctx.shop.colors)


def coupon_messages(ctx: Context, coupon: Coupon, reward: Reward) -> list[Message]:
    """The coupon as a Flex card, then as a picture the customer can keep."""
    alt = ctx.t("coupon_alt", reward=reward_name(reward, ctx.lang), code=coupon.code)
    card = carousel(alt, [coupon_bubble_for(ctx, coupon, reward)], menu(ctx))
    picture = image(coupon_url(ctx.shop, coupon), coupon_url(ctx.shop, coupon, "preview"))
    return [card, picture]


def history_line(ctx: Context, coupon: Coupon, reward: Reward) -> str:
    """`• ลาเต้เย็น C-7K3QX9ABC: used 17 Mar 2025 14:05`."""
    tz, lang = ctx.shop.tz, ctx.lang
    if coupon.used_at is not None:
        state = ctx.t("coupon_state_used", when=show_time(lang, coupon.used_at, tz))
    elif coupon.status == CouponStatus.CANCELLED:
        state = ctx.t("coupon_state_cancelled")
    elif coupon.expires_at <= clock.now() or coupon.status == CouponStatus.EXPIRED:
        state = ctx.t("coupon_state_expired", when=show_date(lang, coupon.expires_at, tz))
    else:
        state = ctx.t("coupon_state_live")
    return f"• {reward_name(reward, lang)} {coupon.code}: {state}"


def _both(key: str, **values: object) -> str:
    return f"{t('th', key, **values)} · {t('en', key, **values)}"


def coupon_face(shop: Shop, coupon: Coupon, reward: Reward) -> CouponFace:
    """What the coupon picture says, in Thai with English beside it."""
    gift = is_gift(coupon)
    points = _both("coupon_image_points", points=f"{coupon.points:,}")
    return CouponFace(
        shop_name=shop.name,
        title=_both("coupon_image_gift_title" if gift else "coupon_image_title"),
        reward_name=reward.name_th,
        reward_subtitle=reward.name_en,
        code=coupon.code,
        qr_content=coupon_qr_content(shop, coupon.code),
        valid_lines=tuple(
            t(lang, "coupon_valid_until", date=show_date(lang, coupon.expires_at, shop.tz))
            for lang in ("th", "en")
        ),
        hint=_both("coupon_image_hint"),
        points_text=_both("coupon_image_gift") if gift else points,
        palette=Palette.of(shop.color),
    )
