"""The HTML of the review application: the corpus page and a document's page.

A document's page sets the source beside the reading, line by line (a table: line number,
source line, the reading of the block that starts there), marks each decision in both, and lists
every decision in a panel with its state and the forms to accept or correct it. The forms are
posted by ``review.js`` with the page's token.
"""

from __future__ import annotations

from html import escape

from .. import vocab
from ..decisions import FACTS, READINGS, Decision
from ..model import Inline, division_blocks
from .corpus import Reviewed

_CSS = "/static/review.css"
_JS = "/static/review.js"


def _page(title: str, body: str, token: str, extra_head: str = "") -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta name=\"review-token\" content=\"{escape(token)}\">"
            f"<title>{escape(title)}</title><link rel=\"stylesheet\" href=\"{_CSS}\">"
            f"<link rel=\"icon\" href=\"data:,\">{extra_head}</head>"
            f"<body>{body}<script src=\"{_JS}\"></script></body></html>")


def index_page(rows: list[tuple[str, str, dict[str, int]]], token: str, errors: list[str]) -> str:
    """The corpus: one row per document with its decisions, those still uncertain, those reviewed."""
    body = ["<header class=\"top\"><h1>Editorial review</h1><p>Choose a document. Each row counts its "
            "decisions, the uncertain ones still open, and those an editor has reviewed.</p></header>",
            "<main><table class=\"corpus\"><caption>Documents</caption><thead><tr><th scope=\"col\">Document</th>"
            "<th scope=\"col\">Title</th><th scope=\"col\">Decisions</th><th scope=\"col\">Uncertain</th>"
            "<th scope=\"col\">Reviewed</th></tr></thead><tbody>"]
    for stem, title, counts in rows:
        body.append(f"<tr data-stem=\"{escape(stem)}\"><th scope=\"row\"><a href=\"/doc/{escape(stem)}\">"
                    f"{escape(stem)}</a></th><td>{escape(title)}</td><td class=\"decisions\">{counts['decisions']}</td>"
                    f"<td class=\"uncertain\">{counts['uncertain']}</td><td class=\"reviewed\">{counts['reviewed']}</td></tr>")
    body.append("</tbody></table>")
    for error in errors:
        body.append(f"<p class=\"error\" role=\"alert\">{escape(error)}</p>")
    body.append("</main>")
    return _page("Editorial review", "".join(body), token)


def document_page(doc: Reviewed, token: str, editor: str, authority_ids: list[tuple[str, str]]) -> str:
    index = {id(d.span): n for n, d in enumerate(doc.decisions) if d.span is not None}
    counts = doc.counts
    parts = [f"<header class=\"top\"><nav aria-label=\"Site\"><a href=\"/\">All documents</a></nav>"
             f"<h1>{escape(doc.title)}</h1><p class=\"summary\" id=\"summary\">{counts['decisions']} decisions, "
             f"{counts['uncertain']} uncertain, {counts['reviewed']} reviewed · source <code>seeds/{escape(doc.seed.name)}"
             f"</code> · corrections in <code>review/{escape(doc.review.name)}</code></p>"
             "<p class=\"keys\" id=\"keys\">Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous decision, "
             "<kbd>n</kbd> next uncertain, <kbd>a</kbd> accept, <kbd>c</kbd> correct, <kbd>Esc</kbd> close.</p>"
             "</header>"]
    if doc.warnings:
        parts.append("<section class=\"stale\" aria-label=\"Entries not applied\"><h2>Entries not applied</h2><ul>"
                     + "".join(f"<li>{escape(w)}</li>" for w in doc.warnings) + "</ul></section>")
    parts.append(f"<main class=\"review-app\" data-stem=\"{escape(doc.stem)}\">")
    parts.append(_text_table(doc, index))
    parts.append(_panel(doc, editor, authority_ids))
    parts.append("</main>")
    datalist = "".join(f"<option value=\"{escape(i)}\">{escape(name)}</option>" for i, name in authority_ids)
    parts.append(f"<datalist id=\"authority-ids\">{datalist}</datalist>")
    return _page(f"Review: {doc.title}", "".join(parts), token)


# ------------------------------------------------------------------------------------ the text

def _text_table(doc: Reviewed, index: dict[int, int]) -> str:
    cells: dict[int, list[str]] = {}
    spans: dict[int, int] = {}
    covered = 0
    start = 0
    for block in division_blocks(doc.document.text):
        if block.role == "page-break":
            continue
        html = f"<span class=\"block {escape(block.role)}\">{_inlines(block.inlines, index)}</span>"
        if block.first_line <= covered and start:
            cells[start].append(html)
            spans[start] = max(spans[start], block.last_line - start + 1)
        else:
            start = block.first_line
            cells[start] = [html]
            spans[start] = block.last_line - start + 1
        covered = max(covered, block.last_line)
    marks = _source_marks(doc)
    rows = ["<section class=\"text\" aria-labelledby=\"text-heading\"><h2 id=\"text-heading\">Source and reading, "
            "line by line</h2><table class=\"lines\"><thead><tr><th scope=\"col\">Line</th>"
            "<th scope=\"col\">Source text</th><th scope=\"col\">Reading</th></tr></thead><tbody>"]
    skip_until = 0
    for number, line in enumerate(doc.lines, 1):
        row = [f"<tr id=\"L{number}\"><th scope=\"row\" class=\"n\">{number}</th>"
               f"<td class=\"source\">{marks.get(number) or escape(line)}</td>"]
        if number in cells:
            rowspan = max(1, min(spans[number], len(doc.lines) - number + 1))
            row.append(f"<td class=\"reading\" rowspan=\"{rowspan}\">{''.join(cells[number])}</td>")
            skip_until = number + rowspan - 1
        elif number > skip_until:
            row.append("<td class=\"reading\"></td>")
        rows.append("".join(row) + "</tr>")
    rows.append("</tbody></table></section>")
    return "".join(rows)


def _source_marks(doc: Reviewed) -> dict[int, str]:
    """Each source line with its decisions marked (the occurrence of the quote each stands for)."""
    by_line: dict[int, list[tuple[int, int, int]]] = {}
    for n, decision in enumerate(doc.decisions):
        if not decision.line or not decision.quote or decision.line > len(doc.lines):
            continue
        text = doc.lines[decision.line - 1]
        at = -1
        for _ in range(decision.occurrence):
            at = text.find(decision.quote, at + 1)
            if at < 0:
                break
        if at >= 0:
            by_line.setdefault(decision.line, []).append((at, at + len(decision.quote), n))
    out = {}
    for line, found in by_line.items():
        text = doc.lines[line - 1]
        pieces, position = [], 0
        for begin, end, n in sorted(found):
            if begin < position:
                continue  # inside a decision already marked (a name in a bracket)
            pieces.append(escape(text[position:begin]))
            decision = doc.decisions[n]
            pieces.append(f"<mark class=\"decision {decision.what} s-mark\" data-d=\"{n}\">{escape(text[begin:end])}</mark>")
            position = end
        pieces.append(escape(text[position:]))
        out[line] = "".join(pieces)
    return out


def _inlines(inlines: list[Inline], index: dict[int, int]) -> str:
    out = []
    for item in inlines:
        if isinstance(item, str):
            out.append(escape(item))
        elif item.kind == "linebreak":
            out.append("<br>")
        else:
            inner = _inlines(item.children, index)
            if item.attrs.get("bracketed"):
                inner = f"[{inner}]"
            css = f"k-{item.kind}"
            if id(item) in index:
                n = index[id(item)]
                out.append(f"<mark class=\"decision {css}\" data-d=\"{n}\" id=\"r-{n}\">{inner}</mark>")
            else:
                out.append(f"<span class=\"{css}\">{inner}</span>")
    return "".join(out)


# ------------------------------------------------------------------------------------ the panel

def _panel(doc: Reviewed, editor: str, authority_ids: list[tuple[str, str]]) -> str:
    kinds = sorted({d.label for d in doc.decisions})
    parts = ["<aside class=\"panel\" aria-labelledby=\"panel-heading\"><h2 id=\"panel-heading\">Decisions</h2>",
             "<form class=\"filters\" id=\"filters\" aria-label=\"Filter the decisions\">",
             "<label>Kind <select id=\"filter-kind\"><option value=\"\">all</option>"
             + "".join(f"<option value=\"{escape(k)}\">{escape(k)}</option>" for k in kinds) + "</select></label>",
             "<label>Certainty <select id=\"filter-cert\"><option value=\"\">all</option>"
             "<option value=\"uncertain\">uncertain</option><option value=\"low\">low</option>"
             "<option value=\"medium\">medium</option><option value=\"sure\">sure</option></select></label>",
             "<label>State <select id=\"filter-state\"><option value=\"\">all</option><option value=\"open\">open</option>"
             "<option value=\"reviewed\">reviewed</option><option value=\"accepted\">accepted</option>"
             "<option value=\"corrected\">corrected</option></select></label>",
             f"<label>Editor <input id=\"editor\" name=\"editor\" value=\"{escape(editor)}\" autocomplete=\"name\"></label>",
             "</form>",
             "<p class=\"status\" id=\"status\" role=\"status\" aria-live=\"polite\"></p>",
             "<ol class=\"decisions\" id=\"decisions\">"]
    for n, decision in enumerate(doc.decisions):
        parts.append(_item(n, decision, doc.state(decision), authority_ids))
    parts.append("</ol>")
    shown = {d.key for d in doc.decisions}
    orphans = [e for key, e in doc.entries.items() if key not in shown]
    if orphans:
        parts.append("<h3>Entries with no decision on the page</h3><ul class=\"orphans\">")
        for e in orphans:
            data = {"what": e.what, "line": e.line, "quote": e.quote, "occurrence": e.occurrence, "field": e.field}
            attrs = " ".join(f"data-{k}=\"{escape(str(v))}\"" for k, v in data.items())
            parts.append(f"<li class=\"orphan\" {attrs}>{escape(e.action)}: {escape(e.describe())} "
                         "<button type=\"button\" class=\"undo\" data-undo=\"1\">Undo</button></li>")
        parts.append("</ul>")
    parts.append(_missed_form(len(doc.lines)))
    parts.append("</aside>")
    return "".join(parts)


def _item(n: int, d: Decision, state: str, authority_ids) -> str:
    cert = d.cert or "sure"
    where = f"<a class=\"where\" href=\"#L{d.line}\">line {d.line}</a>" if d.line else "<span class=\"where\">no line</span>"
    value = ""
    if d.what == "fact":
        value = d.value or "not recorded"
    elif d.what == "name":
        value = d.value or "no authority entry"
    elif d.what == "marking":
        value = d.value
    quote = d.quote if d.what == "fact" else (d.quote or d.words)  # a fact's value is shown beside it
    data = {"what": d.what, "line": d.line, "quote": d.quote, "occurrence": d.occurrence, "field": d.field}
    attrs = " ".join(f"data-{k}=\"{escape(str(v))}\"" for k, v in data.items())
    head = (f"<li class=\"decision-item cert-{cert} state-{state}\" id=\"d-{n}\" tabindex=\"-1\" data-d=\"{n}\" "
            f"data-kind=\"{escape(d.label)}\" data-cert=\"{cert}\" data-state=\"{state}\" {attrs}>"
            f"<p class=\"what\"><span class=\"label\">{escape(d.label)}</span> "
            + (f"<q>{escape(quote[:80])}</q> " if quote else "")
            + (f"<span class=\"value\">{escape(value)}</span> " if value else "")
            + f"{where} <span class=\"cert\">{'certainty: ' + cert}</span> "
              f"<span class=\"state\">{state}</span></p>")
    buttons = ["<button type=\"button\" class=\"accept\" data-action=\"accept\">Accept</button>"]
    if state != "open":
        buttons.append("<button type=\"button\" class=\"undo\" data-undo=\"1\">Undo</button>")
    form = _correct_form(n, d)
    if form:
        buttons.append(f"<button type=\"button\" class=\"correct\" aria-expanded=\"false\" "
                       f"aria-controls=\"f-{n}\">Correct</button>")
    if d.what in ("marking", "redaction"):
        buttons.append(f"<button type=\"button\" class=\"remove\" data-action=\"remove\">Not a {d.what}</button>")
    return head + "<div class=\"actions\">" + "".join(buttons) + "</div>" + form + "</li>"


def _correct_form(n: int, d: Decision) -> str:
    field_id = f"v-{n}"
    if d.what == "bracket" or (d.what == "redaction" and d.span is not None and d.span.attrs.get("bracketed")):
        options = "".join(f"<option value=\"{k}\"{' selected' if k == d.reading else ''}>{escape(v)}</option>"
                          for k, v in READINGS.items())
        control = f"<label for=\"{field_id}\">Read the bracket as</label><select id=\"{field_id}\" name=\"reading\">{options}</select>"
    elif d.what == "name":
        control = (f"<label for=\"{field_id}\">Authority entry (id; empty for none)</label>"
                   f"<input id=\"{field_id}\" name=\"reading\" list=\"authority-ids\" value=\"{escape(d.value)}\">")
    elif d.what == "fact" and d.field == "classification":
        levels = [level.id for level in vocab.markings().levels] + ["unmarked"]
        options = "".join(f"<option{' selected' if k == d.value else ''}>{k}</option>" for k in levels)
        control = f"<label for=\"{field_id}\">Classification</label><select id=\"{field_id}\" name=\"reading\">{options}</select>"
    elif d.what == "fact" and d.field == "kind":
        options = "".join(f"<option value=\"{k.id}\"{' selected' if k.id == d.value else ''}>{escape(k.label)}</option>"
                          for k in vocab.kinds())
        control = f"<label for=\"{field_id}\">Kind of document</label><select id=\"{field_id}\" name=\"reading\">{options}</select>"
    elif d.what == "fact":
        hint = " (YYYY-MM-DD)" if d.field == "date" else " (several: separate with ;)"
        control = (f"<label for=\"{field_id}\">{escape(FACTS[d.field].capitalize())}{hint}</label>"
                   f"<input id=\"{field_id}\" name=\"reading\" value=\"{escape(d.value)}\">")
    else:
        return ""
    return (f"<form class=\"correct-form\" id=\"f-{n}\" hidden>{control}"
            f"<button type=\"submit\">Save correction</button></form>")


def _missed_form(lines: int) -> str:
    return ("<form class=\"missed\" id=\"missed\"><h3>A marking or redaction the encoder missed</h3>"
            f"<label for=\"missed-line\">Source line</label><input id=\"missed-line\" name=\"line\" type=\"number\" "
            f"min=\"1\" max=\"{lines}\" required>"
            "<label for=\"missed-quote\">Its words, as printed</label><input id=\"missed-quote\" name=\"quote\" required>"
            "<label for=\"missed-what\">They are</label><select id=\"missed-what\" name=\"what\">"
            "<option value=\"redaction\">a redaction</option><option value=\"marking\">a classification marking</option>"
            "</select><button type=\"submit\">Add</button></form>")

