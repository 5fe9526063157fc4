"""Known answers for the peer statistics and positions, against an independent computation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.statistics import GROUP_TYPES, peer_positions, peer_statistics

STAGES = ("initial", "developing", "established", "advanced")


def stage_of(score: float) -> str:
    return STAGES[min(int(score // 25), 3)]


def frame(scores: list[float], *, region: list[str] | None = None) -> pd.DataFrame:
    """One domain, one row per trust; every trust in one national, type and ICB group."""
    count = len(scores)
    return pd.DataFrame(
        {
            "assessment": range(1, count + 1),
            "domain": "LG",
            "score": scores,
            "stage": [stage_of(score) for score in scores],
            "national": "ENG",
            "trust_type": "acute",
            "region": region or ["Y56"] * count,
            "icb": "QE1",
        }
    )


def mid_rank(own: float, peers: list[float]) -> float:
    """The rule as written, by counting: 100 × (lower + ½ × others equal) ÷ (n − 1)."""
    lower = sum(1 for peer in peers if peer < own)
    others_equal = sum(1 for peer in peers if peer == own) - 1
    return 100 * (lower + 0.5 * others_equal) / (len(peers) - 1)


def test_statistics_of_a_known_group():
    scores = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0]
    stats = peer_statistics(frame(scores), stage_codes=STAGES, min_peers=5)
    row = stats[stats["group_type"] == "national"].iloc[0]
    assert row["n"] == 6
    assert row["mean"] == pytest.approx(35.0)
    # Linear interpolation between closest ranks: position (n − 1) × q.
    assert row["median"] == pytest.approx(35.0)
    assert row["lower_quartile"] == pytest.approx(22.5)
    assert row["upper_quartile"] == pytest.approx(47.5)
    assert row["p10"] == pytest.approx(15.0)
    assert row["p90"] == pytest.approx(55.0)
    assert [row[f"stage:{code}"] for code in STAGES] == [2, 2, 2, 0]
    assert not row["suppressed"]


@pytest.mark.parametrize(("count", "suppressed"), [(4, True), (5, False)])
def test_a_group_of_fewer_than_five_trusts_shows_no_statistics(count, suppressed):
    scores = [float(10 * i) for i in range(1, count + 1)]
    stats = peer_statistics(frame(scores), stage_codes=STAGES, min_peers=5)
    positions = peer_positions(frame(scores), stats, min_peers=5)
    row = stats[stats["group_type"] == "icb"].iloc[0]
    assert row["n"] == count
    assert bool(row["suppressed"]) is suppressed
    assert bool(math.isnan(row["median"])) is suppressed
    assert math.isnan(row["stage:initial"]) is suppressed
    assert bool(positions["icb:percentile"].isna().all()) is suppressed
    assert bool(positions["icb:quartile"].isna().all()) is suppressed


def test_ties_share_the_mid_rank():
    scores = [40.0, 50.0, 50.0, 50.0, 60.0, 70.0]
    stats = peer_statistics(frame(scores), stage_codes=STAGES, min_peers=5)
    positions = peer_positions(frame(scores), stats, min_peers=5)
    ranks = positions["national:percentile"].tolist()
    # 50.0: one peer lower, two others equal: 100 × (1 + 1) ÷ 5 = 40.
    assert ranks == pytest.approx([0.0, 40.0, 40.0, 40.0, 80.0, 100.0])
    # Upper quartile 57.5, median 50, lower quartile 50: the tied trusts sit in quartile 3.
    assert positions["national:quartile"].tolist() == [1, 3, 3, 3, 4, 4]


def test_groups_are_computed_separately():
    scores = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 95.0]
    regions = ["Y56"] * 5 + ["Y58"] * 5
    data = frame(scores, region=regions)
    stats = peer_statistics(data, stage_codes=STAGES, min_peers=5)
    by_region = stats[stats["group_type"] == "region"].set_index("group_code")
    assert by_region.loc["Y56", "median"] == 30.0
    assert by_region.loc["Y58", "median"] == 80.0
    positions = peer_positions(data, stats, min_peers=5)
    assert positions["region:percentile"].tolist()[:5] == [0.0, 25.0, 50.0, 75.0, 100.0]


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 1000).map(lambda tenths: tenths / 10),
            st.sampled_from(["Y56", "Y58", "Y59"]),
        ),
        min_size=1,
        max_size=40,
    ),
    st.integers(2, 8),
)
def test_every_statistic_matches_an_independent_computation(rows, min_peers):
    data = frame([score for score, _ in rows], region=[region for _, region in rows])
    stats = peer_statistics(data, stage_codes=STAGES, min_peers=min_peers)
    positions = peer_positions(data, stats, min_peers=min_peers)
    for group_type in GROUP_TYPES:
        for code, members in data.groupby(group_type):
            values = members["score"].to_numpy()
            [row] = stats[
                (stats["group_type"] == group_type) & (stats["group_code"] == code)
            ].to_dict("records")
            assert row["n"] == len(values)
            if len(values) < min_peers:
                assert row["suppressed"] and math.isnan(row["mean"])
                continue
            assert row["mean"] == pytest.approx(values.mean())
            for name, q in [("p10", 10), ("lower_quartile", 25), ("median", 50)]:
                assert row[name] == pytest.approx(np.percentile(values, q))
            assert row["upper_quartile"] == pytest.approx(np.percentile(values, 75))
            assert row["p90"] == pytest.approx(np.percentile(values, 90))
            for stage in STAGES:
                assert row[f"stage:{stage}"] == sum(stage_of(v) == stage for v in values)
            mine = positions.loc[members.index]
            for own, rank, quartile in zip(
                values,
                mine[f"{group_type}:percentile"],
                mine[f"{group_type}:quartile"],
                strict=True,
            ):
                assert rank == pytest.approx(mid_rank(own, list(values)))
                expected_quartile = (
                    4
                    if own >= np.percentile(values, 75)
                    else 3
                    if own >= np.percentile(values, 50)
                    else 2
                    if own >= np.percentile(values, 25)
                    else 1
                )
                assert quartile == expected_quartile


def test_the_worked_example_in_the_scoring_guide():
    """docs/scoring.md's peer-group example, figure by figure."""
    scores = [38.2, 45.0, 45.0, 51.7, 60.4, 72.9]
    stats = peer_statistics(frame(scores), stage_codes=STAGES, min_peers=5)
    row = stats[stats["group_type"] == "icb"].iloc[0]
    expected = {
        "mean": 52.2,
        "median": 48.35,
        "lower_quartile": 45.0,
        "upper_quartile": 58.225,
        "p10": 41.6,
        "p90": 66.65,
    }
    assert {name: row[name] for name in expected} == pytest.approx(expected)
    positions = peer_positions(frame(scores), stats, min_peers=5)
    assert positions["icb:percentile"].tolist() == pytest.approx([0, 30, 30, 60, 80, 100])
    assert positions["icb:quartile"].tolist() == [1, 2, 2, 3, 4, 4]
    guide = (Path(__file__).resolve().parents[2] / "docs" / "scoring.md").read_text()
    for figure in ("**52.2**", "**48.35**", "**58.225**", "**41.6**", "**66.65**", "**30**"):
        assert figure in guide


def test_trusts_without_scores_give_no_statistics_and_no_ranks():
    data = frame([0.0] * 3).assign(score=float("nan"), stage=None)
    stats = peer_statistics(data, stage_codes=STAGES, min_peers=1)
    assert stats.empty
    positions = peer_positions(data, stats, min_peers=1)
    assert positions["national:percentile"].isna().all()
    assert positions["national:quartile"].isna().all()
