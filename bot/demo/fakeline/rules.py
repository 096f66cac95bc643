"""LINE's documented limits on messages, checked the way the platform checks them.

Each check returns a list of problems `(property, message)`; empty means accepted.
The line-bot-sdk checks only a few of these, so the fake must check the rest.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

Problems = list[tuple[str, str]]

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_ALT_TEXT = 400
MAX_QUICK_REPLY_ITEMS = 13
MAX_QUICK_REPLY_LABEL = 20
MAX_FLEX_LABEL = 40
MAX_TEMPLATE_LABEL = 20
MAX_POSTBACK_DATA = 300
MAX_BUBBLE_BYTES = 30 * 1024
MAX_CAROUSEL_BYTES = 50 * 1024
MAX_CAROUSEL_BUBBLES = 12
MAX_URL = 2000
MAX_MULTICAST = 500
USER_ID = re.compile(r"^U[0-9a-f]{32}$")


def check_messages(messages: Any) -> Problems:
    if not isinstance(messages, list) or not messages:
        return [("messages", "must be a non-empty array")]
    if len(messages) > MAX_MESSAGES:
        return [("messages", f"Size must be between 1 and {MAX_MESSAGES}")]
    problems: Problems = []
    for i, message in enumerate(messages):
        problems += check_message(message, f"messages[{i}]")
    return problems


def check_message(message: Any, where: str) -> Problems:
    if not isinstance(message, dict):
        return [(where, "must be an object")]
    kind = message.get("type")
    problems: Problems = []
    if kind == "text":
        body = message.get("text")
        if not isinstance(body, str) or not body:
            problems.append((f"{where}.text", "must be a non-empty string"))
        elif len(body) > MAX_TEXT:
            problems.append((f"{where}.text", f"Length must be between 1 and {MAX_TEXT}"))
    elif kind == "image":
        problems += check_image_url(
            message.get("originalContentUrl"), f"{where}.originalContentUrl"
        )
        problems += check_image_url(message.get("previewImageUrl"), f"{where}.previewImageUrl")
    elif kind == "flex":
        problems += check_alt_text(message.get("altText"), f"{where}.altText")
        problems += check_flex(message.get("contents"), f"{where}.contents")
    elif kind == "template":
        problems += check_alt_text(message.get("altText"), f"{where}.altText")
        problems += check_actions_in(
            message.get("template"), f"{where}.template", MAX_TEMPLATE_LABEL
        )
    elif kind not in ("sticker", "video", "audio", "location", "imagemap"):
        problems.append((f"{where}.type", f"unknown message type {kind!r}"))
    if "quickReply" in message:
        problems += check_quick_reply(message["quickReply"], f"{where}.quickReply")
    return problems


def check_alt_text(alt: Any, where: str) -> Problems:
    if not isinstance(alt, str) or not alt:
        return [(where, "must be a non-empty string")]
    if len(alt) > MAX_ALT_TEXT:
        return [(where, f"Length must be between 1 and {MAX_ALT_TEXT}")]
    return []


def check_image_url(url: Any, where: str) -> Problems:
    if not isinstance(url, str) or not url.startswith("https://"):
        return [(where, "must be an HTTPS URL")]
    if len(url) > MAX_URL:
        return [(where, f"Length must be at most {MAX_URL}")]
    return []


def check_quick_reply(quick: Any, where: str) -> Problems:
    items = quick.get("items") if isinstance(quick, dict) else None
    if not isinstance(items, list) or not items:
        return [(f"{where}.items", "must be a non-empty array")]
    if len(items) > MAX_QUICK_REPLY_ITEMS:
        return [(f"{where}.items", f"Size must be between 1 and {MAX_QUICK_REPLY_ITEMS}")]
    problems: Problems = []
    for i, item in enumerate(items):
        action = item.get("action") if isinstance(item, dict) else None
        problems += check_action(action, f"{where}.items[{i}].action", MAX_QUICK_REPLY_LABEL)
    return problems


def check_action(action: Any, where: str, max_label: int) -> Problems:
    if not isinstance(action, dict):
        return [(where, "must be an object")]
    problems: Problems = []
    label = action.get("label")
    if label is not None and (not isinstance(label, str) or len(label) > max_label):
        problems.append((f"{where}.label", f"Length must be between 0 and {max_label}"))
    kind = action.get("type")
    if kind == "postback":
        data = action.get("data")
        if not isinstance(data, str) or not 0 < len(data) <= MAX_POSTBACK_DATA:
            problems.append((f"{where}.data", f"Length must be between 1 and {MAX_POSTBACK_DATA}"))
    elif kind == "message":
        body = action.get("text")
        if not isinstance(body, str) or not 0 < len(body) <= 300:
            problems.append((f"{where}.text", "Length must be between 1 and 300"))
    elif kind == "uri":
        uri = action.get("uri")
        if not isinstance(uri, str) or not re.match(r"^(https?|line|tel):", uri):
            problems.append((f"{where}.uri", "must be an http, https, line or tel URI"))
    elif kind not in (
        "datetimepicker",
        "camera",
        "cameraRoll",
        "location",
        "richmenuswitch",
        "clipboard",
    ):
        problems.append((f"{where}.type", f"unknown action type {kind!r}"))
    return problems


def check_actions_in(node: Any, where: str, max_label: int) -> Problems:
    """Every `action` (or `actions` item) anywhere below `node`."""
    problems: Problems = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "action" and isinstance(value, dict):
                problems += check_action(value, f"{where}.action", max_label)
            elif key == "actions" and isinstance(value, list):
                for i, action in enumerate(value):
                    problems += check_action(action, f"{where}.actions[{i}]", max_label)
            else:
                problems += check_actions_in(value, f"{where}.{key}", max_label)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            problems += check_actions_in(value, f"{where}[{i}]", max_label)
    return problems


def check_flex_images(node: Any, where: str) -> Problems:
    problems: Problems = []
    if isinstance(node, dict):
        if node.get("type") == "image":
            problems += check_image_url(node.get("url"), f"{where}.url")
        for key, value in node.items():
            if key != "action":
                problems += check_flex_images(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            problems += check_flex_images(value, f"{where}[{i}]")
    return problems


def check_flex(contents: Any, where: str) -> Problems:
    if not isinstance(contents, dict):
        return [(where, "must be an object")]
    size = len(json.dumps(contents, ensure_ascii=False, separators=(",", ":")).encode())
    kind = contents.get("type")
    if kind == "bubble" and size > MAX_BUBBLE_BYTES:
        return [(where, f"bubble is {size} bytes, over {MAX_BUBBLE_BYTES}")]
    if kind == "carousel":
        bubbles = contents.get("contents")
        if not isinstance(bubbles, list) or not 0 < len(bubbles) <= MAX_CAROUSEL_BUBBLES:
            return [(f"{where}.contents", f"Size must be between 1 and {MAX_CAROUSEL_BUBBLES}")]
        if size > MAX_CAROUSEL_BYTES:
            return [(where, f"carousel is {size} bytes, over {MAX_CAROUSEL_BYTES}")]
    elif kind != "bubble":
        return [(f"{where}.type", "must be bubble or carousel")]
    return check_actions_in(contents, where, MAX_FLEX_LABEL) + check_flex_images(contents, where)


def check_retry_key(key: str | None) -> Problems:
    if key is None:
        return []
    try:
        uuid.UUID(key)
    except ValueError:
        return [("X-Line-Retry-Key", "must be a UUID")]
    return []


def check_recipients(to: Any) -> Problems:
    if not isinstance(to, list) or not to:
        return [("to", "must be a non-empty array")]
    if len(to) > MAX_MULTICAST:
        return [("to", f"Size must be between 1 and {MAX_MULTICAST}")]
    return []
