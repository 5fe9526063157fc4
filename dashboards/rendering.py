"""The national table's rows as HTML, written in Python rather than the template language.

The table holds every trust in England (hundreds of rows, a dozen values each); the template
engine resolves each value through its lookup chain and took most of the page's time. The markup
is the same nhsuk-frontend sortable table the template would write. Every value is escaped
with the standard library's ``html.escape``, as Django's own ``escape`` does, without the lazy
string checks that ``format_html`` makes on each argument.
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from assessments.templatetags.portal import stage_colour
from dashboards.selectors import TrustRow

_PLACEHOLDER = "ODS-CODE"
_ROW = (
    '<tr class="nhsuk-table__row">'
    '<td class="nhsuk-table__cell" data-sort-value="{}"><a href="{}?cycle={}">{}</a> '
    '<span class="nhsuk-body-s">{}</span></td>'
    '<td class="nhsuk-table__cell">{}</td>'
    '<td class="nhsuk-table__cell">{}</td>'
    '<td class="nhsuk-table__cell">{}</td>'
    '<td class="nhsuk-table__cell" data-sort-value="{}">{}</td>'
    '<td class="nhsuk-table__cell" data-sort-value="{}">{}</td>'
    '<td class="nhsuk-table__cell">{}</td>'
    "</tr>"
)
_STAGE = '<strong class="nhsuk-tag {}">{}</strong>'
_REPORT = (
    '<a href="{}?cycle={}">Benchmark<span class="nhsuk-u-visually-hidden"> report of {}</span></a>'
)
_NO_VALUE = "–"


def _url_maker(name: str):
    """``reverse`` once, then each trust's URL by substitution: the same URL, a fraction of the
    cost of resolving it per row."""
    pattern = reverse(name, args=[_PLACEHOLDER])
    return lambda ods_code: pattern.replace(_PLACEHOLDER, ods_code)


def trust_table_rows(rows: list[TrustRow], *, cycle_id: int) -> SafeString:
    dashboard_url = _url_maker("trust-dashboard")
    report_url = _url_maker("trust-benchmark")

    def html(row: TrustRow) -> str:
        stage = (
            _STAGE.format(stage_colour(row.stage.code), escape(row.stage.name))
            if row.stage
            else _NO_VALUE
        )
        report = (
            _REPORT.format(escape(report_url(row.ods_code)), cycle_id, escape(row.name))
            if row.assessment_id
            else _NO_VALUE
        )
        values = (
            row.name,
            dashboard_url(row.ods_code),
            cycle_id,
            row.name,
            row.ods_code,
            row.region_name,
            row.icb_name,
            row.trust_type_label,
            row.progress_rank,
            row.status_label,
            row.stage.ordinal if row.stage else len(_NO_VALUE) + 8,
        )
        return _ROW.format(*(escape(str(value)) for value in values), stage, report)

    # Safe: every value went through escape(); the rest is the fixed markup above.
    return mark_safe("\n".join(html(row) for row in rows))  # noqa: S308
