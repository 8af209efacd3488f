"""Competition ranking within groups ("1224": ties share the best rank), vectorised with numpy.

One sort by score (descending), then a stable sort by group id, gives every group's rows in rank order;
a tie block starts where the group or the score changes, and its rank is its start position within the
group plus one. Large inputs with several groups are split into two halves by group and ranked on two
threads (numpy releases the GIL while sorting); ranks never depend on other groups, so the split is exact.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

PARALLEL_MIN_ROWS = 200_000


def competition_rank(score: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Rank 1 = highest score within its group; NaN scores are not ranked (their rank is 0)."""
    ranks = np.zeros(score.shape[0], dtype=np.int64)
    valid = np.flatnonzero(~np.isnan(score))
    if valid.size == 0:
        return ranks
    values = score[valid]
    groups = group[valid]
    if groups.size and groups.max() < 2**16:
        groups = groups.astype(np.uint16)  # 16-bit keys sort by radix
    halves = _split_by_group(groups) if valid.size >= PARALLEL_MIN_ROWS else None
    if halves is None:
        ranks[valid] = _rank_sorted(values, groups)
        return ranks
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [(half, pool.submit(_rank_sorted, values[half], groups[half])) for half in halves]
        for half, job in jobs:
            ranks[valid[half]] = job.result()
    return ranks


def _split_by_group(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Two row selections holding about half of the rows each, never splitting a group."""
    counts = np.bincount(groups)
    if np.count_nonzero(counts) < 2:
        return None
    boundary = int(np.searchsorted(np.cumsum(counts), groups.size / 2)) + 1
    low = groups < boundary
    if low.all() or not low.any():
        return None
    return np.flatnonzero(low), np.flatnonzero(~low)


def _rank_sorted(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    by_score = np.argsort(values)[::-1]  # descending; the order among equal scores does not matter
    sorted_groups = groups[by_score]
    by_group = np.argsort(sorted_groups, kind="stable")
    order = by_score[by_group]
    ranks = np.empty(values.shape[0], dtype=np.int64)
    ranks[order] = _block_ranks(values[order], sorted_groups[by_group])
    return ranks


def _block_ranks(sorted_scores: np.ndarray, sorted_groups: np.ndarray) -> np.ndarray:
    size = sorted_scores.shape[0]
    position = np.arange(size)
    new_group = np.empty(size, dtype=bool)
    new_group[0] = True
    np.not_equal(sorted_groups[1:], sorted_groups[:-1], out=new_group[1:])
    new_block = new_group.copy()
    new_block[1:] |= sorted_scores[1:] != sorted_scores[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, position, 0))
    block_start = np.maximum.accumulate(np.where(new_block, position, 0))
    return block_start - group_start + 1


def competition_ranks(scores: np.ndarray, group: np.ndarray) -> np.ndarray:
    """`competition_rank` for each column of a (rows × draws) score matrix."""
    ranks = np.empty(scores.shape, dtype=np.int64)
    for draw in range(scores.shape[1]):
        ranks[:, draw] = competition_rank(scores[:, draw], group)
    return ranks
