"""benchmarks/first_pick_explain.py: the first model's configuration on named tables."""

from __future__ import annotations

import pytest
from _meta_fixtures import synthetic_metadb


def test_the_held_out_training_set_drops_the_table_and_its_group(script, tmp_path):
    module = script("first_pick_explain")
    db = synthetic_metadb(tmp_path / "meta.sqlite")
    full = module.held_out_training(db, "classification", "nowhere", "nowhere")
    dropped = module.held_out_training(db, "classification", "A0", "B1")
    assert set(full.datasets) - set(dropped.datasets) == {"A0", "B1"}
    assert dropped.config_ids == full.config_ids


@pytest.mark.parametrize(("argv", "message"), [
    (["no-such-table"], "not in the corpus manifest: no-such-table"),
    (["star98", "--db", "missing.sqlite"], "--db missing.sqlite: no such file")])
def test_bad_arguments_are_one_line_errors(script, capsys, argv, message):
    module = script("first_pick_explain")
    with pytest.raises(SystemExit) as raised:
        module.main(argv)
    assert raised.value.code == 2
    assert message in capsys.readouterr().err
