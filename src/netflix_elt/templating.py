"""HTML from jinja2 templates shipped with the package, always autoescaped.

Each package keeps its templates in its own ``templates/`` folder (package data):
``render("netflix_elt.movielens.report", "report.html", ...)`` reads ``netflix_elt/movielens/report/templates/report.html``.
Every ``{{ value }}`` is escaped for HTML (quotes too, so it is safe in attributes), stripped of the
control characters XML forbids (inline SVG is XML), and None prints as nothing. Markup that is already
safe (``markupsafe.Markup``, a macro's output) passes through unchanged.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: object) -> str:
    """``str(value)`` without the control characters XML forbids."""
    return _XML_FORBIDDEN.sub("", str(value))


def escape_text(value: object) -> Markup:
    """Text safe inside an HTML/XML element or a quoted attribute (what a template does to a value)."""
    return value if isinstance(value, Markup) else escape(xml_text(value))


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Markup):
        return xml_text(value)
    return value


@cache
def environment(package: str) -> jinja2.Environment:
    """The template environment of ``package`` (its ``templates/`` folder), built once."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(package: str, template: str, /, **context: Any) -> str:
    """Render ``template`` from ``package``'s templates with ``context``."""
    return environment(package).get_template(template).render(**context)
