"""The mentions the registers are made from (pipeline/mentions.py): tables kept from build to
build, brought up to date document by document, answer as a database filled afresh with the
same documents in order."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.mentions import Mentions
from pipeline.render import IndexRow

IDS = ["pers-a", "pers-b", "place-c", "org-d"]
ELEMENTS = ["persName", "name", "placeName"]


def document(page: str, date: str | None, names: list[tuple[str, str]]) -> tuple[IndexRow, list[list[str]]]:
    facts = {"title": f"Title of {page}", **({"sort-date": date, "date": date} if date else {})}
    return IndexRow(page, facts), [[ref, element, f"{page}-{n}", f"words {n} & <{ref}>"]
                                   for n, (ref, element) in enumerate(names)]


documents = st.builds(
    document,
    st.sampled_from([f"{n}.html" for n in range(6)]),
    st.sampled_from([None, "1950-01-02", "1949-12-31"]),
    st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(ELEMENTS)), max_size=5))
#: A change: put a document at one of a few positions, or take one away.
changes = st.lists(st.one_of(st.tuples(st.just("put"), st.sampled_from("abcde"), documents),
                             st.tuples(st.just("remove"), st.sampled_from("abcde"), st.none())), max_size=25)


def answers(mentions: Mentions) -> tuple:
    return (mentions.count, mentions.summary(["<tail/>"]), mentions.named(),
            {ident: (mentions.digest_of(ident), list(mentions.summaries(ident, 2))) for ident in IDS})


@settings(max_examples=60, deadline=None)
@given(changes)
def test_kept_tables_changed_document_by_document_answer_as_tables_made_afresh(steps) -> None:
    kept = Mentions(connection=sqlite3.connect(":memory:"))
    now: dict[str, tuple] = {}
    for action, position, value in steps:
        if action == "put":
            kept.put(position, *value, key=f"key of {position}")
            now[position] = value
        else:
            kept.remove(position)
            now.pop(position, None)
    afresh = Mentions(connection=sqlite3.connect(":memory:"))
    for position in sorted(now):
        afresh.put(position, *now[position], key=f"key of {position}")
    assert answers(kept) == answers(afresh)
    first_met = list(dict.fromkeys((name[0], name[1]) for position in sorted(now) for name in now[position][1]))
    assert kept.named() == [[ref, element, "", ""] for ref, element in first_met]
    assert kept.keys() == {position: f"key of {position}" for position in sorted(now)}


def test_a_temporary_database_keeps_the_documents_in_the_order_given() -> None:
    later, earlier = document("z.html", None, [("pers-a", "persName")]), document("a.html", None, [("pers-b", "name")])
    mentions = Mentions([later, earlier])
    try:
        summary = mentions.summary()
        assert summary.index('page="z.html"') < summary.index('page="a.html"')
        assert mentions.named() == [["pers-a", "persName", "", ""], ["pers-b", "name", "", ""]]
        assert mentions.count == 2
    finally:
        mentions.close()


def test_tables_kept_in_a_database_stay_there_when_closed(tmp_path) -> None:
    path = tmp_path / "kept.sqlite"
    connection = sqlite3.connect(path)
    mentions = Mentions(connection=connection)
    mentions.put("a.xml", *document("a.html", "1950-01-02", [("pers-a", "persName")]), key="k")
    mentions.close()
    connection.commit()
    connection.close()
    again = Mentions(connection=sqlite3.connect(path))
    assert again.keys() == {"a.xml": "k"} and again.count == 1
    assert again.named() == [["pers-a", "persName", "", ""]]
