"""Where the build puts each rendering of a document, relative to the build folder: one place
for the stages that write them and for the look a build takes at what is there."""

#: (format, view) -> the output's path, with ``{stem}`` the document's name.
VIEWS = {
    ("html", "reading"): "html/{stem}.html",
    ("html", "review"): "html/review/{stem}.html",
    ("text", "reading"): "text/{stem}.txt",
    ("text", "diplomatic"): "text/diplomatic/{stem}.txt",
}
