"""The Content-Security-Policy of a page: only the scripts the build wrote may run.

Each inline script is allowed by its SHA-256 hash and nothing is loaded from the network (but
the online basemaps a map offers), so a script that found its way into a page from a layer
would still not run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def content_security_policy(page: str, extra_scripts: tuple[str, ...] = (),
                            connect: str = "'none'", images: tuple[str, ...] = (),
                            frames: str | None = None) -> str:
    """A policy that lets the page run only the scripts the build wrote and load nothing from
    the network (but the online basemaps a map offers): each inline script is allowed by its
    hash, everything else by origin; ``frames`` (e.g. "'self'") lets it frame pages."""
    hashes = sorted({_script_hash(body) for body in _INLINE_SCRIPT.findall(page)}
                    | {_script_hash(body) for body in extra_scripts})
    scripts = " ".join(hashes) or "'none'"
    image_sources = " ".join(("'self'", "data:", *images))
    return (f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; "
            f"img-src {image_sources}; connect-src {connect}; "
            + (f"frame-src {frames}; " if frames else "") + "base-uri 'none'; "
            "form-action 'none'")


def with_policy(page: str, policy: str) -> str:
    """The page with its Content-Security-Policy meta element set (or replaced)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy)}">'
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?', "", page)
    return page.replace("<head>", "<head>\n" + meta, 1)


def _script_hash(body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"
