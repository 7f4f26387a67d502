"""Text a layer may carry: any Unicode a reader can read, but no character that is not text.

Such characters come with text pasted from word processors and PDFs (control characters;
their line and paragraph separators are white space, and fine), with JSON escapes
(``\\ud800``, half of a UTF-16 pair, which no UTF-8 output can hold) or with a hostile edit
(bidi overrides, which make text read other than it is stored). They show as nothing or as
boxes, and break the outputs (HTML, XML, text shaping), so ``check`` refuses them with the
property's place in the file.
"""

from __future__ import annotations

import unicodedata

# explicit bidi embeddings, overrides and isolates (the implicit marks U+200E/U+200F are fine)
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ALLOWED_CONTROLS = frozenset("\n\r\t")
ADVICE = {"Cs": "it is half of a UTF-16 pair, not a character; remove the \\u escape",
          "Cc": "remove it", "bidi": "remove it; text reads in its own direction",
          "nonchar": "it is a Unicode noncharacter; remove it"}


def _noncharacter(char: str) -> bool:
    """U+FDD0..U+FDEF and the last two code points of every plane: never text (nor XML)."""
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def not_text(value: str) -> tuple[int, str, str] | None:
    """The first character of ``value`` that is not text: (index, "U+XXXX NAME", advice)."""
    for i, char in enumerate(value):
        category = unicodedata.category(char)
        if char in BIDI_CONTROLS:
            category = "bidi"
        elif _noncharacter(char):
            category = "nonchar"
        elif category not in ("Cc", "Cs") or char in ALLOWED_CONTROLS:
            continue
        name = unicodedata.name(char, {"Cc": "(a control character)", "Cs": "(an unpaired "
                                       "surrogate)", "nonchar": "(a noncharacter)"}.get(category, ""))
        return i, f"U+{ord(char):04X} {name}".rstrip(), ADVICE[category]
    return None


def strings(value, path: str = ""):
    """(property path, string) for every string inside a property value, keys included."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key, path)
            yield from strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from strings(item, f"{path}[{i}]")


def check_text(props: dict, report) -> None:
    """Report each property whose text holds a character that is not text."""
    for path, value in strings(props):
        found = not_text(value)
        if found:
            index, char, advice = found
            report(f"text holds {char} at character {index + 1}: {advice}", path or "properties")
