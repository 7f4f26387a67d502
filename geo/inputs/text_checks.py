"""Text a layer may carry: any Unicode a reader can read, but no character that is not text.

Such characters come with text pasted from word processors and PDFs (control characters;
their line and paragraph separators are white space, and fine), with JSON escapes
(``\\ud800``, half of a UTF-16 pair, which no UTF-8 output can hold) or with a hostile edit
(bidi overrides, which make text read other than it is stored). They show as nothing or as
boxes, and break the outputs (HTML, XML, text shaping), so ``check`` refuses them with the
property's place in the file. Reader-facing text also never names a source text by its file
number (``check_reader_text``).
"""

from __future__ import annotations

import re
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


def check_reader_text(project, props: dict, report) -> None:
    """Report reader-facing text that names a source text by its file number ("(002, line
    292)", "000 says"): readers know the works by their titles in the bibliography, and a line
    reference belongs in "sources" (a warning where only a line is cited)."""
    for prop, text in reader_texts(props):
        number = _source_number(project, text)
        if number:
            report(f"names the source text {number!r} by its file number; readers know the "
                   "works by their titles in the bibliography (say \"the encyclopedia "
                   "article\", \"one passage of the Russian compilation\"), and line "
                   "references belong in \"sources\"", prop)
        elif LINE_REFERENCE.search(text):
            report("cites a line of a source text in reader-facing text; readers see the "
                   "work's title, and line references belong in \"sources\"", prop, "warning")


LINE_REFERENCE = re.compile(r"\(lines? \d+[^()]*\)")

# A name's bracketed word that says how far to trust its mark ("Bogomolnaya (approximate)")
QUALIFIER = re.compile(r"\([^()]*\b(approximate|approximately|schematic|uncertain)\b[^()]*\)", re.I)


def check_qualified_names(props: dict, report) -> None:
    """Report a translated name that drops what its English name says of its mark's precision
    ("Bogomolnaya (approximate)" was plain "Богомольная" in Russian: the Russian reader took
    the point for a surveyed one). The translation keeps a bracketed note, in any script."""
    for key, translated in (("name", "names"), ("label_name", "label_names")):
        english = props.get(key)
        if not isinstance(english, str) or not QUALIFIER.search(english):
            continue
        for lang, text in (props.get(translated) or {}).items():
            if isinstance(text, str) and not re.search(r"[(（].+[)）]", text):
                report(f"{text!r} drops the note on precision of {key} {english!r}: say it in "
                       "this language too, in brackets", f"{translated}.{lang}")


READER_TEXTS = ("title", "name", "label_name", "short_name", "place", "location_note", "summary",
                "description", "forces")


def reader_texts(props: dict):
    """(property, text) of every text a reader sees: titles, names, notes, summaries, forces,
    the notes and sides of casualty figures."""
    for key in READER_TEXTS:
        if isinstance(props.get(key), str):
            yield key, props[key]
    for key in ("names", "label_names", "short_names"):
        if isinstance(props.get(key), dict):
            for lang, text in props[key].items():
                if isinstance(text, str):
                    yield f"{key}.{lang}", text
    if isinstance(props.get("casualties"), list):
        for i, c in enumerate(props["casualties"]):
            if isinstance(c, dict):
                for key in ("side", "note"):
                    if isinstance(c.get(key), str):
                        yield f"casualties[{i}].{key}", c[key]


def _source_number(project, text: str) -> str | None:
    """The file number ("002") or file name of a source text of the bibliography that the text
    names, or None. A number inside a figure ("1,000", "2.002") is not a file number."""
    for ref in project.bibliography.values():
        if not ref.file:
            continue
        number = ref.file.split("_")[0]
        if ref.file in text or (number != ref.file and re.search(
                rf"(?<![\w,.]){re.escape(number)}(?![\w]|[,.]\d)", text)):
            return number
    return None
