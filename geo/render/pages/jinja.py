"""The Jinja2 environment of every HTML template in geo/render/pages/templates: values are escaped
by the template (autoescape), never by hand, so layer text can only ever be text."""

from __future__ import annotations

import jinja2

ENV = jinja2.Environment(loader=jinja2.PackageLoader("geo.render.pages", "templates"),
                         autoescape=True, keep_trailing_newline=True,
                         undefined=jinja2.StrictUndefined)


def render(template: str, **values) -> str:
    return ENV.get_template(template).render(**values)
