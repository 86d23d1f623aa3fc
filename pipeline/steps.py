"""The authority's steps through the last build: what lets a build that changed a few documents
skip the names of the others instead of replaying them.

The encode stage takes the seeds in order against one authority, each adding the names it met
first. A document that did not change need not be encoded again as long as the lookups it made
still give the same answers, which the build checks by replaying them (``executor.replay``):
that reads and replays every document's names, though one document changed.

The last build leaves, with the authority's record, its *steps*: for each seed in order its
stem, its encoding key and how many entries had been added after it, and the entries it added,
in order. While this build's authority is the one the last build had at the same step, a
document with the same stem and key is where it was, and its lookups are the ones they were:
its entries are added again (:meth:`Authority.restore`) without reading its names. The authority
is compared with the last build's after every document this build encodes or replays: once they
differ (a changed document met a new name, or no longer met one), every later document is
replayed as before.
"""

from __future__ import annotations

from collections.abc import Collection

from .authority import Authority, Entry


def added_entries(authority: Authority) -> list[list]:
    """The entries :meth:`Authority.ref_for` added, in order, as the steps keep them."""
    return [[entry.kind, entry.id, list(entry.names)] for entry in authority.added.values()]


class Steps:
    """Follows the last build's steps (``[stem, key, entries added after it]`` for each seed in
    order, and ``added``: its added entries) while this build's authority is the same as it
    was then. ``present`` holds the stems of this build's seeds: a seed gone since is passed
    over, if it added nothing."""

    def __init__(self, authority: Authority, steps: list | None, added: list | None,
                 present: Collection[str]) -> None:
        self.authority = authority
        self.steps = steps or []
        self.added = added or []
        self.present = present
        self.next = 0  # the last build's step this build is at
        self.checked = 0  # entries of this build's authority known to be the last build's
        # in step: the authority is the last build's as it was before step ``next``
        self.in_step = bool(steps) and len(authority.added) == 0

    def _before(self, step: int) -> int:
        return self.steps[step - 1][2] if step > 0 else 0

    def _pass_removed(self) -> None:
        while self.in_step and self.next < len(self.steps) and self.steps[self.next][0] not in self.present:
            if self.steps[self.next][2] != self._before(self.next):
                self.in_step = False  # the seed gone had added names: later answers may differ
            self.next += 1

    def skip(self, stem: str, key: str | None) -> bool:
        """Whether the document ``stem``, whose encoding key is ``key``, is the last build's next
        step with the authority as it was then: its entries are then added again, and its names
        need not be replayed."""
        self._pass_removed()
        if not self.in_step or key is None or self.next >= len(self.steps):
            return False
        stem_then, key_then, after = self.steps[self.next]
        if stem_then != stem or key_then != key:
            return False
        for kind, ident, names in self.added[self._before(self.next):after]:
            self.authority.restore(Entry(kind, ident, list(names), reviewed=False))
        self.next += 1
        self.checked = after
        return True

    def done(self, stem: str) -> None:
        """The document ``stem`` was encoded or replayed: whether the authority is still the last
        build's, after the same step (the same seed) or before the next (a new seed)."""
        self._pass_removed()
        if not self.in_step:
            return
        is_next = self.next < len(self.steps) and self.steps[self.next][0] == stem
        expected = self.steps[self.next][2] if is_next else self._before(self.next)
        now = self.authority.added
        if len(now) != expected:
            self.in_step = False
            return
        entries = list(now.values())[self.checked:expected] if expected > self.checked else []
        if any([e.kind, e.id, list(e.names)] != list(self.added[self.checked + n]) or e.reviewed
               for n, e in enumerate(entries)):
            self.in_step = False
            return
        self.checked = expected
        if is_next:
            self.next += 1
