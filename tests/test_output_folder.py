"""The output folder's swap: a folder carried over whole from the last build (an unchanged tile
set) is moved at the swap, and a build killed or failing around it leaves output/ as it was."""

from __future__ import annotations

import os

import pytest

from geo.output import folder
from tests.conftest import tree_bytes


@pytest.fixture
def last_build(tmp_path):
    out = tmp_path / "output"
    (out / "tiles" / "khasan" / "11" / "1").mkdir(parents=True)
    (out / "tiles" / "khasan" / "11" / "1" / "2.png").write_bytes(b"a tile")
    (out / "khasan.html").write_text("old page")
    (out / folder.MARKER).write_text("")
    return out


def test_a_carried_folder_moves_into_the_new_output_at_the_swap(last_build):
    with folder.staged_output(last_build) as staging:
        folder.carry_over(staging, "tiles/khasan")
        folder.write(staging, "khasan.html", "new page")
        assert not (staging / "tiles" / "khasan").exists()  # not linked file by file
    assert (last_build / "tiles/khasan/11/1/2.png").read_bytes() == b"a tile"
    assert (last_build / "khasan.html").read_text() == "new page"
    assert [p.name for p in last_build.parent.iterdir()] == ["output"]  # no journal, no staging


def test_a_failed_build_keeps_its_carried_folder_where_it_was(last_build):
    before = tree_bytes(last_build)
    with pytest.raises(RuntimeError), folder.staged_output(last_build) as staging:
        folder.carry_over(staging, "tiles/khasan")
        raise RuntimeError("a layer is broken")
    assert tree_bytes(last_build) == before
    assert [p.name for p in last_build.parent.iterdir()] == ["output"]


def test_a_swap_killed_after_moving_a_carried_folder_is_undone_by_the_next_build(last_build):
    before = tree_bytes(last_build)
    # what a build killed in the middle of the swap leaves: the journal, the folder moved
    staging = last_build.parent / ".output-new-killed"
    (staging / "tiles").mkdir(parents=True)
    folder.carry_over(staging, "tiles/khasan")
    os.rename(last_build / "tiles" / "khasan", staging / "tiles" / "khasan")
    with folder.build_lock(last_build):  # the next build, on taking the lock
        assert tree_bytes(last_build) == before
    assert sorted(p.name for p in last_build.parent.iterdir()) == [".output.lock", "output"]
