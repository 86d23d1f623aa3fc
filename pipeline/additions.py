"""The names the build's authority added, as encode jobs carry them to the workers.

A worker encodes a document against the authority the build started from plus every name the
build had added when it handed the job out (:mod:`pipeline.executor`). On a corpus that names
new people on every page, those are tens of thousands of names, and each job carries them all.
:class:`AddedNames` holds them in blocks of :data:`BLOCK` names, each block pickled once, when
it fills, and kept for every later job: handing a job out then costs a copy of bytes for the
full blocks instead of a walk over every name, and a worker reads only the blocks and names it
has not applied yet (:class:`Applied`).

The build's authority only ever grows at its end, or goes back to an earlier length (a replay
that failed, :meth:`Authority.rollback`); :class:`Blocks` keeps the blocks still valid after
such a step by the identity of each block's last entry, which a rollback removes.
"""

from __future__ import annotations

import hashlib
import pickle
import weakref
from dataclasses import dataclass
from itertools import islice

from .authority import Authority, Entry

#: How many names a block holds.
BLOCK = 256

#: A name the build's authority added, as a worker adds it again: (kind, id, name).
Addition = tuple[str, str, str]


def addition(entry: Entry) -> Addition:
    return entry.kind, entry.id, entry.names[0]


@dataclass(frozen=True)
class Block:
    """:data:`BLOCK` names, in order, pickled; ``digest`` tells it from any other block."""

    digest: str
    data: bytes

    @classmethod
    def of(cls, names: tuple[Addition, ...]) -> "Block":
        data = pickle.dumps(names, protocol=pickle.HIGHEST_PROTOCOL)
        return cls(hashlib.sha256(data).hexdigest(), data)

    def names(self) -> tuple[Addition, ...]:
        return pickle.loads(self.data)


@dataclass(frozen=True)
class AddedNames:
    """The names added by the time a job was handed out, in order: the full blocks, then the
    names after them."""

    blocks: tuple[Block, ...] = ()
    tail: tuple[Addition, ...] = ()

    def __len__(self) -> int:
        return len(self.blocks) * BLOCK + len(self.tail)

    def names(self) -> list[Addition]:
        """Every name, in order (for tests and small corpora; a worker reads only what is new)."""
        return [name for block in self.blocks for name in block.names()] + list(self.tail)


class Blocks:
    """What the build hands out of an authority's additions, made again only where they changed."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.blocks: list[Block] = []
        self.lasts: list[Entry] = []  # the last entry of each block, as the authority holds it
        self.made = AddedNames()
        self.count, self.last = 0, None  # what ``made`` was made of: how many, and the newest

    def now(self) -> AddedNames:
        """The additions as they stand, the same object while they have not changed: while the
        authority holds as many as before and the newest is the same entry (an entry taken
        back and added again is another object), it holds the same ones."""
        added = self.authority.added
        last = next(reversed(added.values()), None)
        if len(added) == self.count and last is self.last:
            return self.made
        entries = list(added.values())
        # a block holds as long as its last entry is where it was: the authority changes at its end only
        kept = len(self.blocks)
        while kept and (kept * BLOCK > len(entries) or entries[kept * BLOCK - 1] is not self.lasts[kept - 1]):
            kept -= 1
        del self.blocks[kept:], self.lasts[kept:]
        for start in range(kept * BLOCK, len(entries) - BLOCK + 1, BLOCK):
            self.blocks.append(Block.of(tuple(addition(entry) for entry in entries[start:start + BLOCK])))
            self.lasts.append(entries[start + BLOCK - 1])
        tail = tuple(addition(entry) for entry in entries[len(self.blocks) * BLOCK:])
        self.made, self.count, self.last = AddedNames(tuple(self.blocks), tail), len(entries), last
        return self.made


@dataclass
class Applied:
    """The build's names a worker's authority holds: the blocks applied, then some names more."""

    blocks: list[str]  # their digests, in order
    tail: list[Addition]

    def __len__(self) -> int:
        return len(self.blocks) * BLOCK + len(self.tail)


_applied: "weakref.WeakKeyDictionary[Authority, Applied]" = weakref.WeakKeyDictionary()


def apply(authority: Authority, added: AddedNames) -> bool:
    """Make ``added`` the additions of a worker's ``authority``, reading only the names it does
    not hold yet, each added as the build added it (:meth:`Authority.ref_for`). False when one
    of them is not (the authority is not the build's): the authority is then left without them."""
    held = _applied.get(authority)
    if held is None or len(authority.added) != len(held):
        authority.rollback(0)
        held = Applied([], [])
    digests = [block.digest for block in added.blocks]
    common = 0
    while common < min(len(held.blocks), len(digests)) and held.blocks[common] == digests[common]:
        common += 1
    if common < len(held.blocks):  # the build went back before a block this worker holds
        authority.rollback(common * BLOCK)
        held = Applied(held.blocks[:common], [])
    todo: list[Addition] = []
    for block in added.blocks[common:]:
        todo += block.names()
    todo += added.tail
    if todo[:len(held.tail)] != held.tail:  # the names after the blocks were other ones
        authority.rollback(common * BLOCK)
        held.tail = []
    for kind, ident, name in islice(todo, len(held.tail), None):
        if authority.ref_for(name, kind) != ident:
            authority.rollback(0)
            _applied[authority] = Applied([], [])
            return False
    _applied[authority] = Applied(digests, list(added.tail))
    return True
