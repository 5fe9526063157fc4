"""The dashboards' charts: plotly figures as plain data, each with its table of the same numbers.

A chart is built from its table: the table's cells carry the values (``Cell.value``) and the
figure plots exactly those, so the two cannot disagree. Figures are plain dictionaries that
plotly.js draws on the page (``static/js/charts.js``); building ``plotly.graph_objects`` would
validate every property on each page load for nothing. Colours come from colour-blind-safe
palettes and never carry meaning alone: bars are labelled with their counts, heat-map cells
with their medians, lines with distinct markers, and the table follows every chart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from dashboards.selectors import NationalDashboard, TrustDashboard
from frameworks.scoring.explain import and_list

FONT = {"family": "Frutiger W01, Arial, sans-serif", "size": 14, "color": "#212b32"}
GRID = "#d8dde0"
# Okabe and Ito's palette, distinguishable with every common colour-vision deficiency.
LINE_COLOURS = (
    "#000000",
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#7a6a00",
)
LINE_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")
LINE_DASHES = ("solid", "dot", "dash", "longdash", "dashdot", "solid", "dot", "dash")
# Stages are ordered, so they get an ordered (viridis) ramp: lightness alone tells them apart.
STAGE_COLOURS = ("#fde725", "#35b779", "#31688e", "#440154")
STAGE_TEXT = ("#212b32", "#212b32", "#ffffff", "#ffffff")
STATUS_COLOURS = ("#d8dde0", "#7fb3e0", "#005eb8", "#003087")
STATUS_TEXT = ("#212b32", "#212b32", "#ffffff", "#ffffff")
YOU = {"symbol": "star", "size": 16, "color": "#005eb8", "line": {"width": 1, "color": "#212b32"}}


@dataclass(frozen=True)
class Cell:
    text: str
    value: float | None = None  # the number the chart plots from this cell, if any
    numeric: bool = True
    label: str = ""  # what the chart writes on the bar, where it is not the value itself


@dataclass(frozen=True)
class Row:
    header: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    row_heading: str
    headings: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Chart:
    name: str  # unique on its page: the element ids derive from it
    title: str
    summary: str  # one line in words: what the chart shows at a glance
    table: Table
    figure: dict = field(repr=False)


def _number(value) -> float | None:
    return None if value is None else float(value)


def _score_cell(value) -> Cell:
    number = _number(value)
    return Cell("–" if number is None else f"{number:.1f}", number)


def _count_cell(count: int) -> Cell:
    return Cell(str(count), count)


def _share_cell(count: int, total: int) -> Cell:
    """A share of a row's trusts, to one decimal place, with the count it comes from."""
    share = round(100 * count / total, 1) if total else 0.0
    return Cell(f"{count} ({share:.1f}%)", share, label=str(count) if count else "")


def _text_cell(text: str) -> Cell:
    return Cell(text, None, numeric=False)


def _layout(*, height: int, left: int = 220, **extra) -> dict:
    return {
        "font": FONT,
        "height": height,
        "margin": {"l": left, "r": 20, "t": 50, "b": 60},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "legend": {
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "xanchor": "left",
            "yanchor": "bottom",
            "traceorder": "normal",
        },
        **extra,
    }


def _score_axis(title: str = "Score (0 to 100)") -> dict:
    return {"range": [0, 100], "title": {"text": title}, "gridcolor": GRID, "zeroline": False}


def _column(table: Table, index: int) -> list[float | None]:
    return [row.cells[index].value for row in table.rows]


def _stacked_bars(table: Table, colours, text_colours, *, axis_title: str, axis_range=None) -> dict:
    """One horizontal stacked bar per row, one segment per column, each labelled by its count."""
    labels = [row.header for row in table.rows]
    data = []
    for index, heading in enumerate(table.headings):
        cells = [row.cells[index] for row in table.rows]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": heading,
                "y": labels,
                "x": [cell.value for cell in cells],
                "text": [
                    cell.label or (str(int(cell.value)) if cell.value else "") for cell in cells
                ],
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textfont": {"color": text_colours[index % len(text_colours)]},
                "marker": {
                    "color": colours[index % len(colours)],
                    "line": {"color": "#212b32", "width": 1},
                },
                "hovertemplate": f"%{{y}}: %{{x}} {heading.lower()}<extra></extra>",
            }
        )
    return {
        "data": data,
        "layout": _layout(
            height=140 + 40 * len(labels),
            barmode="stack",
            xaxis={"title": {"text": axis_title}, "gridcolor": GRID, "range": axis_range},
            yaxis={"autorange": "reversed", "automargin": True},
        ),
    }


def _heat_map(table: Table, *, colour_title: str) -> dict:
    """Rows × columns of values from 0 to 100, each cell labelled with its table text."""
    return {
        "data": [
            {
                "type": "heatmap",
                "x": list(table.headings),
                "y": [row.header for row in table.rows],
                "z": [[cell.value for cell in row.cells] for row in table.rows],
                "text": [[cell.text for cell in row.cells] for row in table.rows],
                "texttemplate": "%{text}",
                "zmin": 0,
                "zmax": 100,
                "colorscale": "Cividis",
                "colorbar": {"title": {"text": colour_title}},
                "hovertemplate": "%{y}, %{x}: %{text}<extra></extra>",
                "xgap": 2,
                "ygap": 2,
            }
        ],
        "layout": _layout(
            height=160 + 36 * len(table.rows),
            xaxis={"side": "top", "tickangle": -30, "automargin": True},
            yaxis={"autorange": "reversed", "automargin": True},
        ),
    }


# --- a trust's dashboard -------------------------------------------------------------------------


def peer_chart(dashboard: TrustDashboard) -> Chart:
    group = dashboard.peer_group.label
    rows = [*dashboard.domains, dashboard.overall]
    table = Table(
        caption=f"Scores of {dashboard.organisation.name}, {dashboard.assessment.cycle.name}, "
        f"beside the median of {group}",
        row_heading="Domain",
        headings=("Your score", f"Median of {group}"),
        rows=tuple(
            Row(
                row.name,
                (
                    _score_cell(row.score),
                    _score_cell(row.peer.median)
                    if row.comparable
                    else Cell("Too few peers to compare", None),
                ),
            )
            for row in rows
        ),
    )
    names = [row.header for row in table.rows]
    above = sum(
        1
        for row in dashboard.domains
        if row.comparable and row.score is not None and float(row.score) > row.peer.median
    )
    compared = sum(1 for row in dashboard.domains if row.comparable and row.score is not None)
    summary = (
        f"{above} of {compared} domains score above the median of {group}."
        if compared
        else f"No figures for {group} yet: too few of them have been compared."
    )
    figure = {
        "data": [
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"Median of {group}",
                "y": names,
                "x": _column(table, 1),
                "marker": {
                    "symbol": "line-ns-open",
                    "size": 22,
                    "color": "#425563",
                    "line": {"width": 3},
                },
            },
            {
                "type": "scatter",
                "mode": "markers",
                "name": "Your score",
                "y": names,
                "x": _column(table, 0),
                "marker": YOU,
            },
        ],
        "layout": _layout(
            height=140 + 40 * len(names),
            xaxis=_score_axis(),
            yaxis={"autorange": "reversed", "automargin": True},
        ),
    }
    return Chart("peers", "Your scores against your peers' medians", summary, table, figure)


def trend_chart(dashboard: TrustDashboard) -> Chart:
    cycles = dashboard.trend_cycles
    table = Table(
        caption=f"Scores of {dashboard.organisation.name} in each year",
        row_heading="Domain",
        headings=cycles,
        rows=tuple(
            Row(line.name, tuple(_score_cell(score) for score in line.scores))
            for line in dashboard.trend
        ),
    )
    overall = dashboard.trend[0].scores
    known = [score for score in overall if score is not None]
    if len(known) >= 2:
        change = known[-1] - known[0]
        direction = "rose" if change > 0 else "fell" if change < 0 else "did not change"
        summary = (
            f"The overall score {direction} from {known[0]:.1f} to {known[-1]:.1f} "
            f"over {len(cycles)} years."
        )
    else:
        summary = "One year so far: the trend starts with next year's self-assessment."
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": row.header,
            "x": list(cycles),
            "y": [cell.value for cell in row.cells],
            "line": {
                "color": LINE_COLOURS[index % len(LINE_COLOURS)],
                "dash": LINE_DASHES[index % len(LINE_DASHES)],
                "width": 4 if index == 0 else 2,
            },
            "marker": {"symbol": LINE_SYMBOLS[index % len(LINE_SYMBOLS)], "size": 10},
        }
        for index, row in enumerate(table.rows)
    ]
    figure = {
        "data": data,
        "layout": _layout(
            height=460,
            left=60,
            xaxis={"type": "category", "title": {"text": "Year"}},
            yaxis=_score_axis(),
            legend={"orientation": "v", "x": 1.02, "y": 1},
        ),
    }
    figure["layout"]["margin"]["r"] = 260
    return Chart("trend", "Your scores year by year", summary, table, figure)


def position_chart(dashboard: TrustDashboard) -> Chart:
    group = dashboard.peer_group.label
    rows = [row for row in (*dashboard.domains, dashboard.overall) if row.comparable]
    table = Table(
        caption=f"Spread of scores among {group}, and your score, "
        f"{dashboard.assessment.cycle.name}",
        row_heading="Domain",
        headings=(
            "10th percentile",
            "Lower quartile",
            "Median",
            "Upper quartile",
            "90th percentile",
            "Your score",
            "You score higher than",
        ),
        rows=tuple(
            Row(
                row.name,
                (
                    _score_cell(row.peer.p10),
                    _score_cell(row.peer.lower_quartile),
                    _score_cell(row.peer.median),
                    _score_cell(row.peer.upper_quartile),
                    _score_cell(row.peer.p90),
                    _score_cell(row.score),
                    _text_cell(
                        f"{row.percentile:.0f}% of the others"
                        if row.percentile is not None
                        else "Not compared yet"
                    ),
                ),
            )
            for row in rows
        ),
    )
    names = [row.header for row in table.rows]
    data = [
        {
            "type": "box",
            "orientation": "h",
            "name": row.header,
            "y": [row.header],
            "lowerfence": [row.cells[0].value],
            "q1": [row.cells[1].value],
            "median": [row.cells[2].value],
            "q3": [row.cells[3].value],
            "upperfence": [row.cells[4].value],
            "showlegend": False,
            "fillcolor": "#e8edee",
            "line": {"color": "#425563"},
            "hoverinfo": "skip",
        }
        for row in table.rows
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "name": "Your score",
            "y": names,
            "x": _column(table, 5),
            "marker": YOU,
        }
    )
    top = [row for row in rows if row.quartile == 1]
    summary = (
        f"{len(top)} of {len(rows)} domains are in the top quarter of {group}."
        if rows and dashboard.compared
        else f"Where {group} spread; your place shows once your board has signed off."
        if rows
        else f"No spread for {group} yet: too few of them have been compared."
    )
    figure = {
        "data": data,
        "layout": _layout(
            height=140 + 45 * max(len(names), 1),
            xaxis=_score_axis(),
            yaxis={"autorange": "reversed", "automargin": True},
        ),
    }
    return Chart("positions", "Where you sit among your peers", summary, table, figure)


def trust_charts(dashboard: TrustDashboard) -> list[Chart]:
    return [peer_chart(dashboard), position_chart(dashboard), trend_chart(dashboard)]


# --- the national dashboard and an ICB's summary -------------------------------------------------


def completion_chart(dashboard: NationalDashboard) -> Chart:
    place = "region" if dashboard.icb is None else "trust type"
    table = Table(
        caption=f"Progress of {dashboard.cycle.name} self-assessments by {place}: "
        "number of trusts (share of the row's trusts)",
        row_heading=place.capitalize(),
        headings=tuple(label for _, label in dashboard.statuses),
        rows=tuple(
            Row(
                row.label,
                tuple(
                    _share_cell(row.counts.get(status, 0), row.total)
                    for status, _ in dashboard.statuses
                ),
            )
            for row in dashboard.completion
        ),
    )
    total = dashboard.completion[-1]
    signed = total.counts.get("signed_off", 0)
    summary = (
        f"{signed} of {total.total} trusts ({total.share('signed_off'):.0f}%) have signed off "
        f"{dashboard.cycle.name}; {total.counts.get('not_started', 0)} have not started."
    )
    figure = _stacked_bars(
        table, STATUS_COLOURS, STATUS_TEXT, axis_title="Share of trusts (%)", axis_range=[0, 100]
    )
    return Chart("completion", f"Progress of {dashboard.cycle.name}", summary, table, figure)


def stage_distribution_chart(dashboard: NationalDashboard) -> Chart:
    table = Table(
        caption=f"Number of compared trusts at each stage, by domain, {dashboard.cycle.name}",
        row_heading="Domain",
        headings=tuple(stage.name for stage in dashboard.stages),
        rows=tuple(
            Row(
                name,
                tuple(
                    _count_cell(dashboard.stage_counts.get(code, {}).get(stage.code, 0))
                    for stage in dashboard.stages
                ),
            )
            for code, name in dashboard.domains
        ),
    )
    overall = dashboard.stage_counts.get("overall", {})
    commonest = max(dashboard.stages, key=lambda stage: overall.get(stage.code, 0), default=None)
    summary = (
        f"Of {dashboard.compared_trusts} compared trusts, most are {commonest.name} overall "
        f"({overall.get(commonest.code, 0)})."
        if commonest and dashboard.compared_trusts
        else "No trust has been compared in this cycle yet."
    )
    figure = _stacked_bars(table, STAGE_COLOURS, STAGE_TEXT, axis_title="Number of trusts")
    return Chart("stages", "Stages in each domain", summary, table, figure)


def heat_map_chart(dashboard: NationalDashboard) -> Chart:
    codes = [code for code, _ in dashboard.domains]
    table = Table(
        caption="Median score in each domain, by peer group "
        f"(groups of fewer than {dashboard.min_peers} trusts show none), {dashboard.cycle.name}",
        row_heading="Peer group",
        headings=tuple(name for _, name in dashboard.domains),
        rows=tuple(
            Row(
                f"{row.label} ({row.n} trusts)" if row.n is not None else row.label,
                tuple(
                    _score_cell(row.medians.get(code))
                    if row.medians.get(code) is not None
                    else Cell("Too few", None)
                    for code in codes
                ),
            )
            for row in dashboard.heat_rows
        ),
    )
    lowest = min(
        (
            (value, row.header, heading)
            for row in table.rows
            for value, heading in zip(
                [cell.value for cell in row.cells[:-1]], table.headings[:-1], strict=True
            )
            if value is not None
        ),
        default=None,
    )
    summary = (
        f"The lowest median is {lowest[2]} among {lowest[1].split(' (')[0]} ({lowest[0]:.1f})."
        if lowest
        else "No peer group has enough compared trusts to show a median yet."
    )
    figure = _heat_map(table, colour_title="Median")
    return Chart("medians", "Median scores by peer group", summary, table, figure)


def movement_chart(dashboard: NationalDashboard) -> Chart:
    headings = ("Moved up a stage", "Stayed at the same stage", "Moved down a stage")
    table = Table(
        caption=f"Trusts that signed off both {dashboard.run.previous_cycle.name} and "
        f"{dashboard.cycle.name}: how their stage changed, by domain",
        row_heading="Domain",
        headings=headings,
        rows=tuple(
            Row(
                movement.name,
                (
                    _count_cell(movement.up),
                    _count_cell(movement.same),
                    _count_cell(movement.down),
                ),
            )
            for movement in dashboard.movements
        ),
    )
    overall = next((m for m in dashboard.movements if m.code == "overall"), None)
    summary = (
        f"Overall, {overall.up} trusts moved up a stage and {overall.down} moved down."
        if overall
        else "No earlier year to compare with."
    )
    figure = _stacked_bars(
        table,
        ("#009e73", "#d8dde0", "#d55e00"),
        ("#ffffff", "#212b32", "#ffffff"),
        axis_title="Number of trusts",
    )
    return Chart("movement", "Movement since last year", summary, table, figure)


def _share_table(caption: str, columns, rows) -> Table:
    """Groups × technologies or barriers: each share as a percentage, or 'Too few'."""
    return Table(
        caption=caption,
        row_heading="Trusts",
        headings=tuple(name for _, name in columns),
        rows=tuple(
            Row(
                f"{row.label} ({row.n} trusts)",
                tuple(
                    Cell("Too few", None)
                    if row.shares.get(code) is None
                    else Cell(f"{row.shares[code]:.1f}%", row.shares[code])
                    for code, _ in columns
                ),
            )
            for row in rows
        ),
    )


def _extremes(row, columns) -> tuple[tuple[float, str], tuple[float, str]] | None:
    """The highest and the lowest share of a row, each with every name holding it (in column
    order, so that ties are all named); None when the row shows no share."""
    known = [(row.shares[code], name) for code, name in columns if row.shares.get(code) is not None]
    if not known:
        return None

    def holders(share: float) -> tuple[float, str]:
        return share, and_list([name for value, name in known if value == share])

    return holders(max(value for value, _ in known)), holders(min(value for value, _ in known))


def readiness_chart(dashboard: NationalDashboard) -> Chart:
    minimum = dashboard.min_peers or settings.BENCHMARK_MIN_PEERS
    table = _share_table(
        f"Share of signed-off trusts ready to adopt each technology (%), "
        f"{dashboard.cycle.name}; groups of fewer than {minimum} trusts show none",
        dashboard.technologies,
        dashboard.readiness_rows,
    )
    extremes = _extremes(dashboard.readiness_rows[-1], dashboard.technologies)
    summary = "Too few trusts have signed off to show shares yet."
    if extremes:
        (most, most_names), (least, least_names) = extremes
        summary = (
            f"Most ready: {most_names} ({most:.1f}%); least ready: {least_names} ({least:.1f}%)."
        )
    figure = _heat_map(table, colour_title="% ready")
    return Chart("readiness", "Ready to adopt medical technologies", summary, table, figure)


def barriers_chart(dashboard: NationalDashboard) -> Chart:
    minimum = dashboard.min_peers or settings.BENCHMARK_MIN_PEERS
    table = _share_table(
        f"Share of signed-off trusts naming each barrier (%), {dashboard.cycle.name}: in any "
        "domain, of the trusts that named one; in a domain, of the trusts that answered its "
        f"barriers question; fewer than {minimum} trusts show none",
        dashboard.barriers,
        dashboard.barrier_rows,
    )
    anywhere = dashboard.barrier_rows[0]
    extremes = _extremes(anywhere, dashboard.barriers)
    summary = "Too few trusts have named barriers to show shares yet."
    if extremes:
        (most, names), _ = extremes
        summary = (
            f"Named most: {names}, by {most:.1f}% of the {anywhere.n} signed-off trusts that "
            "named a barrier."
        )
    figure = _heat_map(table, colour_title="% naming")
    return Chart("barriers", "Barriers trusts name", summary, table, figure)


def national_charts(dashboard: NationalDashboard) -> list[Chart]:
    charts = [completion_chart(dashboard)]
    if dashboard.readiness_rows:
        charts.append(readiness_chart(dashboard))
    if dashboard.barrier_rows:
        charts.append(barriers_chart(dashboard))
    if dashboard.run is not None:
        charts += [stage_distribution_chart(dashboard), heat_map_chart(dashboard)]
    if dashboard.movements:
        charts.append(movement_chart(dashboard))
    return charts
