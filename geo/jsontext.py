"""Compact JSON text with sorted keys, for the megabytes of geometry a build serializes (pages,
tile styles, its cache): orjson writes the text the json module would (UTF-8, no spaces),
about ten times faster, and reads it back faster too."""

from __future__ import annotations

import orjson


def compact(value) -> str:
    """``json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` (but
    for the order of keys that are not strings: orjson sorts them as the text they become)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode("utf-8")


def parse(text: str | bytes):
    """The value of a JSON text."""
    return orjson.loads(text)
