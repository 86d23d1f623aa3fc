"""The manifest's records (pipeline/manifest.py): each document's record is kept in parts, one
per stage, read when asked for and written back by the parts a build touched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.manifest import Record, Records, Store


def stored(store: Store, stem: str) -> dict[str, str]:
    """The parts of a record as the store holds them: part -> its JSON text."""
    return dict(store.connection.execute("SELECT part, value FROM documents WHERE stem = ?", (stem,)))


def test_a_record_is_kept_as_a_row_for_each_part(tmp_path: Path) -> None:
    store = Store(tmp_path / "manifest.sqlite")
    records = Records(store)
    records["memo"] = {"encoded": {"key": "k1"}, "checked": {"problems": []}}
    records.flush()
    assert {part: json.loads(value) for part, value in stored(store, "memo").items()} == {
        "encoded": {"key": "k1"}, "checked": {"problems": []}}
    assert list(records) == ["memo"] and len(records) == 1


def test_a_part_is_read_when_first_asked_for_and_the_parts_not_read_stay_as_stored(tmp_path: Path) -> None:
    store = Store(tmp_path / "manifest.sqlite")
    Records(store)["memo"] = {}
    store.connection.executemany("INSERT INTO documents VALUES ('memo', ?, ?)", [
        ("encoded", '{"key":"k1"}'), ("rendered", '{ "row" : { "page" : "memo.html" } }')])
    records = Records(store)
    record = records["memo"]
    assert isinstance(record, Record) and sorted(record) == ["encoded", "rendered"] and "named" not in record
    record["encoded"]["key"] = "k2"  # changed in place
    record["checked"] = {"problems": []}
    records.changed("memo")
    records.flush()
    after = stored(store, "memo")
    assert after["rendered"] == '{ "row" : { "page" : "memo.html" } }'  # never read: not written again
    assert json.loads(after["encoded"]) == {"key": "k2"} and json.loads(after["checked"]) == {"problems": []}


def test_a_part_taken_away_leaves_the_store_and_a_record_given_whole_replaces_every_part(tmp_path: Path) -> None:
    store = Store(tmp_path / "manifest.sqlite")
    records = Records(store)
    records["memo"] = {"encoded": {"key": "k1"}, "rendered": {"outputs": {}}, "named": {"names": []}}
    records.flush()
    again = Records(store)
    record = again["memo"]
    del record["rendered"]
    assert record.pop("named") == {"names": []} and record.pop("named", None) is None
    again.changed("memo")
    again.flush()
    assert sorted(stored(store, "memo")) == ["encoded"]
    again["memo"] = {"checked": {"problems": []}}
    again.flush()
    assert sorted(stored(store, "memo")) == ["checked"]
    assert Records(store)["memo"] == {"checked": {"problems": []}}


def test_records_asked_for_in_the_documents_order_are_read_many_to_a_query(tmp_path: Path) -> None:
    store = Store(tmp_path / "manifest.sqlite")
    writing = Records(store)
    stems = [f"doc-{n:04d}" for n in range(1000)]
    for stem in stems:
        if stem != "doc-0500":  # one document has no record yet
            writing[stem] = {"encoded": {"key": stem}}
    writing.flush()
    queries: list[str] = []
    store.connection.set_trace_callback(queries.append)
    records = Records(store)
    records.read_ahead(stems)
    for stem in stems:
        if stem == "doc-0500":
            assert records.get(stem) is None
            records.setdefault(stem, {})["encoded"] = {"key": "new"}
            records.changed(stem)
        else:
            assert records[stem]["encoded"] == {"key": stem}
    reads = [q for q in queries if q.startswith("SELECT")]
    assert len(reads) <= 2 * len(stems) // Records.AHEAD + 2
    store.connection.set_trace_callback(None)
    records.flush()
    assert Records(store)["doc-0500"]["encoded"] == {"key": "new"}
    assert records.get("doc-9999") is None  # not among the documents: asked for alone


def test_records_asked_for_before_are_kept_as_json_up_to_a_size_and_read_again_past_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "manifest.sqlite")
    writing = Records(store)
    stems = [f"doc-{n:02d}" for n in range(40)]
    for stem in stems:
        writing[stem] = {"encoded": {"key": stem}, "checked": {"problems": []}}
    writing.flush()
    queries: list[str] = []
    store.connection.set_trace_callback(queries.append)

    def passes(records: Records) -> int:
        """Selects made by three passes over every record, as three stages make them."""
        queries.clear()
        for _ in range(3):
            for stem in stems:
                assert records[stem]["encoded"] == {"key": stem}
        return len([q for q in queries if q.startswith("SELECT")])

    roomy = Records(store)
    roomy.HOT, roomy.AHEAD = 4, 8  # the last 4 with their values, the others as JSON
    roomy.read_ahead(stems)
    assert passes(roomy) == 40 // 8 + 1  # the first pass only: the first part asked for comes apart
    assert len(roomy.hot) == 4 and len(roomy.cold) == 36
    assert all(not record._values for record, _ in roomy.cold.values())  # their values let go
    assert roomy.cold_bytes == sum(record.stored_size() + Records.PER_RECORD for record, _ in roomy.cold.values())

    tight = Records(store)
    tight.HOT, tight.AHEAD = 4, 8
    tight.KEPT_BYTES = 10 * Records.PER_RECORD  # room for the JSON of fewer than ten
    tight.read_ahead(stems)
    assert passes(tight) == 3 * 40 // 8 + 1  # every pass reads them again
    assert tight.cold_bytes <= tight.KEPT_BYTES and len(tight.cold) < 10
    store.connection.set_trace_callback(None)


def test_records_are_read_with_the_parts_decoded_lately_and_a_part_left_out_comes_with_the_next_records(
        tmp_path: Path) -> None:
    store = Store(tmp_path / "manifest.sqlite")
    writing = Records(store)
    stems = [f"doc-{n:02d}" for n in range(32)]
    for stem in stems:
        writing[stem] = {"encoded": {"key": stem}, "rendered": {"row": {"page": f"{stem}.html"}}}
    writing.flush()
    queries: list[str] = []
    store.connection.set_trace_callback(queries.append)
    records = Records(store)
    records.HOT, records.AHEAD = 4, 8
    records.read_ahead(stems)
    for stem in stems:  # a stage that reads one part
        assert records[stem]["encoded"] == {"key": stem}
    selects = [q for q in queries if q.startswith("SELECT")]
    assert len(selects) == 32 // 8 + 1  # the records, 8 to a query, and "encoded" of the first 8 alone
    cold = records.cold["doc-20"][0]  # read with "encoded" only: "rendered" is left in the store
    assert cold._json["rendered"] == "" and "rendered" in cold and sorted(cold) == ["encoded", "rendered"]
    queries.clear()
    assert records["doc-20"]["rendered"] == {"row": {"page": "doc-20.html"}}  # with those after it
    assert len([q for q in queries if q.startswith("SELECT")]) == 1
    assert all(records.cold[stem][0]._json["rendered"] != "" for stem in stems[21:28])
    assert records.cold_bytes == sum(size for _, size in records.cold.values())
    assert records.cold_bytes == sum(r.stored_size() + Records.PER_RECORD for r, _ in records.cold.values())
    gone = records.pop("doc-05")  # taken out of the store: every part read first
    assert dict(gone) == {"encoded": {"key": "doc-05"}, "rendered": {"row": {"page": "doc-05.html"}}}
    assert stored(store, "doc-05") == {}
    store.connection.set_trace_callback(None)


def test_a_changed_record_is_written_when_it_leaves_the_last_asked_for_and_kept_as_written(tmp_path: Path) -> None:
    store = Store(tmp_path / "manifest.sqlite")
    records = Records(store)
    records.HOT = 2
    records["memo"] = {"encoded": {"key": "k1"}, "rendered": {"outputs": {}}}
    records.flush()
    records["memo"]["encoded"]["key"] = "k2"  # changed in place, and marked
    records.changed("memo")
    never = records.setdefault("note", {})  # not marked: the store gets nothing of it
    never["encoded"] = {"key": "unsaved"}
    for stem in ("a", "b"):
        records[stem] = {"encoded": {"key": stem}}
    assert "memo" in records.cold and "memo" not in records.dirty
    assert json.loads(stored(store, "memo")["encoded"]) == {"key": "k2"}
    assert records.cold["memo"][0]._json["encoded"] == stored(store, "memo")["encoded"]
    assert records["memo"]["encoded"] == {"key": "k2"}
    assert stored(store, "note") == {} and records.get("note") is None
    with pytest.raises(KeyError):  # let go before it was marked
        records.changed("a")


def test_file_digests_looked_at_in_order_are_read_many_to_a_query(tmp_path: Path) -> None:
    import os

    from pipeline.manifest import FileDigests, file_digest

    paths = []
    for n in range(600):
        path = tmp_path / f"f{n:03d}.txt"
        path.write_text(f"file {n}", encoding="utf-8")
        os.utime(path, ns=(10**18, 10**18))  # settled long ago: its stat is recorded
        paths.append(path)
    store = Store(tmp_path / "manifest.sqlite")
    first = FileDigests(store)
    assert [first.digest(p) for p in paths] == [file_digest(p) for p in paths]
    first.save()
    paths[300].write_text("changed", encoding="utf-8")
    queries: list[str] = []
    store.connection.set_trace_callback(queries.append)
    again = FileDigests(store)
    again.read_ahead(paths + [tmp_path / "new.txt"])
    assert [again.digest(p) for p in paths] == [file_digest(p) for p in paths]
    assert again.read == 1  # only the file that changed was read
    assert again.digest(tmp_path / "new.txt") is None and again.digest(tmp_path / "elsewhere.txt") is None
    assert len([q for q in queries if q.startswith("SELECT")]) <= 6


def test_the_pages_a_build_frees_are_given_back_to_the_file_system(tmp_path: Path) -> None:
    path = tmp_path / "manifest.sqlite"
    store = Store(path)
    records = Records(store)
    for number in range(400):
        records[f"doc-{number:03d}"] = {"named": {"names": "x" * 2000}}
    records.flush()
    store.commit()
    for number in range(400):  # rewritten smaller, as the registers stage rewrites `named`
        records[f"doc-{number:03d}"] = {"named": {"key": "k"}}
    records.flush()
    store.commit()
    pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
    store.set_meta("unsaved", 1)  # a transaction left open (a save that failed) is not committed by it
    assert store.give_back_free_pages() == 0
    store.connection.rollback()
    assert store.give_back_free_pages() > 100
    assert store.connection.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert store.connection.execute("PRAGMA page_count").fetchone()[0] < pages
    store.close()
    reopened = Store(path)
    again = Records(reopened)
    assert again["doc-399"]["named"] == {"key": "k"} and len(again) == 400 and reopened.meta("unsaved") is None


def test_a_manifest_of_an_older_format_is_started_afresh_with_its_free_pages_given_back(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "manifest.sqlite"
    old = sqlite3.connect(path)  # as an older teipipe made it: no auto-vacuum, another format
    old.executescript("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
                      "CREATE TABLE documents (stem TEXT, part TEXT, value TEXT);"
                      "CREATE TABLE files (path TEXT PRIMARY KEY);"
                      "INSERT INTO meta VALUES ('format', '1'); INSERT INTO documents VALUES ('memo', 'encoded', '{}');")
    old.close()
    store = Store(path)
    assert store.connection.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental
    assert len(Records(store)) == 0
