"""Leaf order of an average-linkage (UPGMA) hierarchical clustering, with or without scipy.

The cross-correlation heatmaps order channels so that channels with similar correlation
profiles sit together. scipy does this when it is installed; otherwise the small NumPy
implementation below gives the same merges and the same order (scipy's conventions: the
merged cluster gets the next id, children are listed smaller id first, leaves are read
left to right), so a figure does not depend on which one ran. Plain leaf order, not
scipy's `optimal_ordering`, for that reason.
"""

import numpy as np

try:
    from scipy.cluster.hierarchy import leaves_list, linkage
except ImportError:  # pragma: no cover - exercised by forcing use_scipy=False in the tests
    linkage = None


def average_linkage(points):
    """The scipy-style linkage matrix Z ([n-1, 4]: id a, id b, distance, size) for Euclidean UPGMA."""
    points = np.asarray(points, dtype=float)
    n = len(points)
    distances = np.sqrt(np.maximum(((points[:, None, :] - points[None, :, :]) ** 2).sum(-1), 0.0))
    np.fill_diagonal(distances, np.inf)
    ids = list(range(n))  # cluster id held by each row of `distances`
    sizes = [1] * n
    active = np.ones(n, dtype=bool)
    merges = np.zeros((max(n - 1, 0), 4))
    for step in range(n - 1):
        masked = np.where(active[:, None] & active[None, :], distances, np.inf)
        i, j = np.unravel_index(np.argmin(masked), masked.shape)
        i, j = min(i, j), max(i, j)
        a, b = sorted((ids[i], ids[j]))
        merges[step] = (a, b, masked[i, j], sizes[i] + sizes[j])
        # UPGMA: the new cluster's distance to k is the size-weighted mean of its parts'.
        merged = (sizes[i] * distances[i] + sizes[j] * distances[j]) / (sizes[i] + sizes[j])
        distances[i, :], distances[:, i] = merged, merged
        distances[i, i] = np.inf
        active[j] = False
        ids[i], sizes[i] = n + step, sizes[i] + sizes[j]
    return merges


def leaf_order(merges, n):
    """Leaves left to right: children of each merge, smaller id first (scipy's leaves_list)."""
    if n <= 1:
        return list(range(n))
    order, stack = [], [n + len(merges) - 1]
    while stack:
        node = stack.pop()
        if node < n:
            order.append(node)
        else:
            a, b = merges[node - n][:2].astype(int)
            stack += [b, a]
    return order


def cluster_order(points, use_scipy=True):
    """Row order of `points` ([n, d], NaN read as 0) by average-linkage clustering."""
    points = np.nan_to_num(np.asarray(points, dtype=float))
    n = len(points)
    if n <= 2:
        return list(range(n))
    if use_scipy and linkage is not None:
        return [int(i) for i in leaves_list(linkage(points, method="average", metric="euclidean"))]
    return leaf_order(average_linkage(points), n)
