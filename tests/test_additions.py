"""The names the build added, as encode jobs carry them (pipeline/additions.py): a worker's
authority ends up holding exactly the build's names, in order, however the jobs come to it,
and the blocks already made are handed out again as they are."""

from __future__ import annotations

import pickle

import pytest

from pipeline import additions
from pipeline.additions import BLOCK, AddedNames, Blocks, apply
from pipeline.authority import Authority, seed_entries


def build_authority() -> Authority:
    return Authority(seed_entries())


def add_people(authority: Authority, first: int, count: int) -> None:
    for number in range(first, first + count):
        assert authority.ref_for(f"Person Number{_letters(number)}", "person") is not None


def _letters(number: int) -> str:
    """A word of letters for a number: names made of digits are no names."""
    word = ""
    while True:
        number, rest = divmod(number, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[rest] + word
        if not number:
            return word


def names_of(authority: Authority) -> list[tuple[str, str, str]]:
    return [additions.addition(entry) for entry in authority.added.values()]


def test_the_full_blocks_and_the_names_after_them_are_every_name_in_order():
    build = build_authority()
    add_people(build, 0, 2 * BLOCK + 7)
    added = Blocks(build).now()
    assert len(added.blocks) == 2 and len(added.tail) == 7 and len(added) == 2 * BLOCK + 7
    assert added.names() == names_of(build)


def test_blocks_are_made_once_and_handed_out_again_as_they_are():
    build = build_authority()
    blocks = Blocks(build)
    add_people(build, 0, BLOCK + 3)
    first = blocks.now()
    assert blocks.now() is first  # nothing changed: the same value
    add_people(build, BLOCK + 3, BLOCK)
    second = blocks.now()
    assert second.blocks[0] is first.blocks[0] and len(second.blocks) == 2
    assert second.names() == names_of(build)


def test_a_rollback_into_a_block_makes_that_block_again():
    build = build_authority()
    blocks = Blocks(build)
    add_people(build, 0, 2 * BLOCK)
    before = blocks.now()
    build.rollback(BLOCK + 10)  # a replay that failed, say
    add_people(build, 10_000, BLOCK)  # other names in its place
    after = blocks.now()
    assert after.blocks[0] is before.blocks[0]
    assert after.blocks[1].digest != before.blocks[1].digest
    assert after.names() == names_of(build)


@pytest.mark.parametrize("sizes", [
    [3, BLOCK + 5, 2 * BLOCK + 1, 3 * BLOCK],  # the build's names grow job after job
    [2 * BLOCK + 4, BLOCK - 1, 3 * BLOCK + 2],  # a job from before the last ones (jobs overtake)
    [BLOCK, BLOCK, 0, BLOCK + 1],
])
def test_a_worker_holds_exactly_the_build_s_names_of_each_job(sizes):
    build, worker = build_authority(), build_authority()
    blocks = Blocks(build)
    handed_out = []
    total = 0
    for size in sorted(sizes):
        add_people(build, total, size - total)
        total = size
        handed_out.append((blocks.now(), names_of(build)))
    by_size = {len(added): (added, names) for added, names in handed_out}
    for size in sizes:
        added, names = by_size[size]
        assert apply(worker, pickle.loads(pickle.dumps(added)))  # as a job travels
        assert names_of(worker) == names
        mark = worker.mark()
        add_people(worker, 50_000, 3)  # the document's own names, undone after it
        worker.rollback(mark)


def test_a_worker_after_a_build_that_went_back_holds_the_new_names():
    build, worker = build_authority(), build_authority()
    blocks = Blocks(build)
    add_people(build, 0, 2 * BLOCK + 5)
    assert apply(worker, blocks.now())
    build.rollback(BLOCK + 1)
    add_people(build, 20_000, BLOCK + 9)
    assert apply(worker, blocks.now())
    assert names_of(worker) == names_of(build)


def test_names_the_worker_s_authority_does_not_take_as_the_build_did_leave_it_without_them():
    worker = build_authority()
    foreign = AddedNames((), (("person", "pers-someone-else", "Person Numbera"),))
    assert not apply(worker, foreign)
    assert not worker.added


def test_a_rollback_undoes_the_newest_names_only():
    authority = build_authority()
    add_people(authority, 0, 10)
    kept = names_of(authority)[:4]
    authority.rollback(4)
    assert names_of(authority) == kept
    assert authority.lookup("Person Numberh", "person") is None


def test_names_taken_back_and_added_again_are_handed_out_anew():
    """The same number of names, the newest with the same id and name as before: the ones
    before it changed, so the job's names are made again."""
    build = build_authority()
    blocks = Blocks(build)
    add_people(build, 0, 2)
    first = blocks.now()
    newest = names_of(build)[-1]
    build.rollback(0)
    add_people(build, 500, 1)
    assert build.ref_for(newest[2], "person") == newest[1]
    assert len(build.added) == 2
    assert blocks.now().names() == names_of(build) != first.names()
