<?xml version="1.0" encoding="UTF-8"?>
<!--
  html.xsl: one TEI document to one standalone HTML5 page.

  $view = 'reading'  the edition: header facts, classification banner, the text laid out like the
                     document, redactions as blocks, editors' additions in brackets.
  $view = 'review'   the same page with every encoder decision highlighted and listed in a side
                     panel, uncertain ones first, each linked to its place and its source line.

  One template per TEI element. Each element template makes exactly one HTML element, so that
  the review view can mark it (see "review: decisions" below) without knowing what it is.
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

  <!-- where the page's "all documents" link points -->
  <xsl:param name="index-href" as="xs:string" select="'index.html'"/>
  <!-- the path from the page's folder to the TEI file's folder ('' : the same), for links to
       the source file -->
  <xsl:param name="source-base" as="xs:string" select="''"/>


  <!-- ============================================================ the page -->

  <xsl:template match="/">
    <xsl:apply-templates select="TEI"/>
  </xsl:template>

  <xsl:template match="TEI">
    <xsl:call-template name="tp:html-page">
      <xsl:with-param name="title" select="(tp:page-facts(.)?title, string(@xml:id))[1]"/>
      <xsl:with-param name="lang" select="(@xml:lang, 'en')[1]"/>
      <xsl:with-param name="class" select="'document ' || $view"/>
      <xsl:with-param name="script" select="if ($view = 'review') then $filter-script else ()"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The page's content (tp:html-page calls it with the TEI element as the context). -->
  <xsl:template name="tp:page-content">
    <xsl:variable name="facts" select="tp:page-facts(.)"/>
    <nav class="site"><a href="{$index-href}">All documents</a> · <a href="persons.html">Persons</a>
          · <a href="places.html">Places</a> · <a href="organisations.html">Organisations</a></nav>
    <xsl:call-template name="banner"/>
    <main>
      <article class="document" id="document">
        <xsl:call-template name="facts">
          <xsl:with-param name="facts" select="$facts"/>
        </xsl:call-template>
        <div class="text">
          <xsl:apply-templates select="text/body"/>
        </div>
      </article>
      <xsl:if test="$view = 'review'">
        <xsl:call-template name="review-panel">
          <xsl:with-param name="facts" select="$facts"/>
        </xsl:call-template>
      </xsl:if>
    </main>
    <xsl:call-template name="banner"/>
  </xsl:template>

  <!-- The classification markings of the document, each distinct one once, as a banner. -->
  <xsl:template name="banner">
    <xsl:variable name="stamps" select="tp:classification-stamps(.)"/>
    <xsl:if test="exists($stamps)">
      <div class="banner" role="note" aria-label="Classification marking">
        <xsl:for-each-group select="$stamps" group-by="normalize-space(.) || '|' || exists(.//del)">
          <span class="marking">
            <xsl:apply-templates select="node()" mode="banner"/>
          </span>
        </xsl:for-each-group>
      </div>
    </xsl:if>
  </xsl:template>

  <xsl:template match="del" mode="banner">
    <del title="struck through in the original"><xsl:apply-templates mode="banner"/></del>
  </xsl:template>

  <xsl:template match="lb" mode="banner"><xsl:text> </xsl:text></xsl:template>

  <xsl:template match="*" mode="banner">
    <xsl:apply-templates mode="banner"/>
  </xsl:template>

  <!-- Title and header facts. The review view also names the source and marks missing facts. -->
  <xsl:template name="facts">
    <xsl:param name="facts" as="map(xs:string, xs:string)"/>
    <xsl:variable name="missing" select="if ($view = 'review') then tp:missing-facts($facts) else ()"/>
    <xsl:variable name="redactions" select="tp:redaction-count(.)"/>
    <xsl:variable name="tei" select="."/>
    <header class="facts" id="facts">
      <h1>{($facts?title, string(@xml:id))[1]}</h1>
      <dl>
        <xsl:for-each select="$tp:fact-order[map:contains($facts, .) or . = $missing]">
          <div class="fact {.}">
            <dt>{$tp:fact-labels(.)}</dt>
            <xsl:choose>
              <xsl:when test=". = ('sender', 'recipient') and exists(tp:party-names($tei, .))">
                <dd>
                  <xsl:for-each select="tp:party-names($tei, .)">
                    <xsl:if test="position() gt 1">; </xsl:if>
                    <xsl:call-template name="header-name"/>
                  </xsl:for-each>
                </dd>
              </xsl:when>
              <xsl:when test="map:contains($facts, .)">
                <dd>{$facts(.)}</dd>
              </xsl:when>
              <xsl:otherwise>
                <dd class="missing" id="missing-{.}">not recorded</dd>
              </xsl:otherwise>
            </xsl:choose>
          </div>
        </xsl:for-each>
        <xsl:for-each select="teiHeader/profileDesc/correspDesc/correspAction[placeName]">
          <div class="fact place {@type}">
            <dt>{if (@type = 'sent') then 'Sent from' else if (@type = 'received') then 'Received at'
                else 'Place (' || @type || ')'}</dt>
            <dd>
              <xsl:for-each select="placeName">
                <xsl:if test="position() gt 1">; </xsl:if>
                <xsl:call-template name="header-name"/>
              </xsl:for-each>
            </dd>
          </div>
        </xsl:for-each>
        <xsl:if test="$redactions gt 0">
          <div class="fact redactions">
            <dt>Redactions</dt>
            <dd>{$redactions}</dd>
          </div>
        </xsl:if>
        <xsl:if test="$view = 'review'">
          <div class="fact source">
            <dt>Source</dt>
            <dd>{(text//*[@source] ! tp:source-file(.))[1]}</dd>
          </div>
        </xsl:if>
      </dl>
    </header>
  </xsl:template>


  <!-- The names of a sender or recipient in the header (tp:party reads the same). -->
  <xsl:function name="tp:party-names" as="element()*">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:param name="fact" as="xs:string"/>
    <xsl:sequence select="$tei/teiHeader/profileDesc/correspDesc/correspAction
        [@type = map { 'sender': 'sent', 'recipient': 'received' }($fact)][1]/(persName | orgName | name | roleName)"/>
  </xsl:function>

  <!-- A name of the header as the facts show it: its words, linked to its register entry when it
       points at one, with the anchor the register links back to. -->
  <xsl:template name="header-name">
    <xsl:variable name="href" select="tp:register-href(.)"/>
    <xsl:choose>
      <xsl:when test="exists($href)">
        <a class="name {local-name()}" id="{tp:name-anchor(.)}" href="{$href}">{tp:words(.)}</a>
      </xsl:when>
      <xsl:otherwise>{tp:words(.)}</xsl:otherwise>
    </xsl:choose>
  </xsl:template>


  <!-- ============================================================ containers -->

  <xsl:template match="body">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <xsl:template match="div">
    <section class="{string-join(('div', @type), ' ')}">
      <xsl:apply-templates select="*"/>
    </section>
  </xsl:template>

  <xsl:template match="opener | closer | postscript">
    <div class="{local-name()}">
      <xsl:apply-templates select="*"/>
    </div>
  </xsl:template>

  <!-- A list keeps its items' own numbers and words; its head goes above the items. -->
  <xsl:template match="list">
    <div class="{string-join(('list', @type), ' ')}">
      <xsl:apply-templates select="head"/>
      <ul>
        <xsl:apply-templates select="item"/>
      </ul>
    </div>
  </xsl:template>

  <xsl:template match="list/head">
    <p class="list-head">
      <xsl:apply-templates/>
    </p>
  </xsl:template>

  <xsl:template match="item">
    <li class="{string-join(('item', 'bullet'[exists(tp:bullet(current()))]), ' ')}">
      <xsl:apply-templates/>
    </li>
  </xsl:template>

  <!-- An embedded document (a telegram quoted in a telegram) is set off from the text around it. -->
  <xsl:template match="quote[tp:is-container(.)]">
    <blockquote class="quote">
      <xsl:apply-templates select="*"/>
    </blockquote>
  </xsl:template>

  <xsl:template match="floatingText">
    <div class="{string-join(('embedded', @type), ' ')}">
      <xsl:apply-templates select="*"/>
    </div>
  </xsl:template>


  <!-- ============================================================ blocks -->

  <xsl:template match="head">
    <xsl:variable name="depth" select="count(ancestor::floatingText) + (tp:heading-level(.), 1)[1]"/>
    <xsl:element name="h{min((6, 1 + $depth))}">
      <xsl:attribute name="class" select="'head'"/>
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <!-- Blocks that are paragraphs of the document: their content is all they show. -->
  <xsl:variable name="paragraph-names" as="xs:string+" select="('p', 'ab', 'dateline', 'salute',
      'signed', 'seg', 'fw', 'byline', 'docDate', 'address', 'trailer', 'label', 'idno', 'argument')"/>

  <!-- Every other block (p, dateline, salute, signed, a stamp or a seg on a line of its own, fw…)
       is a paragraph named after its element and type; a phrase standing as a block (a stamp, a
       redaction) is drawn by its own template inside it. The patterns here and below test the
       parent's name and @rend before they call tp:is-block and tp:has-rend, which every element
       would be asked otherwise (a call costs as much as many such tests). -->
  <xsl:template match="*[local-name(..) = $tp:container-names][not(self::head | self::item)][tp:is-block(.)]"
      priority="1">
    <!-- asked once: a name compared with a list of names costs as much as a call -->
    <xsl:variable name="paragraph" as="xs:boolean" select="local-name() = $paragraph-names"/>
    <p class="{string-join((local-name(), @type, 'heading'[current()/@rend and exists(tp:heading-level(current()))],
        'run-on'[current()/@rend and tp:has-rend(current(), 'run-on')]), ' ')}">
      <xsl:choose>
        <xsl:when test="$paragraph and @rend and tp:has-rend(., 'brackets')">
          <span class="bracket">[</span><xsl:apply-templates/><span class="bracket">]</span>
        </xsl:when>
        <xsl:when test="$paragraph">
          <xsl:apply-templates/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:next-match/>
        </xsl:otherwise>
      </xsl:choose>
    </p>
  </xsl:template>

  <!-- A page break in the layout: a thin rule with the page number. -->
  <xsl:template match="pb">
    <span class="pb" role="separator" aria-label="page break">{@n ! ('page ' || .)}</span>
  </xsl:template>

  <xsl:template match="space | cb | milestone | anchor"/>

  <xsl:template match="lb">
    <br/>
  </xsl:template>


  <!-- ============================================================ phrases of the original -->

  <xsl:template match="hi">
    <xsl:variable name="tokens" select="tp:rend-tokens(.)"/>
    <xsl:element name="{if ($tokens = 'superscript') then 'sup' else if ($tokens = 'subscript') then 'sub'
        else if ($tokens = 'bold') then 'b' else if ($tokens = 'italic') then 'i' else 'span'}">
      <xsl:apply-templates/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="del">
    <del class="struck" title="struck through in the original">
      <xsl:apply-templates/>
    </del>
  </xsl:template>

  <xsl:template match="seg[@type = 'math']">
    <span class="math">
      <xsl:apply-templates/>
    </span>
  </xsl:template>

  <!-- An escaped character is just the character. -->
  <xsl:template match="c">
    <span class="c">
      <xsl:apply-templates/>
    </span>
  </xsl:template>

  <xsl:template match="stamp">
    <span class="{string-join(('stamp', @type), ' ')}">
      <xsl:apply-templates/>
    </span>
  </xsl:template>

  <!-- A name that points at an entry of the authority file links to its register entry (the
       register pages sit beside the document's page) and carries the anchor the register links
       back to; inside another such name it keeps the anchor only (links do not nest). -->
  <xsl:template match="persName | placeName | orgName | geogName | name | roleName">
    <xsl:variable name="href" select="tp:register-href(.)"/>
    <xsl:variable name="class" select="string-join(('name', local-name(), @type), ' ')"/>
    <!-- a or span written as such: an element made by a computed name costs more than the choice -->
    <xsl:choose>
      <xsl:when test="exists($href) and empty(ancestor::*[@ref][exists(tp:register-href(.))])">
        <a class="{$class}" id="{tp:name-anchor(.)}" href="{$href}">
          <xsl:if test="@type = 'pseudo'">
            <xsl:attribute name="title" select="'pseudonym'"/>
          </xsl:if>
          <xsl:apply-templates/>
        </a>
      </xsl:when>
      <xsl:otherwise>
        <span class="{$class}">
          <xsl:if test="exists($href)">
            <xsl:attribute name="id" select="tp:name-anchor(.)"/>
          </xsl:if>
          <xsl:if test="@type = 'pseudo'">
            <xsl:attribute name="title" select="'pseudonym'"/>
          </xsl:if>
          <xsl:apply-templates/>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="date | time">
    <time>
      <xsl:if test="@when">
        <xsl:attribute name="datetime" select="@when"/>
      </xsl:if>
      <xsl:apply-templates/>
    </time>
  </xsl:template>

  <xsl:template match="foreign">
    <span class="foreign" lang="{(@xml:lang, 'und')[1]}">
      <xsl:apply-templates/>
    </span>
  </xsl:template>

  <xsl:template match="title">
    <cite>
      <xsl:apply-templates/>
    </cite>
  </xsl:template>

  <!-- Any other phrase (idno, seg, num, measure, q…) keeps its words, named after its element. -->
  <xsl:template match="*" priority="-0.2">
    <span class="{string-join((local-name(), @type), ' ')}">
      <xsl:apply-templates/>
    </span>
  </xsl:template>


  <!-- ============================================================ what the editors did -->

  <!-- A redaction: a block the reader sees, with what was withheld on hover. -->
  <xsl:template match="gap[@reason = 'redacted']">
    <xsl:variable name="extent" select="tp:redaction-extent(.)"/>
    <span class="redaction" role="img"
        title="{string-join(('Redacted', $extent[.]), ': ')}"
        aria-label="{string-join(('Redacted', $extent[.]), ': ')}">
      <xsl:value-of select="(desc[normalize-space()] ! normalize-space(.), 'redacted')[1]"/>
    </span>
  </xsl:template>

  <!-- Any other gap: an omission, shown as the document shows it. -->
  <xsl:template match="gap">
    <span class="gap" title="{string-join(('Omitted', @reason), ': ')}">
      <span class="bracket">[</span>
      <xsl:value-of select="(desc[normalize-space()] ! normalize-space(.), '…')[1]"/>
      <span class="bracket">]</span>
    </span>
  </xsl:template>

  <!-- Brackets, around what the editors added and what the source had in brackets, are two
       span.bracket written where the content is made: content passed to a template as a
       parameter would be built as a tree of its own first and then copied. -->

  <!-- Words the editors added: supplied, expansions, regularisations, corrections, notes. -->
  <xsl:template match="supplied | expan | reg | corr | note">
    <span class="{distinct-values(('editorial', local-name(), @reason, @type))}"
        title="{string-join(distinct-values((tp:editorial-label(.), @reason, @type)), ', ')}">
      <span class="bracket">[</span><xsl:apply-templates/><span class="bracket">]</span>
    </span>
  </xsl:template>

  <xsl:function name="tp:editorial-label" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="map { 'supplied': 'supplied by the editors', 'expan': 'expansion',
        'reg': 'regularised form', 'corr': 'correction', 'note': 'editorial note' }(local-name($e))"/>
  </xsl:function>

  <xsl:template match="choice">
    <span class="choice">
      <xsl:apply-templates/>
    </span>
  </xsl:template>

  <xsl:template match="abbr">
    <abbr title="{normalize-space(../expan)}">
      <xsl:apply-templates/>
    </abbr>
  </xsl:template>

  <xsl:template match="orig | sic">
    <span class="{local-name()}">
      <xsl:apply-templates/>
    </span>
  </xsl:template>

  <!-- Any other element the source had in square brackets (a foreign term added by the editors,
       say) keeps them, set apart like the editors' additions. -->
  <xsl:template match="*[contains(@rend, 'brackets')][tp:has-rend(., 'brackets')][not(tp:is-block(.))]
      [not(self::supplied | self::expan | self::reg | self::corr | self::note | self::gap)]" priority="2">
    <span class="editorial bracketed">
      <span class="bracket">[</span><xsl:next-match/><span class="bracket">]</span>
    </span>
  </xsl:template>



  <!-- ============================================================ review: decisions -->

  <!-- In the review view a decision keeps the HTML element its own template makes, with an anchor
       derived from its path, its certainty as a class and what it is in the title. The pattern
       names what a decision can be (tp:is-decision) before it asks: every element of the text is
       matched against it, and a call costs as much as many tests of a name or an attribute. -->
  <xsl:template match="*[$view = 'review'][@cert or @resp or self::stamp or self::gap or self::supplied
      or self::persName or self::orgName or self::placeName or self::catRef or self::foreign or self::choice
      or self::note or self::hi or self::del or self::date or self::fw][tp:is-decision(.)]" priority="10">
    <xsl:variable name="made" as="node()*">
      <xsl:next-match/>
    </xsl:variable>
    <xsl:variable name="element" select="if (count($made) = 1 and $made instance of element()) then $made
        else ()"/>
    <xsl:variable name="note" select="string-join((tp:decision-label(.), tp:source-label(.)), ', ')"/>
    <xsl:variable name="id" select="tp:anchor(.)"/>
    <xsl:variable name="class" select="string-join(($element/@class, 'decision', 'cert-' || tp:certainty(.)), ' ')"/>
    <xsl:variable name="title" select="string-join(($element/@title, $note), ' · ')"/>
    <!-- the element copied (its own name), or a span: cheaper than an element of a computed name -->
    <xsl:choose>
      <xsl:when test="exists($element)">
        <xsl:copy select="$element">
          <xsl:copy-of select="@*"/>
          <xsl:attribute name="id" select="$id"/>
          <xsl:attribute name="class" select="$class"/>
          <xsl:attribute name="title" select="$title"/>
          <xsl:sequence select="node()"/>
        </xsl:copy>
      </xsl:when>
      <xsl:otherwise>
        <span id="{$id}" class="{$class}" title="{$title}">
          <xsl:sequence select="$made"/>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The side panel: every header fact and every decision in the text, the uncertain ones
       first, each linked to its place, its source line and its line in the TEI file, with
       filters by kind, certainty and review state. -->
  <xsl:template name="review-panel">
    <xsl:param name="facts" as="map(xs:string, xs:string)"/>
    <xsl:variable name="decisions" select="tp:decisions(.)"/>
    <xsl:variable name="missing" select="tp:missing-facts($facts)"/>
    <xsl:variable name="counts" select="tp:page-counts(.)"/>
    <aside class="review-panel" aria-labelledby="review-heading">
      <h2 id="review-heading">Encoder decisions</h2>
      <p class="summary">{$counts?decisions} decisions, {$counts?uncertain} to check first,
        {$counts?reviewed} reviewed.</p>
      <form class="review-filters" aria-label="Filter the decisions">
        <label>Kind <select name="kind"><option value="">all</option>
          <xsl:for-each select="distinct-values(($decisions ! tp:decision-label(.),
              $missing ! ('header: ' || .)))">
            <xsl:sort select="."/>
            <option>{.}</option>
          </xsl:for-each>
        </select></label>
        <label>Certainty <select name="cert"><option value="">all</option><option>low</option>
          <option>medium</option><option>guessed</option><option>missing</option><option>sure</option></select></label>
        <label>State <select name="state"><option value="">all</option><option>open</option>
          <option>reviewed</option></select></label>
      </form>
      <ol class="decisions">
        <xsl:apply-templates select="$decisions[tp:decision-rank(.) lt 4]" mode="panel">
          <xsl:sort select="tp:decision-rank(.)"/>
        </xsl:apply-templates>
        <xsl:for-each select="$missing">
          <li class="cert-low missing" data-kind="header: {.}" data-cert="missing" data-state="open">
            <a href="#missing-{.}"><span class="what">no {.} in the header</span></a>
            <xsl:text> </xsl:text>
            <span class="cert">missing</span>
          </li>
        </xsl:for-each>
        <xsl:apply-templates select="$decisions[tp:decision-rank(.) ge 4]" mode="panel"/>
      </ol>
    </aside>
  </xsl:template>

  <!-- One entry: what the decision is, its words, its certainty, its source line (a link to the
       line in the source file) and its line in the TEI file, and who reviewed it. A header fact
       links to the header facts and names the source line its words were read from. -->
  <xsl:template match="*" mode="panel">
    <xsl:variable name="in-header" select="exists(ancestor::teiHeader)"/>
    <xsl:variable name="words" select="if ($in-header) then tp:header-fact-value(.) else tp:words(.)"/>
    <xsl:variable name="place" select="if ($in-header) then tp:fact-place(.) else ."/>
    <xsl:variable name="reviewer" select="if (@resp) then tp:reviewer(.) else ()"/>
    <xsl:variable name="certainty" select="tp:certainty(.)"/>
    <xsl:variable name="label" select="tp:decision-label(.)"/>
    <li class="cert-{$certainty}{' reviewed'[$reviewer]}" data-kind="{$label}"
        data-cert="{$certainty}" data-state="{if ($reviewer) then 'reviewed' else 'open'}">
      <a href="#{if ($in-header) then 'facts' else tp:anchor(.)}">
        <span class="what">{$label}</span>
        <xsl:if test="$words">
          <xsl:text> </xsl:text>
          <q class="excerpt">{if (string-length($words) gt 60) then substring($words, 1, 59) || '…' else $words}</q>
        </xsl:if>
      </a>
      <xsl:text> </xsl:text>
      <span class="cert">{$certainty}</span>
      <xsl:for-each select="$place ! tp:source-label(.)">
        <xsl:text> </xsl:text>
        <span class="where">{if ($in-header) then 'read from ' || . else .}</span>
      </xsl:for-each>
      <xsl:for-each select="$place ! tp:source-link(.)">
        <xsl:text> </xsl:text>
        <a class="source-link" href="{.}">source line</a>
      </xsl:for-each>
      <xsl:for-each select="@tp:line">
        <xsl:text> </xsl:text>
        <span class="tei-line">TEI line {.}</span>
      </xsl:for-each>
      <xsl:if test="$reviewer">
        <xsl:text> </xsl:text>
        <span class="state">reviewed by {$reviewer}</span>
      </xsl:if>
    </li>
  </xsl:template>

  <!-- The link from a decision to its line of the source file (RFC 5147 line=S,E), relative to
       the page: $source-base leads from the page's folder to the TEI file's. -->
  <xsl:function name="tp:source-link" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="uri" select="tp:source-uri(tp:source-block($e))"/>
    <xsl:variable name="line" select="tp:source-line($e)"/>
    <xsl:sequence select="if (empty($line) or not(contains($uri, '#')) or starts-with($uri, 'src:')) then ()
        else $source-base || substring-before($uri, '#') || '#line=' || ($line - 1) || ',' || $line"/>
  </xsl:function>

  <!-- The panel's filters: entries of another kind, certainty or state are hidden. -->
  <xsl:variable name="filter-script" as="xs:string" expand-text="no">
document.querySelectorAll("form.review-filters").forEach(function (form) {
  var items = document.querySelectorAll("aside.review-panel ol.decisions > li");
  function apply() {
    var kind = form.elements.kind.value, cert = form.elements.cert.value, state = form.elements.state.value;
    Array.prototype.forEach.call(items, function (li) {
      li.hidden = !((!kind || li.dataset.kind === kind) &amp;&amp; (!cert || li.dataset.cert === cert)
        &amp;&amp; (!state || li.dataset.state === state));
    });
  }
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
});
</xsl:variable>

</xsl:stylesheet>
