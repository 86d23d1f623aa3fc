<?xml version="1.0" encoding="UTF-8"?>
<!--
  index.xsl: the corpus page (index.html), a table of every document with its header facts and
  the number of its redactions, each row linking to the document's page.

  Called by its initial template with $documents, the URIs of the TEI documents; the rows are in
  date order (undated documents last, then by file name). The table reads without JavaScript; a
  small inline script lets a click on a column heading sort the rows.
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

  <!-- the TEI documents to list, as URIs -->
  <xsl:param name="documents" as="xs:string*" select="()"/>
  <!-- the page title -->
  <xsl:param name="title" as="xs:string" select="'Documents'"/>

  <!-- The columns: key in tp:facts (or 'title', 'redactions'), heading, and how it sorts. -->
  <xsl:variable name="columns" as="array(xs:string)+" select="
      ['date', 'Date', 'text'], ['title', 'Document', 'text'], ['kind', 'Kind', 'text'],
      ['number', 'Number', 'text'], ['sender', 'Sender', 'text'], ['recipient', 'Recipient', 'text'],
      ['classification', 'Classification', 'text'], ['redactions', 'Redactions', 'number']"/>

  <xsl:template name="xsl:initial-template">
    <xsl:variable name="teis" select="$documents ! doc(.)/TEI"/>
    <xsl:call-template name="tp:html-page">
      <xsl:with-param name="title" select="$title"/>
      <xsl:with-param name="class" select="'index'"/>
      <xsl:with-param name="content" as="node()*">
        <main>
          <h1>{$title}</h1>
          <p class="summary">{count($teis)} documents, {count($teis ! tp:redactions(.))} redactions.</p>
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
              <xsl:apply-templates select="$teis" mode="row">
                <xsl:sort select="(tp:facts(.)?sort-date, '9999')[1]"/>
                <xsl:sort select="tp:page(.)"/>
              </xsl:apply-templates>
            </tbody>
          </table>
        </main>
      </xsl:with-param>
      <xsl:with-param name="script" select="$sort-script"/>
    </xsl:call-template>
  </xsl:template>

  <!-- One row per document; each cell carries the value it sorts by. -->
  <xsl:template match="TEI" mode="row">
    <xsl:variable name="facts" select="map:put(tp:facts(.), 'redactions', string(count(tp:redactions(.))))"/>
    <xsl:variable name="page" select="tp:page(.)"/>
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

  <!-- The page of a document: its file name with .html for .xml, beside the index. -->
  <xsl:function name="tp:page" as="xs:string">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:sequence select="replace(tokenize(document-uri(root($tei)), '/')[last()], '\.xml$', '') || '.html'"/>
  </xsl:function>

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
