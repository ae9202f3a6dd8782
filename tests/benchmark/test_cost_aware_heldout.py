"""benchmarks/cost_aware_heldout.py: the shipped orders on datasets the shipped models never saw."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np


def test_heldout_keeps_unseen_datasets_of_unseen_groups_and_maps_the_shared_pool(script):
    module = script("cost_aware_heldout")
    shipped = SimpleNamespace(training=SimpleNamespace(
        datasets=["a", "b"], groups=["g1", "g2"], config_ids=["c1", "c2", "c3"]))
    later = SimpleNamespace(datasets=["a", "new-in-g2", "new", "other"],
                            groups=["g1", "g2", "g3", "g4"], config_ids=["c3", "c9", "c1"])
    rows, columns = module.heldout(shipped, later)
    # "a" is shipped and "new-in-g2" shares a shipped group: neither is held out.
    assert rows == [2, 3]
    # c1 and c3 were evaluated by the later build (its columns 2 and 0); c2 was not.
    np.testing.assert_array_equal(columns, [2, -1, 0])
