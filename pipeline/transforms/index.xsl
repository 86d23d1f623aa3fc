<?xml version="1.0" encoding="UTF-8"?>
<!--
  index.xsl: the corpus page (index.html), a table of every document with its header facts and
  the number of its redactions, each row linking to the document's page, and links to the
  registers of persons, places and organisations (registers.xsl) beside it.

  It has two entry points, so that the page never needs every document at once:

    tp:index-facts($document)  what the table shows of one TEI document: its header facts
                               (tp:facts), the number of its redactions, and of its decisions,
                               those to check first and those reviewed (tp:review-counts), as
                               a map of strings.
                               The build takes them when it renders the document, and keeps them.
    the summary                the page itself, made from a summary of the documents:

        <tp:documents>
          <tp:document page="000_x.html">
            <tp:fact name="title">…</tp:fact> <tp:fact name="date">…</tp:fact> …
          </tp:document> …
        </tp:documents>

                               one tp:document per document, with its page (beside the index)
                               and the facts tp:index-facts gave for it (pipeline/render.py
                               writes the summary).

  The rows are in date order (undated documents last, then by page). The table reads without
  JavaScript; a small inline script lets a click on a column heading sort the rows.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tp="urn:x-teipipe:render"
    xpath-default-namespace="http://www.tei-c.org/ns/1.0"
    exclude-result-prefixes="#all"
    expand-text="yes">

  <xsl:import href="common.xsl"/>

  <xsl:output method="html" html-version="5" encoding="UTF-8" include-content-type="no" indent="no"/>

  <!-- the page title -->
  <xsl:param name="title" as="xs:string" select="'Documents'"/>

  <!-- A large table is made in parts (pipeline/render.py): $part 'rows' makes the rows of the
       summary's documents alone, in the order given; $part 'page' makes the page around an
       empty table body, with the counts of every document given as $documents-count and
       $redactions-count. The parts put together are the page made at once. -->
  <xsl:param name="part" as="xs:string" select="'whole'"/>
  <xsl:param name="documents-count" as="xs:integer" select="0"/>
  <xsl:param name="redactions-count" as="xs:integer" select="0"/>

  <!-- The columns: key in tp:index-facts, heading, and how it sorts. -->
  <xsl:variable name="columns" as="array(xs:string)+" select="
      ['date', 'Date', 'text'], ['title', 'Document', 'text'], ['kind', 'Kind', 'text'],
      ['number', 'Number', 'text'], ['sender', 'Sender', 'text'], ['recipient', 'Recipient', 'text'],
      ['classification', 'Classification', 'text'], ['redactions', 'Redactions', 'number'],
      ['decisions', 'Decisions', 'number'], ['uncertain', 'Uncertain', 'number'], ['reviewed', 'Reviewed', 'number']"/>

  <!-- What the table shows of one document, as a map of strings: the header facts and the
       number of redactions; nothing when the document is not a TEI document. -->
  <xsl:function name="tp:index-facts" as="map(xs:string, xs:string)?" visibility="public">
    <xsl:param name="document" as="document-node()"/>
    <xsl:for-each select="$document/TEI">
      <xsl:variable name="counts" select="tp:review-counts(.)"/>
      <xsl:sequence select="map:merge((tp:facts(.), map { 'redactions': string(count(tp:redactions(.))),
          'decisions': string($counts?decisions), 'uncertain': string($counts?uncertain),
          'reviewed': string($counts?reviewed) }))"/>
    </xsl:for-each>
  </xsl:function>

  <xsl:template match="/">
    <xsl:apply-templates select="tp:documents"/>
  </xsl:template>

  <xsl:template match="tp:documents[$part = 'rows']" priority="1">
    <xsl:apply-templates select="tp:document" mode="row"/>
  </xsl:template>

  <xsl:template match="tp:documents">
    <xsl:call-template name="tp:html-page">
      <xsl:with-param name="title" select="$title"/>
      <xsl:with-param name="class" select="'index'"/>
      <xsl:with-param name="script" select="$sort-script"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The page's content (tp:html-page calls it with tp:documents as the context). -->
  <xsl:template name="tp:page-content">
    <xsl:variable name="documents" select="tp:document"/>
        <nav class="site registers" aria-label="Registers">Registers:
          <a href="persons.html">Persons</a> · <a href="places.html">Places</a> ·
          <a href="organisations.html">Organisations</a></nav>
        <main>
          <h1>{$title}</h1>
          <p class="summary">{if ($part = 'page') then $documents-count else count($documents)} documents, {
            if ($part = 'page') then $redactions-count
            else sum($documents/tp:fact[@name = 'redactions'] ! xs:integer(.))} redactions.</p>
          <table class="documents">
            <thead>
              <tr>
                <xsl:for-each select="$columns">
                  <th scope="col" data-sort-type="{?3}">
                    <xsl:if test="?1 = 'date'">
                      <xsl:attribute name="aria-sort" select="'ascending'"/>
                    </xsl:if>
                    <xsl:text>{?2}</xsl:text>
                  </th>
                </xsl:for-each>
              </tr>
            </thead>
            <tbody>
              <xsl:apply-templates select="$documents" mode="row">
                <xsl:sort select="(tp:fact[@name = 'sort-date'] ! string(), '9999')[1]"/>
                <xsl:sort select="string(@page)"/>
              </xsl:apply-templates>
            </tbody>
          </table>
        </main>
  </xsl:template>

  <!-- One row per document; each cell carries the value it sorts by. -->
  <xsl:template match="tp:document" mode="row">
    <xsl:variable name="facts" select="map:merge(tp:fact ! map { string(@name): string(.) })"/>
    <xsl:variable name="page" select="string(@page)"/>
    <tr>
      <xsl:for-each select="$columns">
        <xsl:variable name="key" select="?1"/>
        <xsl:variable name="value" select="($facts($key), '')[1]"/>
        <td class="{$key}" data-sort="{if ($key = 'date') then ($facts?sort-date, '')[1] else $value}">
          <xsl:choose>
            <xsl:when test="$key = 'title'">
              <a href="{$page}">{($value[.], $page)[1]}</a>
            </xsl:when>
            <xsl:when test="$value">{$value}</xsl:when>
            <xsl:otherwise><span class="none" title="not recorded">–</span></xsl:otherwise>
          </xsl:choose>
        </td>
      </xsl:for-each>
    </tr>
  </xsl:template>

  <!-- Progressive enhancement: the headings become buttons that sort the rows by their column. -->
  <xsl:variable name="sort-script" as="xs:string" expand-text="no">
document.querySelectorAll("table.documents").forEach(function (table) {
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.getAttribute("data-sort-type") === "number";
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-sort");
        var y = b.cells[column].getAttribute("data-sort");
        var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
</xsl:variable>

</xsl:stylesheet>
