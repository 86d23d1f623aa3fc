"""Generated documents of the family, with random markings and brackets: the encoder's output is
always well-formed, valid against tei_all, and keeps every word of the source in order."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline import vocab
from pipeline.authority import Authority
from pipeline.convert import convert_text
from pipeline.encode import EncodingContext

AUTHORITY = Authority.load(None)
CONTEXT = EncodingContext(source_href="generated.txt")

word = st.sampled_from("the troops border aid report comrade government enemy division question "
                       "negotiations artillery front line air force bombardment proposal".split())
name = st.sampled_from(["FILIPPOV", "MAO ZEDONG", "Zhou Enlai", "KIM IL SUNG", "Roshchin", "Wilson", "Acheson"])
level = st.sampled_from([w for lv in vocab.markings().levels for w in lv.wordings])
precedence = st.sampled_from(list(vocab.markings().precedence) + list(vocab.markings().handling))
bracket = st.one_of(
    st.sampled_from(["[redacted]", "[name deleted]", "[1 paragraph (3 lines) not declassified]",
                     "[less than 1 line not declassified]", "[...]", "[them]", "[delo]", "[*vne ocherednaia*]",
                     "PVO [Anti-aircraft Defense]", "FILIPPOV [STALIN]", "Ri Geon-yeong [Ri Gon Yong]",
                     "[Translator's comment: this is unclear]", "[handwritten: approved]", "[illegible]",
                     "25X1", "50X1", "3.5(c)", "…", ". . . .", "[Received August 15—1:23 p. m.]", "[Received August 15, 1951—1:23 p. m.]", "[I?]",
                     "[[nested]", "[a [b] c", "unbalanced ]", "**bold words**", "38<sup>th</sup>", "$N^o$",
                     "~~struck~~", "\\_\\_", "$50,000", "a < b & c"]),
)


@st.composite
def sentence(draw) -> str:
    parts = draw(st.lists(st.one_of(word, word, word, bracket, name), min_size=3, max_size=14))
    return " ".join(parts).capitalize() + draw(st.sampled_from([".", ";", ":", ""]))


@st.composite
def document(draw) -> str:
    lines: list[str] = []
    blank = draw(st.sampled_from(["", "\n", "\n\n"]))
    if draw(st.booleans()):
        mark = draw(level)
        mark = draw(st.sampled_from([mark, mark.upper(), mark.title(), f"~~{mark.upper()}~~", mark.title() + "."]))
        if draw(st.booleans()):
            mark += " " + draw(precedence).upper()
        lines.append(mark)
    if draw(st.booleans()):
        lines.append(f"CIPHERED TELEGRAM No. {draw(st.integers(1, 99999))}")
    if draw(st.booleans()):
        lines.append(f"{draw(st.sampled_from(['Peking', 'Moscow', 'Washington', '[Washington,]']))}, "
                     f"{draw(st.integers(1, 28))} {draw(st.sampled_from(['July', 'October', 'Jan']))} 195{draw(st.integers(0, 3))}")
    if draw(st.booleans()):
        lines.append(f"To Comrade {draw(name)}")
    for index in range(draw(st.integers(1, 6))):
        text = draw(sentence())
        if draw(st.integers(0, 3)) == 0:
            text = f"{index + 1}. {text}"
        if draw(st.integers(0, 5)) == 0:
            text = "## " + text
        lines.append(text)
    if draw(st.booleans()):
        lines.append(draw(name))
        lines.append(f"{draw(st.integers(1, 28))}.{draw(st.integers(1, 12))}.5{draw(st.integers(0, 3))}")
    if draw(st.booleans()):
        lines.append("APPROVED FOR RELEASE DATE: 16-Dec-2009")
    separator = draw(st.sampled_from(["\n\n", "\n\n\n", "\r\n\r\n"]))
    return blank + separator.join(lines) + draw(st.sampled_from(["", "\n"]))


MARKERS = re.compile(r"</?sup>|[*~$^{}#\\]")


def words(text: str) -> list[str]:
    return re.findall(r"\w+", MARKERS.sub("", text))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_generated_documents_encode_validly_and_keep_every_word(tei_all_compiled, text):
    data, _ = convert_text(text.encode("utf-8"), "generated.txt", AUTHORITY, CONTEXT)
    root = etree.fromstring(data)  # well-formed
    assert tei_all_compiled.validate(etree.ElementTree(root)), str(tei_all_compiled.error_log.last_error)
    body = root.find("{http://www.tei-c.org/ns/1.0}text")
    assert words("".join(body.itertext())) == words(text)
