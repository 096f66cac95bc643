"""LINE's rules for rich menus and their images, checked the way the platform checks them.

Each check returns problems `(property, message)` (empty: accepted), like `rules.py`.
"""

from __future__ import annotations

import io
import re
from typing import Any

from PIL import Image, UnidentifiedImageError

from bot.demo.fakeline import rules

MAX_MENUS = 1000
MAX_ALIASES = 1000
MAX_AREAS = 20
MAX_CHAT_BAR = 14
MAX_NAME = 300
MAX_IMAGE_BYTES = 1024 * 1024
MIN_WIDTH, MAX_WIDTH, MIN_HEIGHT, MIN_RATIO = 800, 2500, 250, 1.45
MAX_ACTION_LABEL = 20
ALIAS_ID = re.compile(r"^[a-z0-9_-]{1,32}$")
IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}


def check_size(size: Any) -> rules.Problems:
    if not isinstance(size, dict):
        return [("size", "must be an object with width and height")]
    width, height = size.get("width"), size.get("height")
    if not isinstance(width, int) or not MIN_WIDTH <= width <= MAX_WIDTH:
        return [("size.width", f"must be between {MIN_WIDTH} and {MAX_WIDTH}")]
    if not isinstance(height, int) or height < MIN_HEIGHT:
        return [("size.height", f"must be at least {MIN_HEIGHT}")]
    if width / height < MIN_RATIO:
        return [("size", f"width/height must be at least {MIN_RATIO}")]
    return []


def check_bounds(bounds: Any, size: tuple[int, int], where: str) -> rules.Problems:
    if not isinstance(bounds, dict):
        return [(where, "must be an object")]
    values = [bounds.get(k) for k in ("x", "y", "width", "height")]
    numbers = [v for v in values if isinstance(v, int)]
    if len(numbers) != 4:
        return [(where, "x, y, width and height must be integers")]
    x, y, width, height = numbers
    if x < 0 or y < 0 or width < 1 or height < 1:
        return [(where, "x and y must be 0 or more, width and height 1 or more")]
    if x + width > size[0] or y + height > size[1]:
        return [(where, "the area must be inside the rich menu image")]
    return []


def check_area_action(action: Any, where: str) -> rules.Problems:
    problems = rules.check_action(action, where, MAX_ACTION_LABEL)
    if isinstance(action, dict) and action.get("type") == "richmenuswitch":
        alias = action.get("richMenuAliasId")
        if not isinstance(alias, str) or not ALIAS_ID.match(alias):
            problems.append((f"{where}.richMenuAliasId", "must match ^[a-z0-9_-]{1,32}$"))
        data = action.get("data")
        if not isinstance(data, str) or not 0 < len(data) <= rules.MAX_POSTBACK_DATA:
            problems.append((f"{where}.data", "Length must be between 1 and 300"))
    return problems


def check_menu(body: Any) -> rules.Problems:
    """Every way `body` breaks LINE's rules for a rich menu object."""
    if not isinstance(body, dict):
        return [("", "must be a rich menu object")]
    problems = check_size(body.get("size"))
    if not isinstance(body.get("selected"), bool):
        problems.append(("selected", "must be true or false"))
    name = body.get("name")
    if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME:
        problems.append(("name", f"Length must be between 1 and {MAX_NAME}"))
    bar = body.get("chatBarText")
    if not isinstance(bar, str) or not 0 < len(bar) <= MAX_CHAT_BAR:
        problems.append(("chatBarText", f"Length must be between 1 and {MAX_CHAT_BAR}"))
    areas = body.get("areas")
    if not isinstance(areas, list) or len(areas) > MAX_AREAS:
        return problems + [("areas", f"must be an array of at most {MAX_AREAS} areas")]
    if problems:
        return problems
    size = (body["size"]["width"], body["size"]["height"])
    for i, area in enumerate(areas):
        area = area if isinstance(area, dict) else {}
        problems += check_bounds(area.get("bounds"), size, f"areas[{i}].bounds")
        problems += check_area_action(area.get("action"), f"areas[{i}].action")
    return problems


def check_image(data: bytes, content_type: str, size: tuple[int, int]) -> str | None:
    """Why LINE would refuse `data` as the image of a menu of `size`; None if it is fine."""
    expected = IMAGE_TYPES.get(content_type.split(";")[0].strip().lower())
    if expected is None:
        return "Content-Type must be image/png or image/jpeg"
    if len(data) > MAX_IMAGE_BYTES:
        return f"image is {len(data)} bytes, over {MAX_IMAGE_BYTES}"
    try:
        with Image.open(io.BytesIO(data)) as image:
            found, dimensions = image.format, image.size
    except (UnidentifiedImageError, OSError):
        return "not an image"
    if found != expected:
        return f"the image is {found}, not {expected} as Content-Type says"
    if dimensions != size:
        return f"image is {dimensions[0]}x{dimensions[1]}, the rich menu is {size[0]}x{size[1]}"
    return None
