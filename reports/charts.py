"""A trust report's charts, drawn with plotly: interactive on the page, images in the board pack.

Every chart is followed, wherever it appears, by a table of the same numbers; the charts carry
nothing the tables do not. Images are drawn by kaleido in the system's Chromium
(``BROWSER_PATH``), whose browser is started once per process and kept: a cold start costs
seconds, each image after that a fraction of one.
"""

from __future__ import annotations

import json
import os
import threading
import warnings

import plotly.graph_objects as go
from django.conf import settings

from reports.selectors import TrustReport

NHS_BLUE = "#005eb8"
NHS_DARK_BLUE = "#003087"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_PALE_GREY = "#e8edee"
# One marker shape and colour per peer group, so the dot plot reads in greyscale too.
PEER_STYLES = {
    "national": ("circle", NHS_DARK_GREY),
    "trust_type": ("square", "#007f3b"),
    "region": ("diamond", "#ffb81c"),
    "icb": ("triangle-up", "#ae2573"),
}
STAGE_COLOURS = ("#ed8b00", "#ffb81c", NHS_BLUE, "#007f3b")
FONT = {"family": "Arial, sans-serif", "size": 14, "color": "#212b32"}


def _layout(title: str, height: int) -> dict:
    return {
        "title": {"text": title, "x": 0, "xanchor": "left"},
        "font": FONT,
        "height": height,
        "margin": {"l": 240, "r": 20, "t": 60, "b": 60},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "legend": {"orientation": "h", "y": -0.15},
    }


def peer_medians_chart(report: TrustReport) -> go.Figure:
    """Dot plot: each domain's score beside its peer groups' medians."""
    rows = [*report.domains, report.overall]
    names = [row.name for row in rows]
    figure = go.Figure()
    for index, group_type in enumerate(PEER_STYLES):
        symbol, colour = PEER_STYLES[group_type]
        peers = [row.peers[index] for row in rows]
        figure.add_trace(
            go.Scatter(
                x=[p.statistic.median if p.comparable else None for p in peers],
                y=names,
                mode="markers",
                name=f"{peers[0].group_label} median",
                marker={"symbol": symbol, "size": 11, "color": colour},
            )
        )
    figure.add_trace(
        go.Scatter(
            x=[float(row.row.score) if row.row.score is not None else None for row in rows],
            y=names,
            mode="markers",
            name="Your score",
            marker={"symbol": "star", "size": 16, "color": NHS_BLUE, "line": {"width": 1}},
        )
    )
    figure.update_layout(**_layout("Your scores and your peers' medians", 120 + 45 * len(rows)))
    figure.update_xaxes(range=[0, 100], title="Score (0 to 100)", gridcolor=NHS_PALE_GREY)
    figure.update_yaxes(autorange="reversed")
    return figure


def distribution_chart(report: TrustReport) -> go.Figure:
    """Per domain, all trusts in England as a box (10th to 90th percentile), you as a star."""
    rows = [row for row in [*report.domains, report.overall] if row.national.comparable]
    figure = go.Figure()
    for row in rows:
        statistic = row.national.statistic
        figure.add_trace(
            go.Box(
                y=[row.name],
                q1=[statistic.lower_quartile],
                median=[statistic.median],
                q3=[statistic.upper_quartile],
                lowerfence=[statistic.p10],
                upperfence=[statistic.p90],
                orientation="h",
                name=row.name,
                showlegend=False,
                fillcolor=NHS_PALE_GREY,
                line={"color": NHS_MID_GREY},
            )
        )
    figure.add_trace(
        go.Scatter(
            x=[float(row.row.score) for row in rows],
            y=[row.name for row in rows],
            mode="markers",
            name="Your score",
            marker={"symbol": "star", "size": 16, "color": NHS_BLUE},
        )
    )
    figure.update_layout(
        **_layout(
            "Scores of all trusts in England: 10th, 25th, 50th, 75th and 90th percentiles",
            120 + 45 * len(rows),
        )
    )
    figure.update_xaxes(range=[0, 100], title="Score (0 to 100)", gridcolor=NHS_PALE_GREY)
    figure.update_yaxes(autorange="reversed")
    return figure


def stage_chart(report: TrustReport) -> go.Figure:
    """Stacked bars: how many of each peer group's trusts are at each overall stage."""
    peers = [peer for peer in report.overall.peers if peer.comparable]
    figure = go.Figure()
    for stage, colour in zip(report.stages, STAGE_COLOURS, strict=False):
        figure.add_trace(
            go.Bar(
                y=[peer.group_label for peer in peers],
                x=[peer.statistic.stage_counts.get(stage.code, 0) for peer in peers],
                name=stage.name,
                orientation="h",
                marker={"color": colour},
            )
        )
    figure.update_layout(
        barmode="stack", **_layout("Your peers' overall stages", 160 + 50 * len(peers))
    )
    figure.update_xaxes(title="Number of trusts", gridcolor=NHS_PALE_GREY)
    figure.update_yaxes(autorange="reversed")
    return figure


def report_charts(report: TrustReport) -> dict[str, go.Figure]:
    return {
        "peer_medians": peer_medians_chart(report),
        "distribution": distribution_chart(report),
        "stages": stage_chart(report),
    }


def chart_data(report: TrustReport) -> dict[str, dict]:
    """Each chart as plain data for the page, drawn there by plotly.js (``static/js/charts.js``)."""
    return {name: json.loads(figure.to_json()) for name, figure in report_charts(report).items()}


_renderer_lock = threading.Lock()
_renderer_started = False


def start_chart_renderer() -> None:
    """Start the image renderer's browser now (a worker calls this once as it starts)."""
    global _renderer_started
    with _renderer_lock:
        if _renderer_started:
            return
        os.environ.setdefault("BROWSER_PATH", settings.CHART_BROWSER_PATH)
        import kaleido

        kaleido.start_sync_server(silence_warnings=True)
        _renderer_started = True


def chart_png(figure: go.Figure, *, width: int = 900) -> bytes:
    """The chart as a PNG at twice its size, sharp in print."""
    start_chart_renderer()
    with warnings.catch_warnings():
        # plotly passes options the persistent renderer does not take; it says so each time.
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        return figure.to_image(format="png", width=width, scale=2)
