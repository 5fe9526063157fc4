"""A trust's benchmark report as files: the board-pack PDF and the XLSX workbook.

Both are made from the same ``TrustReport`` as the page, so the three never disagree. The PDF
is HTML printed by WeasyPrint, with the page's charts as images and every chart followed by its
table; the workbook has one sheet per table and a sheet saying what each column means.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reports.charts import chart_png, report_charts
from reports.selectors import DomainBenchmark, TrustReport

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUARTER_WORDS = {4: "Top quarter", 3: "Second quarter", 2: "Third quarter", 1: "Bottom quarter"}


def board_pack_pdf(report: TrustReport) -> bytes:
    """The report for a board meeting: A4, charts as images, each followed by its table."""
    from weasyprint import HTML

    images = {
        name: "data:image/png;base64," + base64.b64encode(chart_png(figure)).decode()
        for name, figure in report_charts(report).items()
    }
    html = render_to_string(
        "reports/board_pack.html",
        {"report": report, "images": images, "made_at": timezone.now()},
    )
    return HTML(string=html).write_pdf()


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # as the data dictionary states it: text, number, integer
    meaning: str


def _score(value) -> float | None:
    return None if value is None else float(value)


def _rows_domains(report: TrustReport) -> tuple[list[Column], list[list]]:
    columns = [
        Column("domain", "text", "Domain, or Overall"),
        Column("stage", "text", "The trust's stage"),
        Column("score", "number", "The trust's score, 0 to 100, one decimal place"),
        Column("previous_score", "number", "Its score in the previous cycle, if signed off"),
        Column("change", "number", "score − previous_score"),
    ]
    for peer in report.overall.peers:
        key = peer.group_type
        columns += [
            Column(f"{key}_median", "number", f"Median score of {peer.group_label}"),
            Column(
                f"{key}_percentile_rank",
                "number",
                f"Mid-rank percentile of the trust among {peer.group_label}",
            ),
            Column(f"{key}_quarter", "text", f"The trust's quarter of {peer.group_label}"),
        ]
    rows = []
    for domain in [*report.domains, report.overall]:
        row = [
            domain.name,
            domain.stage_name,
            _score(domain.row.score),
            _score(domain.row.previous_score),
            _score(domain.row.change),
        ]
        for peer in domain.peers:
            row += [
                peer.statistic.median if peer.comparable else None,
                peer.percentile,
                QUARTER_WORDS.get(peer.quartile),
            ]
        rows.append(row)
    return columns, rows


def _rows_distributions(report: TrustReport) -> tuple[list[Column], list[list]]:
    columns = [
        Column("domain", "text", "Domain, or Overall"),
        Column("peer_group", "text", "The peer group"),
        Column("trusts", "integer", "Trusts in the group (blank when too few to compare)"),
        Column("mean", "number", "Mean score of the group"),
        Column("p10", "number", "10th percentile (linear interpolation)"),
        Column("lower_quartile", "number", "25th percentile"),
        Column("median", "number", "50th percentile"),
        Column("upper_quartile", "number", "75th percentile"),
        Column("p90", "number", "90th percentile"),
        Column("your_score", "number", "The trust's score"),
    ]
    rows = []
    domain: DomainBenchmark
    for domain in [*report.domains, report.overall]:
        for peer in domain.peers:
            statistic = peer.statistic if peer.comparable else None
            rows.append(
                [
                    domain.name,
                    peer.group_label,
                    statistic.n if statistic else None,
                    *(
                        getattr(statistic, name) if statistic else None
                        for name in ("mean", "p10", "lower_quartile", "median", "upper_quartile")
                    ),
                    statistic.p90 if statistic else None,
                    _score(domain.row.score),
                ]
            )
    return columns, rows


def _rows_stages(report: TrustReport) -> tuple[list[Column], list[list]]:
    columns = [Column("peer_group", "text", "The peer group")] + [
        Column(stage.code, "integer", f"Trusts of the group at {stage.name} overall")
        for stage in report.stages
    ]
    rows = [
        [peer.group_label]
        + [
            peer.statistic.stage_counts.get(stage.code, 0) if peer.comparable else None
            for stage in report.stages
        ]
        for peer in report.overall.peers
    ]
    return columns, rows


def report_workbook(report: TrustReport) -> bytes:
    """One sheet per table of the report, and a data dictionary."""
    workbook = Workbook()
    about = workbook.active
    about.title = "About"
    assessment = report.assessment
    about.append(["Benchmark report", assessment.organisation.name])
    about.append(["ODS code", assessment.organisation.ods_code])
    about.append(["Cycle", report.run.cycle.name])
    about.append(["Compared on", report.run.finished_at.date()])
    about.append(["Trusts compared", report.run.assessment_count])
    about.append(
        [
            "Groups of fewer than",
            report.run.min_peers,
            "trusts show no statistics (blank cells): too few peers to compare",
        ]
    )
    about["A1"].font = Font(bold=True)
    dictionary: list[tuple[str, Column]] = []
    for title, (columns, rows) in [
        ("Domains", _rows_domains(report)),
        ("Distributions", _rows_distributions(report)),
        ("Stages", _rows_stages(report)),
    ]:
        sheet = workbook.create_sheet(title)
        sheet.append([column.name for column in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.name) + 2)
        sheet.freeze_panes = "A2"
        dictionary += [(title, column) for column in columns]
    steps = workbook.create_sheet("Next steps")
    steps.append(["domain", "next_steps"])
    for name, step in report.next_steps:
        steps.append([name, step])
    dictionary += [
        ("Next steps", Column("domain", "text", "One of the trust's lowest domains")),
        ("Next steps", Column("next_steps", "text", "What reaching its next stage takes")),
    ]
    sheet = workbook.create_sheet("Dictionary")
    sheet.append(["sheet", "column", "type", "meaning"])
    for title, column in dictionary:
        sheet.append([title, column.name, column.kind, column.meaning])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
