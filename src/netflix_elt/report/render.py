"""The HTML page: inline CSS, a table of contents, the grouped sections, the pipeline appendix and a
footer with the data's provenance. No script, no external resource: the file opens offline."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from netflix_elt.report import format as fmt
from netflix_elt.report.sections.base import GROUPS, Content, Section, TableBlock
from netflix_elt.report.svg import esc

BUILD_HINT = "run <code>netflix-elt build</code>"
STYLE = """
:root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--accent:#2563eb;--bg:#f8fafc;--warn:#92400e;--warnbg:#fffbeb}
*{box-sizing:border-box}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg)}
header,main,footer,nav{max-width:1120px;margin:0 auto;padding:0 20px}
header{padding-top:28px}
h1{font-size:28px;margin:0 0 6px}
h2{font-size:21px;margin:34px 0 12px;border-bottom:2px solid var(--line);padding-bottom:6px}
h3{font-size:18px;margin:0 0 4px}
h4{font-size:13px;margin:14px 0 4px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
a{color:var(--accent)}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef2ff;padding:1px 4px;border-radius:4px}
.lede{color:var(--muted);margin:0 0 8px}
.summary{display:inline-block;padding:4px 10px;border-radius:999px;background:#e0f2fe;font-size:14px}
.summary.incomplete{background:var(--warnbg);color:var(--warn)}
nav.toc{margin-top:18px}
.toc-groups{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:4px 24px}
.toc-groups h3{font-size:14px;margin:10px 0 2px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.toc-groups ol{margin:0;padding-left:0;list-style:none}
.toc-groups li{margin:2px 0}
.badge{font-size:11px;padding:0 6px;border-radius:999px;background:var(--warnbg);color:var(--warn);margin-left:4px}
section.question,section.appendix{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:14px 0}
.qnum{color:var(--accent);margin-right:8px}
.question-text{color:var(--muted);margin:0 0 10px;font-style:italic}
.answer p{margin:6px 0;font-size:16px}
.charts{display:flex;flex-wrap:wrap;gap:14px;margin:12px 0}
.charts figure{margin:0;max-width:100%;overflow-x:auto}
svg.chart{max-width:100%;height:auto;display:block}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:8px;background:#fff}
.scroll svg.chart{max-width:none}
.tables{display:flex;flex-wrap:wrap;gap:18px}
.table-scroll{max-width:100%;overflow-x:auto}
table.data{border-collapse:collapse;font-size:13px;margin:8px 0}
table.data caption{text-align:left;font-weight:600;padding:4px 0;color:var(--muted)}
table.data th,table.data td{padding:4px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
table.data th{background:#f1f5f9}
table.data td.num,table.data th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.data tbody tr:nth-child(even){background:#fafafa}
ul.method{margin:0;padding-left:18px;font-size:13px;color:#374151}
.source{font-size:12px;color:var(--muted);margin:10px 0 0}
.notice{border-left:4px solid #f59e0b;background:var(--warnbg);color:var(--warn);padding:10px 14px;border-radius:6px;margin:8px 0}
footer{padding-bottom:40px;font-size:13px;color:#374151}
footer dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px}
footer dt{font-weight:600}
footer dd{margin:0}
ul.counts{columns:3 260px;list-style:none;padding:0;margin:0}
ul.counts li{display:flex;justify-content:space-between;gap:10px;border-bottom:1px dotted var(--line);padding:1px 0;break-inside:avoid}
@media print{body{background:#fff}section.question{break-inside:avoid}nav.toc{display:none}}
"""


@dataclass
class Provenance:
    """Where the numbers come from: the run, the engine, the time and the table sizes."""

    generated_at: datetime
    profile: str
    engine: str
    database: str
    schema: str
    state_dir: str
    version: str
    last_run: dict[str, Any] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)


def page(
    sections: list[Section],
    leftovers: list[dict[str, Any]],
    lineage: Content,
    last_run: Content,
    provenance: Provenance,
) -> str:
    """The whole report as one HTML document."""
    built = sum(1 for s in sections if s.built or s.empty)
    klass = "summary" if built == len(sections) else "summary incomplete"
    body = [
        "<header><h1>MovieLens insight report</h1>",
        f'<p class="lede">{len(sections)} business questions answered from the {esc(provenance.database)}.'
        f"{esc(provenance.schema)} tables; generated {esc(fmt.timestamp(provenance.generated_at))} "
        f"(profile {esc(provenance.profile)}, {esc(provenance.engine)} engine).</p>",
        f'<p class="{klass}" id="summary">{built} of {len(sections)} sections built'
        + ("" if built == len(sections) else f" — the others are not built yet: {BUILD_HINT}")
        + "</p></header>",
        _toc(sections, bool(leftovers)),
        "<main>",
    ]
    for group in GROUPS:
        members = [s for s in sections if s.spec.group == group]
        if members:
            body.append(f'<h2 id="group-{_slug(group)}">{esc(group)}</h2>')
            body.extend(_section(s, provenance.schema) for s in members)
    body.append('<h2 id="pipeline">Pipeline</h2>')
    body.append(_appendix("lineage", "Model lineage", lineage, wide=True))
    body.append(_appendix("last-run", "Last run", last_run))
    if leftovers:
        body.append(_appendix("parameters", "Other analysis parameters", Content([]), _method(leftovers)))
    body.append("</main>")
    body.append(_footer(provenance))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>MovieLens insight report — {esc(fmt.day(provenance.generated_at))}</title>"
        f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n"
    )


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _toc(sections: list[Section], with_parameters: bool) -> str:
    parts = ['<nav class="toc" aria-label="Contents"><h2>Contents</h2><div class="toc-groups">']
    for group in GROUPS:
        items = []
        for s in (s for s in sections if s.spec.group == group):
            badge = "" if s.built else '<span class="badge">not built</span>'
            items.append(
                f'<li><a href="#{s.spec.anchor}">Q{s.spec.number} {esc(s.spec.title)}</a>{badge}</li>'
            )
        if items:
            parts.append(f"<div><h3>{esc(group)}</h3><ol>{''.join(items)}</ol></div>")
    extra = '<li><a href="#parameters">Other parameters</a></li>' if with_parameters else ""
    parts.append(
        '<div><h3>Pipeline</h3><ol><li><a href="#lineage">Model lineage</a></li>'
        f'<li><a href="#last-run">Last run</a></li>{extra}</ol></div>'
    )
    parts.append("</div></nav>")
    return "".join(parts)


def _section(section: Section, schema: str) -> str:
    spec = section.spec
    state = (
        "built"
        if section.built
        else "missing"
        if section.missing
        else "empty"
        if section.empty
        else "problem"
    )
    parts = [
        f'<section class="question" id="{spec.anchor}" data-question="{spec.number}" data-state="{state}">',
        f'<h3><span class="qnum">Q{spec.number}</span>{esc(spec.title)}</h3>',
        f'<p class="question-text">{esc(spec.question)}</p>',
    ]
    if section.missing:
        tables = ", ".join(f"{schema}.{t}" for t in section.missing)
        parts.append(
            f'<div class="notice" role="note"><strong>Not built yet</strong> — {BUILD_HINT}. '
            f"Missing: {esc(tables)}.</div>"
        )
    elif section.empty:
        parts.append(
            f'<div class="notice" role="note"><strong>No answer in this data</strong>: {esc(section.empty)} '
            "is built and has no rows; on a small data set the thresholds under Method may be out of "
            "reach.</div>"
        )
    elif section.problem:
        parts.append(
            f'<div class="notice" role="note"><strong>Not available</strong>: {esc(section.problem)} — '
            f"{BUILD_HINT} after fixing the analysis.</div>"
        )
    elif section.content is not None:
        parts.append(_content(section.content))
    if section.method:
        parts.append("<h4>Method</h4>" + _method(section.method))
    counts = ", ".join(
        f"{schema}.{t} ({fmt.plural(section.row_counts[t], 'row')})"
        for t in spec.tables
        if t in section.row_counts
    )
    if counts:
        parts.append(f'<p class="source">Source: {esc(counts)}</p>')
    parts.append("</section>")
    return "".join(parts)


def _content(content: Content, wide: bool = False) -> str:
    parts = []
    if content.answer:
        parts.append('<div class="answer">' + "".join(f"<p>{esc(s)}</p>" for s in content.answer) + "</div>")
    if content.charts:
        box = '<div class="scroll">{}</div>' if wide else "<figure>{}</figure>"
        parts.append('<div class="charts">' + "".join(box.format(svg) for svg in content.charts) + "</div>")
    if content.tables:
        parts.append('<div class="tables">' + "".join(_table(t) for t in content.tables if t.rows) + "</div>")
    return "".join(parts)


def _table(block: TableBlock) -> str:
    def cells(values: Iterable[str], tag: str) -> str:
        return "".join(
            f"<{tag}{' class=num' if numeric else ''}>{esc(v)}</{tag}>"
            for v, numeric in zip(values, block.numeric, strict=True)
        )

    caption = f"<caption>{esc(block.caption)}</caption>" if block.caption else ""
    rows = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in block.rows)
    head = cells(block.headers, "th")
    return (
        f'<div class="table-scroll"><table class="data">{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _method(rows: list[dict[str, Any]]) -> str:
    items = []
    for r in rows:
        description = f" — {esc(r['DESCRIPTION'])}" if r.get("DESCRIPTION") else ""
        items.append(
            f"<li><code>{esc(r.get('ANALYSIS'))}</code> {esc(r.get('PARAMETER'))} = "
            f"<strong>{esc(fmt.cell(r.get('VALUE')))}</strong>{description}</li>"
        )
    return f'<ul class="method">{"".join(items)}</ul>'


def _appendix(anchor: str, title: str, content: Content, extra: str = "", wide: bool = False) -> str:
    return f'<section class="appendix" id="{anchor}"><h3>{esc(title)}</h3>{_content(content, wide)}{extra}</section>'


def _footer(p: Provenance) -> str:
    run = p.last_run
    if run:
        state = "succeeded" if run.get("success") else "had failures"
        run_text = (
            f"{esc(run.get('run_id'))} ({esc(run.get('command'))}, {state}), "
            f"{esc(fmt.timestamp(run.get('started_at')))} to {esc(fmt.timestamp(run.get('ended_at')))}"
        )
    else:
        run_text = "no run recorded in this state directory"
    counts = "".join(
        f"<li><span>{esc(p.schema)}.{esc(t)}</span> <span class=num>{fmt.integer(n)}</span></li>"
        for t, n in sorted(p.row_counts.items())
    )
    table = (
        f'<h4>Rows per {esc(p.schema)} table</h4><ul class="counts">{counts}</ul>'
        if counts
        else f"<p>No {esc(p.schema)} table is built yet.</p>"
    )
    return (
        '<footer id="provenance"><h2>Data provenance</h2><dl>'
        f"<dt>Generated</dt><dd>{esc(fmt.timestamp(p.generated_at))} by netflix-elt {esc(p.version)}</dd>"
        f"<dt>Run</dt><dd>{run_text}</dd>"
        f"<dt>Profile</dt><dd>{esc(p.profile)} (engine {esc(p.engine)}, database {esc(p.database)})</dd>"
        f"<dt>State directory</dt><dd><code>{esc(p.state_dir)}</code></dd>"
        "<dt>Times</dt><dd>all dates and times are UTC</dd>"
        f"</dl>{table}</footer>"
    )
