"""The report in a real headless Chromium: it renders, every built section shows charts with a size, the
page logs no error, and the only request it makes is for the file itself."""

from __future__ import annotations

from .conftest import Rendered
from .support import PageView
from .synthetic import TRICKY_TITLE


def assert_quiet_and_offline(page: PageView, rendered: Rendered) -> None:
    assert page.console_errors == []
    assert page.page_errors == []
    assert page.requests == [rendered.path.as_uri()]
    assert page.broken_anchors == []
    assert page.title.startswith("MovieLens insight report")


def test_full_report_renders_every_chart(synthetic_page: PageView, synthetic_report: Rendered) -> None:
    assert_quiet_and_offline(synthetic_page, synthetic_report)
    assert len(synthetic_page.sections) == 18
    for section in synthetic_page.sections:
        assert section["state"] == "built", section
        assert section["answer"].strip()
        assert section["svgs"], f"{section['id']} has no chart"
        for width, height in section["svgs"]:
            assert width > 50 and height > 20, section["id"]


def test_lineage_is_drawn(synthetic_page: PageView) -> None:
    nodes = synthetic_page.lineage_nodes
    assert sorted(n[0] for n in nodes) == ["RAW_EVENTS", "STG_EVENTS", "TOP_SPENDERS", "USER_TOTALS"]
    assert all(width > 40 and height > 10 for _, width, height in nodes)


def test_partial_report_shows_notices_without_errors(
    partial_page: PageView, partial_report: Rendered
) -> None:
    assert_quiet_and_offline(partial_page, partial_report)
    sections = {s["id"]: s for s in partial_page.sections}
    for anchor in ("q01-user-activity", "q11-seasonality"):
        assert sections[anchor]["state"] == "missing"
        assert (
            "Not built yet" in sections[anchor]["notice"]
            and "netflix-elt build" in sections[anchor]["notice"]
        )
        assert sections[anchor]["svgs"] == []
    assert sections["q15-model-timings"]["state"] == "problem"
    built = [s for s in sections.values() if s["state"] == "built"]
    assert len(built) == 14 and all(s["svgs"] for s in built)


def test_a_hostile_title_stays_text(synthetic_page: PageView) -> None:
    """A movie title holding a script element, quotes and an ampersand is shown as written and never
    becomes markup: no script element, nothing ran."""
    assert synthetic_page.scripts == 0
    assert synthetic_page.dialogs == []
    assert TRICKY_TITLE in synthetic_page.text
