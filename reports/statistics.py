"""Peer statistics and each trust's place among its peers: pandas and NumPy, no Django.

The input is one row per trust and domain (the overall result is the domain ``overall``):
``assessment``, ``domain``, ``score`` (as stored, one decimal; NaN for none), ``stage`` (a stage
code, or None) and one column per peer-group type naming the trust's group in it. docs/scoring.md
describes the same method in plain English.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

OVERALL = "overall"
GROUP_TYPES = ("national", "trust_type", "region", "icb")
NATIONAL_GROUP = "ENG"  # the one national group's code
# Percentiles by linear interpolation between closest ranks (NumPy's and pandas' default).
QUANTILES = {
    "p10": 0.10,
    "lower_quartile": 0.25,
    "median": 0.50,
    "upper_quartile": 0.75,
    "p90": 0.90,
}
STATISTICS = ("mean", *QUANTILES)


def peer_statistics(
    scores: pd.DataFrame, *, stage_codes: Sequence[str], min_peers: int
) -> pd.DataFrame:
    """One row per peer group and domain: n, mean, percentiles and trusts at each stage.

    Columns ``group_type``, ``group_code``, ``domain``, ``n``, ``suppressed``, the ``STATISTICS``
    and ``stage:<code>`` for each stage. A group of fewer than ``min_peers`` trusts is
    suppressed: it keeps its n, and every statistic and stage count is NaN.
    """
    frames = []
    for group_type in GROUP_TYPES:
        keys = [group_type, "domain"]
        scored = scores[scores["score"].notna()]
        grouped = scored.groupby(keys, sort=True)["score"]
        table = grouped.agg(n="count", mean="mean")
        percentiles = grouped.quantile(list(QUANTILES.values())).unstack()
        # Columns by quantile, even when no trust has a score (an empty frame has none).
        percentiles = percentiles.reindex(columns=list(QUANTILES.values()))
        percentiles.columns = list(QUANTILES)
        stages = (
            scored.groupby(keys, sort=True)["stage"]
            .value_counts()
            .unstack(fill_value=0)
            .reindex(columns=list(stage_codes), fill_value=0)
        )
        stages.columns = [f"stage:{code}" for code in stage_codes]
        table = table.join(percentiles).join(stages).fillna(dict.fromkeys(stages.columns, 0))
        table.index = table.index.set_names(["group_code", "domain"])
        table = table.reset_index()
        table.insert(0, "group_type", group_type)
        frames.append(table)
    result = pd.concat(frames, ignore_index=True)
    result["suppressed"] = result["n"] < min_peers
    hidden = [*STATISTICS, *(f"stage:{code}" for code in stage_codes)]
    result[hidden] = result[hidden].astype(float)
    result.loc[result["suppressed"], hidden] = np.nan
    return result


def peer_positions(
    scores: pd.DataFrame, statistics: pd.DataFrame, *, min_peers: int
) -> pd.DataFrame:
    """Each trust's percentile rank and quartile in each of its peer groups, per domain.

    Percentile rank, by the mid-rank rule: 100 × (peers scoring lower + ½ × other peers scoring
    the same) ÷ (n − 1), where n counts the trust. Quartile: 4 at or above the group's upper
    quartile, 3 at or above its median, 2 at or above its lower quartile, otherwise 1. Both are
    NaN in a suppressed group and for a trust with no score. Columns ``assessment``,
    ``domain`` and ``<group type>:percentile`` and ``<group type>:quartile`` for each type.
    """
    positions = scores[["assessment", "domain"]].copy()
    for group_type in GROUP_TYPES:
        keys = [group_type, "domain"]
        grouped = scores.groupby(keys, sort=False)["score"]
        n = grouped.transform("count")
        lowest_rank = grouped.rank(method="min")
        highest_rank = grouped.rank(method="max")
        lower = lowest_rank - 1
        same = highest_rank - lowest_rank
        with np.errstate(divide="ignore", invalid="ignore"):
            percentile = 100 * (lower + 0.5 * same) / (n - 1)
        own = statistics[statistics["group_type"] == group_type].set_index(["group_code", "domain"])
        cut = own.reindex(pd.MultiIndex.from_frame(scores[keys]))
        quartile = np.select(
            [
                scores["score"].to_numpy() >= cut["upper_quartile"].to_numpy(),
                scores["score"].to_numpy() >= cut["median"].to_numpy(),
                scores["score"].to_numpy() >= cut["lower_quartile"].to_numpy(),
            ],
            [4, 3, 2],
            default=1,
        ).astype(float)
        hidden = (n < min_peers).to_numpy() | scores["score"].isna().to_numpy()
        positions[f"{group_type}:percentile"] = np.where(hidden, np.nan, percentile)
        positions[f"{group_type}:quartile"] = np.where(hidden, np.nan, quartile)
    return positions
