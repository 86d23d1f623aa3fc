<?xml version="1.0" encoding="UTF-8"?>
<!--
  registers.xsl: the registers of the edition, one page each for the persons, the places and the
  organisations (persons.html, places.html, organisations.html), beside the documents' pages.

  Each page lists every entry of the authority file of its kind (listPerson/person,
  listPlace/place, listOrg/org): its main name, its other names and pseudonyms, its dates of
  life (birth/@when, death/@when), its description, its Wikidata item, whether it is still
  unreviewed, and every document that names it, with a link to each place in the document's
  page. A name that points at an id the authority file does not hold is listed too, as such.

  The input is a summary pipeline/registers.py makes, so that no document is read here:

      <tp:registers>
        <tp:document page="000_x.html">
          <tp:fact name="title">…</tp:fact> <tp:fact name="date">…</tp:fact> …
          <tp:name ref="pers-stalin" element="persName" anchor="body1-div1-p2-persName1">FILIPPOV</tp:name> …
        </tp:document> …
        <TEI> the authority file </TEI>
      </tp:registers>

  $register names the page to make: 'persons', 'places' or 'organisations'.

  A large corpus's page is made in parts (pipeline/registers.py), so that no transformation holds
  every document's names: $part 'page' makes the page from a summary that names each id once
  (one tp:name per id and element, in a tp:document of its own), with an empty
  <tp-mentions data-id="…"> where the list of an entry's mentions goes; $part 'mentions' makes
  that list for the entry $id from a summary of the documents that name it. The parts put
  together are the page $part 'whole' makes at once.
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

  <!-- persons | places | organisations -->
  <xsl:param name="register" as="xs:string" select="'persons'"/>
  <!-- where the page's "all documents" link points -->
  <xsl:param name="index-href" as="xs:string" select="'index.html'"/>

  <!-- Each register: its page, its heading, the entries of the authority file it lists, and the
       words for one entry and for many. -->
  <xsl:variable name="tp:registers" as="map(xs:string, map(xs:string, xs:string))" select="map {
      'persons': map { 'page': 'persons.html', 'title': 'Persons', 'entries': 'person',
                       'one': 'person', 'many': 'persons' },
      'places': map { 'page': 'places.html', 'title': 'Places', 'entries': 'place',
                      'one': 'place', 'many': 'places' },
      'organisations': map { 'page': 'organisations.html', 'title': 'Organisations', 'entries': 'org',
                             'one': 'organisation', 'many': 'organisations' } }"/>
  <xsl:variable name="tp:register-order" as="xs:string+" select="('persons', 'places', 'organisations')"/>

  <!-- whole | page | mentions (above) -->
  <xsl:param name="part" as="xs:string" select="'whole'"/>
  <!-- with $part 'mentions': the id whose mentions to list -->
  <xsl:param name="id" as="xs:string" select="''"/>

  <xsl:variable name="this" select="$tp:registers($register)"/>

  <!-- The names of the documents, by the id they point at. -->
  <xsl:key name="tp:names" match="tp:name" use="@ref"/>

  <xsl:template match="/">
    <xsl:apply-templates select="tp:registers"/>
  </xsl:template>

  <xsl:template match="tp:registers[$part = 'mentions']" priority="1">
    <xsl:call-template name="mentions">
      <xsl:with-param name="id" select="$id"/>
      <xsl:with-param name="summary" select="."/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tp:registers">
    <xsl:variable name="summary" select="."/>
    <xsl:variable name="entries" as="element()*">
      <xsl:for-each-group select="TEI/standOff//*[local-name() = $this?entries][@xml:id]" group-by="@xml:id">
        <xsl:sequence select="current-group()[1]"/>
      </xsl:for-each-group>
    </xsl:variable>
    <xsl:variable name="known" select="$entries/@xml:id/string()"/>
    <!-- ids the documents point at that the authority file does not hold, for this register -->
    <xsl:variable name="unknown" select="distinct-values(tp:document/tp:name
        [tp:register-page(@element, @ref) = $this?page][not(@ref = $known)]/@ref)"/>
    <xsl:variable name="named" select="count($entries[exists(key('tp:names', @xml:id, $summary))])"/>
    <xsl:call-template name="tp:html-page">
      <xsl:with-param name="title" select="$this?title"/>
      <xsl:with-param name="class" select="'register ' || $register"/>
      <xsl:with-param name="content" as="node()*">
        <xsl:call-template name="tp:register-nav"/>
        <main>
          <h1>{$this?title}</h1>
          <p class="summary">{count($entries)} {if (count($entries) = 1) then $this?one else $this?many}
            in the authority file, {$named} named in the documents<xsl:if test="exists($unknown)">;
            {count($unknown)} named but not in the authority file</xsl:if>.</p>
          <xsl:apply-templates select="$entries" mode="entry">
            <xsl:sort select="lower-case(tp:main-name(.))"/>
            <xsl:sort select="string(@xml:id)"/>
            <xsl:with-param name="summary" select="$summary" tunnel="yes"/>
          </xsl:apply-templates>
          <xsl:for-each select="$unknown">
            <xsl:sort select="."/>
            <section class="entry unknown" id="{.}">
              <h2>{.}</h2>
              <p class="status">Not in the authority file.</p>
              <xsl:call-template name="mentions">
                <xsl:with-param name="id" select="."/>
                <xsl:with-param name="summary" select="$summary"/>
              </xsl:call-template>
            </section>
          </xsl:for-each>
        </main>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- The links between the index and the registers, on every register page. -->
  <xsl:template name="tp:register-nav">
    <nav class="site">
      <a href="{$index-href}">All documents</a>
      <xsl:for-each select="$tp:register-order">
        <xsl:text> · </xsl:text>
        <xsl:choose>
          <xsl:when test=". = $register"><span aria-current="page">{$tp:registers(.)?title}</span></xsl:when>
          <xsl:otherwise><a href="{$tp:registers(.)?page}">{$tp:registers(.)?title}</a></xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </nav>
  </xsl:template>

  <!-- The name an entry is listed by: its main name, its first name otherwise, its id at last. -->
  <xsl:function name="tp:main-name" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="names" select="$entry/(persName | placeName | orgName)"/>
    <xsl:sequence select="(($names[@type = 'main'], $names[not(@type = 'pseudonym')], $names)[1] ! tp:words(.),
        string($entry/@xml:id))[.][1]"/>
  </xsl:function>

  <!-- A date of life as written (@when, or its year when it is a whole date). -->
  <xsl:function name="tp:life-date" as="xs:string?">
    <xsl:param name="event" as="element()?"/>
    <xsl:sequence select="($event/(@when, @notBefore, @notAfter)[1] ! string(), tp:words($event)[.])[1]"/>
  </xsl:function>

  <!-- One entry of the register. -->
  <xsl:template match="*" mode="entry">
    <xsl:param name="summary" tunnel="yes"/>
    <xsl:variable name="main" select="tp:main-name(.)"/>
    <xsl:variable name="names" select="(persName | placeName | orgName)"/>
    <xsl:variable name="others" select="distinct-values($names[not(@type = 'pseudonym')] ! tp:words(.))[. ne $main]"/>
    <xsl:variable name="pseudonyms" select="distinct-values($names[@type = 'pseudonym'] ! tp:words(.))"/>
    <xsl:variable name="wikidata" select="normalize-space(idno[@type = 'wikidata'][1])"/>
    <xsl:variable name="born" select="tp:life-date(birth[1])"/>
    <xsl:variable name="died" select="tp:life-date(death[1])"/>
    <xsl:variable name="unreviewed" select="exists(note[@type = 'status'])"/>
    <section class="entry{' unreviewed'[$unreviewed]}" id="{@xml:id}">
      <h2>{$main}</h2>
      <xsl:if test="$unreviewed">
        <p class="status">Not yet reviewed: added from the documents.</p>
      </xsl:if>
      <xsl:if test="$born or $died">
        <p class="life">
          <xsl:if test="$born"><span class="birth">born <time datetime="{birth[1]/@when}">{$born}</time></span></xsl:if>
          <xsl:if test="$born and $died">, </xsl:if>
          <xsl:if test="$died"><span class="death">died <time datetime="{death[1]/@when}">{$died}</time></span></xsl:if>
        </p>
      </xsl:if>
      <xsl:if test="exists($others)">
        <p class="variants">Also written: {string-join($others, '; ')}</p>
      </xsl:if>
      <xsl:if test="exists($pseudonyms)">
        <p class="pseudonyms">Pseudonyms: {string-join($pseudonyms, '; ')}</p>
      </xsl:if>
      <xsl:for-each select="note[@type = 'description'][normalize-space()]">
        <p class="description">{tp:words(.)}</p>
      </xsl:for-each>
      <xsl:if test="$wikidata">
        <p class="wikidata">Wikidata: <a href="https://www.wikidata.org/wiki/{replace($wikidata, '^.*/', '')}"
            >{replace($wikidata, '^.*/', '')}</a></p>
      </xsl:if>
      <xsl:call-template name="mentions">
        <xsl:with-param name="id" select="string(@xml:id)"/>
        <xsl:with-param name="summary" select="$summary"/>
      </xsl:call-template>
    </section>
  </xsl:template>

  <!-- Every document that names the entry, in date order, each with a link to every place in
       its page where the name stands. -->
  <xsl:template name="mentions">
    <xsl:param name="id" as="xs:string"/>
    <xsl:param name="summary" as="element()"/>
    <xsl:variable name="names" select="key('tp:names', $id, $summary/root())"/>
    <xsl:choose>
      <xsl:when test="$part = 'page'">
        <tp-mentions data-id="{$id}"/>
      </xsl:when>
      <xsl:when test="empty($names)">
        <p class="mentions none">Not named in the documents.</p>
      </xsl:when>
      <xsl:otherwise>
        <ul class="mentions">
          <xsl:for-each-group select="$names" group-by="../@page">
            <xsl:sort select="(../tp:fact[@name = 'sort-date'] ! string(), '9999')[1]"/>
            <xsl:sort select="string(../@page)"/>
            <xsl:variable name="document" select="current-group()[1]/.."/>
            <li>
              <a class="document" href="{$document/@page}">{($document/tp:fact[@name = 'title'][normalize-space()] ! string(),
                  string($document/@page))[1]}</a>
              <xsl:for-each select="$document/tp:fact[@name = 'date'][normalize-space()]">
                <xsl:text> </xsl:text>
                <span class="date">({.})</span>
              </xsl:for-each>
              <xsl:text>: </xsl:text>
              <xsl:for-each select="current-group()">
                <xsl:if test="position() gt 1">, </xsl:if>
                <a class="passage" href="{$document/@page}#{@anchor}">{(normalize-space(.)[.], @ref)[1]}</a>
              </xsl:for-each>
            </li>
          </xsl:for-each-group>
        </ul>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
