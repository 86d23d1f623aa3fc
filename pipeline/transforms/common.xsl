<?xml version="1.0" encoding="UTF-8"?>
<!--
  common.xsl: what every rendering of a teipipe TEI document shares.

  Imported by html.xsl (reading and review pages), text.xsl (reading and diplomatic text) and
  index.xsl (the corpus table). It holds no output of its own beyond the HTML page shell that the
  two HTML stylesheets share; it answers questions about the TEI:

    layout     which elements are block containers and blocks, what their @rend tokens say
    facts      the header facts of a document (title, date, sender, recipient, number, kind,
               classification, release) as a map of strings
    sources    which source file and line an element came from (@source through prefixDef)
    decisions  which elements record an encoder decision, how certain it is, and a stable anchor
    names      which entries of the authority file a name points at, its register page and its
               anchor in the document's page

  Functions live in the tp: namespace. The parameters below are set by pipeline/render.py.
  A function marked cache="yes" keeps its answer for each node during one transformation: the
  review view asks the same questions of a decision for its mark and for its panel entry, of a
  container for every block in it, and of the document for its facts and its decisions (the
  page and the panel's counts). A lookup costs about as much as five plain calls, so only
  answers that take real work are kept.
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

  <!-- reading | review (HTML), reading | diplomatic (text) -->
  <xsl:param name="view" as="xs:string" select="'reading'"/>
  <!-- the generator line written into every HTML page -->
  <xsl:param name="generator" as="xs:string" select="'teipipe 0.1.0'"/>
  <!-- the stylesheet every HTML page links to, relative to the page -->
  <xsl:param name="css" as="xs:string" select="'teipipe.css'"/>
  <!-- What tp:index-facts of index.xsl gave for the document rendered, when the caller has it
       already (the build asks for it before the views): the views take the header facts, the
       number of redactions and the review's counts from it instead of working them out again.
       Empty: each view works them out (tp:page-facts, tp:redaction-count, tp:page-counts). -->
  <xsl:param name="index-facts" as="map(xs:string, xs:string)?" select="()"/>


  <!-- ============================================================ layout -->

  <!-- Elements whose children are blocks; white space between those children is insignificant. -->
  <xsl:variable name="tp:container-names" as="xs:string+"
      select="('body', 'div', 'opener', 'closer', 'postscript', 'list', 'quote', 'floatingText')"/>

  <!-- Elements that mark a place in the layout but hold no text of their own. -->
  <xsl:variable name="tp:milestone-names" as="xs:string+"
      select="('space', 'pb', 'cb', 'milestone', 'anchor')"/>

  <!-- A container is a container-named element whose parent is a container too (or the text's
       body itself), so that a quote inside a paragraph stays inline. -->
  <xsl:function name="tp:is-container" as="xs:boolean" cache="yes">
    <xsl:param name="e" as="node()?"/>
    <xsl:sequence select="exists($e/self::*) and local-name($e) = $tp:container-names
        and (exists($e/self::body/parent::text) or tp:is-container($e/..))"/>
  </xsl:function>

  <!-- A block is any other element directly inside a container: one source paragraph. (An
       element of another name is no container: its name is compared before the cached
       function is asked, whose lookup costs more than the comparison.) -->
  <xsl:function name="tp:is-block" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="tp:is-container($e/..)
        and not(local-name($e) = $tp:container-names and tp:is-container($e))
        and not(local-name($e) = $tp:milestone-names)"/>
  </xsl:function>

  <!-- The blocks of a body (a container) and the vertical spaces between them, in document
       order. Blocks and spaces are children of containers, and a container-named child of a
       container is a container: so only the containers' children are visited, child by child,
       each asked by its name (not every element of the body whether its parent is a container). -->
  <xsl:function name="tp:layout-items" as="element()*">
    <xsl:param name="body" as="element()"/>
    <xsl:sequence select="$body/* ! (if (local-name() = $tp:container-names) then tp:layout-items(.)
        else if (local-name() = $tp:milestone-names) then self::space[@dim = 'vertical'] else .)"/>
  </xsl:function>

  <!-- The @rend tokens of an element. The functions below ask contains() first, which costs a
       tenth of tokenize() or matches(): most elements have no @rend, or not the token asked for,
       and every block and phrase of every page is asked. -->
  <xsl:function name="tp:rend-tokens" as="xs:string*">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="tokenize(normalize-space($e/@rend), ' ')"/>
  </xsl:function>

  <xsl:function name="tp:has-rend" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:param name="token" as="xs:string"/>
    <xsl:sequence select="contains($e/@rend, $token) and $token = tp:rend-tokens($e)"/>
  </xsl:function>

  <!-- N of a heading(N) token: the number of '#' the source line began with. -->
  <xsl:function name="tp:heading-level" as="xs:integer?">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if (not(contains($e/@rend, 'heading('))) then ()
        else tp:rend-tokens($e)[matches(., '^heading\(\d+\)$')][1] ! xs:integer(replace(., '\D', ''))"/>
  </xsl:function>

  <!-- N of an indent(N) token: the spaces a source line had before its heading marker or bullet. -->
  <xsl:function name="tp:indent" as="xs:integer">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if (not(contains($e/@rend, 'indent('))) then 0
        else (tp:rend-tokens($e)[matches(., '^indent\(\d+\)$')][1] ! xs:integer(replace(., '\D', '')), 0)[1]"/>
  </xsl:function>

  <!-- The marker of a bullet(X) token: the characters the source line began with, before a space. -->
  <xsl:function name="tp:bullet" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if (not(contains($e/@rend, 'bullet('))) then ()
        else tp:rend-tokens($e)[matches(., '^bullet\(.+\)$')][1] ! replace(., '^bullet\((.+)\)$', '$1')"/>
  </xsl:function>


  <!-- The words of an element on one line: its text with line breaks read as spaces. An element
       without a line break is its string value, made without a sequence of its text nodes; the
       others are walked once, text and line breaks in one step (a union of two paths is sorted). -->
  <xsl:function name="tp:words" as="xs:string">
    <xsl:param name="e" as="node()?"/>
    <xsl:sequence select="if ($e instance of element() and empty($e//lb)) then normalize-space(string($e))
        else normalize-space(string-join($e//(text() | lb) ! (if (self::lb) then ' ' else string(.))))"/>
  </xsl:function>


  <!-- ============================================================ facts -->

  <!-- The order and the labels in which every rendering lists the header facts. -->
  <xsl:variable name="tp:fact-labels" as="map(xs:string, xs:string)" select="map {
      'date': 'Date', 'sender': 'Sender', 'recipient': 'Recipient', 'number': 'Number',
      'kind': 'Kind', 'classification': 'Classification', 'release': 'Release' }"/>
  <xsl:variable name="tp:fact-order" as="xs:string+"
      select="('date', 'sender', 'recipient', 'number', 'kind', 'classification', 'release')"/>

  <!-- The header facts of a document as strings, keyed as in $tp:fact-order plus 'title' and
       'sort-date' (ISO, for sorting). A fact the document does not record is absent. -->
  <xsl:function name="tp:facts" as="map(xs:string, xs:string)" cache="yes">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="header" select="$tei/teiHeader"/>
    <xsl:variable name="date" select="tp:document-date($tei)"/>
    <xsl:variable name="entries" as="map(xs:string, xs:string)*">
      <xsl:sequence select="tp:fact('title', $header/fileDesc/titleStmt/title[1])"/>
      <xsl:sequence select="tp:fact('date', $date ! tp:date-label(.))"/>
      <xsl:sequence select="tp:fact('sort-date', ($date/@when, $date/@notBefore, $date/@from)[1])"/>
      <xsl:sequence select="tp:fact('sender', tp:party($tei, 'sent'))"/>
      <xsl:sequence select="tp:fact('recipient', tp:party($tei, 'received'))"/>
      <xsl:sequence select="tp:fact('number', (
          $header/fileDesc/sourceDesc//idno[@type = ('number', 'telegram', 'cable')],
          $tei/text/body//idno)[1])"/>
      <xsl:sequence select="tp:fact('kind', (tp:category($tei, 'kind'),
          $tei/text/body/div[1]/@type)[1])"/>
      <xsl:sequence select="tp:fact('classification', (tp:category($tei, 'security'),
          for $stamp in tp:classification-stamps($tei)[1]
          return tp:words($stamp) || ' (struck through)'[exists($stamp//del)])[1])"/>
      <xsl:sequence select="tp:fact('release', tp:release($tei))"/>
    </xsl:variable>
    <xsl:sequence select="map:merge($entries)"/>
  </xsl:function>

  <!-- The header facts of the document rendered: those of $index-facts when it is given (its
       other entries, the counts, are never read as facts: the views ask for the facts of
       $tp:fact-order and the title), else tp:facts. -->
  <xsl:function name="tp:page-facts" as="map(xs:string, xs:string)">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:sequence select="if (exists($index-facts)) then $index-facts else tp:facts($tei)"/>
  </xsl:function>

  <!-- One fact as a one-entry map, or nothing when the value is missing or blank. -->
  <xsl:function name="tp:fact" as="map(xs:string, xs:string)?">
    <xsl:param name="key" as="xs:string"/>
    <xsl:param name="value" as="item()?"/>
    <xsl:variable name="text" select="if ($value instance of element()) then tp:words($value)
        else normalize-space(string($value))"/>
    <xsl:sequence select="if ($text) then map { $key: $text } else ()"/>
  </xsl:function>

  <!-- The date the document was sent: the header's first, the body's first dated date otherwise. -->
  <xsl:function name="tp:document-date" as="element(tei:date)?">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="actions" select="$tei/teiHeader/profileDesc/correspDesc/correspAction"/>
    <xsl:sequence select="($actions[@type = 'sent']//date, $actions//date)[1]"/>
  </xsl:function>

  <!-- A date as a reader reads it: "2 March 1951", "2 March 1951, 11:55"; its text otherwise. -->
  <xsl:function name="tp:date-label" as="xs:string">
    <xsl:param name="date" as="element(tei:date)"/>
    <xsl:variable name="when" select="string($date/@when)"/>
    <xsl:sequence select="
        if ($when castable as xs:date) then tp:day-month-year(xs:date($when))
        else if ($when castable as xs:dateTime)
          then tp:day-month-year(xs:date(xs:dateTime($when))) || ', '
            || substring(string(100 + hours-from-dateTime(xs:dateTime($when))), 2) || ':'
            || substring(string(100 + minutes-from-dateTime(xs:dateTime($when))), 2)
        else if ($when castable as xs:gYearMonth)
          then format-date(xs:date($when || '-01'), '[MNn] [Y]', 'en', (), ())
        else tp:words($date)"/>
  </xsl:function>

  <!-- "2 March 1951": format-date($date, '[D] [MNn] [Y]', 'en'), which costs 25 µs a call in
       SaxonC (as much as the rest of the header facts), written out for a year of four digits
       (the others as format-date writes them). -->
  <xsl:variable name="tp:month-names" as="xs:string+" select="('January', 'February', 'March',
      'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December')"/>

  <xsl:function name="tp:day-month-year" as="xs:string">
    <xsl:param name="date" as="xs:date"/>
    <xsl:variable name="year" select="year-from-date($date)"/>
    <xsl:sequence select="if ($year ge 1000 and $year le 9999)
        then day-from-date($date) || ' ' || $tp:month-names[month-from-date($date)] || ' ' || $year
        else format-date($date, '[D] [MNn] [Y]', 'en', (), ())"/>
  </xsl:function>

  <!-- Who sent or received the document, from the header's correspondence description. -->
  <xsl:function name="tp:party" as="xs:string?">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:param name="type" as="xs:string"/>
    <xsl:variable name="action"
        select="$tei/teiHeader/profileDesc/correspDesc/correspAction[@type = $type][1]"/>
    <xsl:variable name="names" select="$action/(persName | orgName | name | roleName)"/>
    <xsl:sequence select="if (exists($names)) then string-join($names ! tp:words(.), '; ')
        else ()"/>
  </xsl:function>

  <!-- The description of the category a document is classed in, for one taxonomy ('security',
       'kind'): a taxonomy is known by its @xml:id ending in that word. -->
  <xsl:function name="tp:category" as="xs:string?">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:param name="taxonomy" as="xs:string"/>
    <xsl:variable name="header" select="$tei/teiHeader"/>
    <xsl:variable name="scheme" select="$header//taxonomy[@xml:id = $taxonomy
        or ends-with(@xml:id, '.' || $taxonomy) or ends-with(@xml:id, '-' || $taxonomy)]"/>
    <xsl:variable name="ref" select="$header/profileDesc/textClass/catRef
        [substring-after(@scheme, '#') = $scheme/@xml:id][1]"/>
    <xsl:variable name="id" select="substring-after($ref/@target, '#')"/>
    <xsl:sequence select="($scheme//category[@xml:id = $id]/(catDesc, gloss)[1])[1]
        ! normalize-space(.)"/>
  </xsl:function>

  <!-- The classification markings printed on the document, in order. -->
  <xsl:function name="tp:classification-stamps" as="element(tei:stamp)*">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:sequence select="$tei/text//stamp[@type = 'classification']"/>
  </xsl:function>

  <!-- The release (declassification) statement: its date where it has one, its words otherwise. -->
  <xsl:function name="tp:release" as="xs:string?">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="stamp" select="($tei/text//stamp[@type = ('declassification', 'release')])[1]"/>
    <xsl:sequence select="if (empty($stamp)) then ()
        else if ($stamp/@when castable as xs:date)
          then 'Approved for release ' || tp:day-month-year(xs:date($stamp/@when))
        else tp:words($stamp)"/>
  </xsl:function>

  <xsl:function name="tp:redactions" as="element(tei:gap)*">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:sequence select="$tei/text//gap[@reason = 'redacted']"/>
  </xsl:function>

  <!-- How many redactions the document rendered has: as $index-facts says, or counted. -->
  <xsl:function name="tp:redaction-count" as="xs:integer">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:sequence select="if (exists($index-facts)) then xs:integer($index-facts?redactions)
        else count(tp:redactions($tei))"/>
  </xsl:function>

  <!-- What a redaction withheld, as the document says it: its description and its extent. -->
  <xsl:function name="tp:redaction-extent" as="xs:string">
    <xsl:param name="gap" as="element(tei:gap)"/>
    <xsl:variable name="desc" select="normalize-space(string-join($gap/desc, ' '))"/>
    <xsl:variable name="extent" select="
        if ($gap/@quantity) then string-join(($gap/@quantity, $gap/@unit ! (. || 's'[$gap/@quantity != '1'])), ' ')
        else if ($gap/@extent) then string($gap/@extent) else ''"/>
    <xsl:sequence select="string-join(($desc[. and . ne 'redacted'], $extent[.]), '; ')"/>
  </xsl:function>


  <!-- ============================================================ sources -->

  <!-- The block that carries the source position of an element. -->
  <xsl:function name="tp:source-block" as="element()?">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="$e/ancestor-or-self::*[@source][1]"/>
  </xsl:function>

  <!-- The prefix definitions of a document by their prefix. -->
  <xsl:key name="tp:prefix-def" match="prefixDef" use="@ident"/>

  <!-- @source of a block resolved through the header's prefixDef: "src:line=S,E" becomes the
       prefixDef's replacement, e.g. "../seeds/000_x.txt#line=S,E". The patterns are the
       document's, so each would be compiled when used (dearer than all the rest of a block's
       work): the pattern teipipe's encoder writes is written here as a literal, compiled once
       with the stylesheet, and a document's other patterns are compiled when used. The answer is
       cached per block, which every decision in the block asks for. -->
  <xsl:function name="tp:source-uri" as="xs:string?" cache="yes">
    <xsl:param name="block" as="element()?"/>
    <xsl:variable name="pointer" select="tp:first-token(string($block/@source))"/>
    <xsl:variable name="prefix" select="substring-before($pointer, ':')"/>
    <xsl:variable name="def"
        select="($block/ancestor::TEI[1]/teiHeader ! key('tp:prefix-def', $prefix, .))[1]"/>
    <xsl:variable name="rest" select="substring-after($pointer, ':')"/>
    <xsl:sequence select="
        if (empty($block) or not($pointer)) then ()
        else if (empty($def)) then $pointer
        else if ($def/@matchPattern = 'line=(\d+),(\d+)')
          then (if (matches($rest, 'line=(\d+),(\d+)'))
                then replace($rest, 'line=(\d+),(\d+)', $def/@replacementPattern) else $pointer)
        else if (matches($rest, $def/@matchPattern))
          then replace($rest, $def/@matchPattern, $def/@replacementPattern)
        else $pointer"/>
  </xsl:function>

  <!-- The first white-space separated token of a string ('' when it has none); tokenize() only
       when there is white space to split at. -->
  <xsl:function name="tp:first-token" as="xs:string">
    <xsl:param name="value" as="xs:string"/>
    <xsl:sequence select="if (contains($value, ' ') or contains($value, '&#9;') or contains($value, '&#10;')
        or contains($value, '&#13;')) then string(tokenize(normalize-space($value), ' ')[1]) else $value"/>
  </xsl:function>

  <!-- Where a block is in its source: the file's name ('file') and the 1-based line the block
       starts on ('line': RFC 5147 "line=S,E" counts the S lines before it); each absent when
       @source does not say. Cached per block, which every decision in it asks for. -->
  <xsl:function name="tp:block-source" as="map(xs:string, item()?)" cache="yes">
    <xsl:param name="block" as="element()?"/>
    <xsl:variable name="uri" select="tp:source-uri($block)"/>
    <xsl:sequence select="map {
        'file': $uri[contains(., '#')] ! substring-before(., '#')
                ! (if (contains(., '/')) then tokenize(., '/')[last()] else .)[.],
        'line': if (not(matches($uri, 'line=\d+'))) then ()
                else xs:integer(replace($uri, '^.*line=(\d+).*$', '$1')) + 1 }"/>
  </xsl:function>

  <!-- The file name of the source an element came from. -->
  <xsl:function name="tp:source-file" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="tp:block-source(tp:source-block($e))?file"/>
  </xsl:function>

  <!-- The 1-based source line an element is on: the first line of its block plus the line
       breaks in the block before the element. -->
  <xsl:function name="tp:source-line" as="xs:integer?" cache="yes">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="block" select="tp:source-block($e)"/>
    <xsl:sequence select="tp:block-source($block)?line ! (. + count($block//lb[. &lt;&lt; $e]))"/>
  </xsl:function>

  <!-- "000_x.txt, line 5", "line 5", or nothing. -->
  <xsl:function name="tp:source-label" as="xs:string?" cache="yes">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="line" select="tp:source-line($e)"/>
    <xsl:sequence select="if (empty($line)) then ()
        else string-join((tp:source-file($e), 'line ' || $line), ', ')"/>
  </xsl:function>


  <!-- ============================================================ decisions -->

  <!-- Elements that record a decision of the encoder, each shown in the review view: in the
       header, the header facts (tp:header-facts); in the text, those with a certainty or an
       editor's responsibility, and these kinds. -->
  <!-- The element's own name and attributes are asked before its ancestors (a walk to the root),
       and the answer is kept: the review view asks it of an element for its mark and again for
       the panel (tp:decisions). -->
  <xsl:function name="tp:is-decision" as="xs:boolean" cache="yes">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="(exists($e/@cert) or exists($e/@resp) or exists($e/(
        self::stamp | self::gap | self::supplied | self::persName[@type = 'pseudo'] | self::foreign
        | self::choice | self::note | self::hi | self::del | self::date[@when] | self::fw)))
        and exists($e/ancestor::text)
        or tp:is-header-fact($e) and exists($e/ancestor::teiHeader)"/>
  </xsl:function>

  <!-- A bracket the encoder could not read for sure: brackets kept from the source on an element
       whose reason the encoder had to guess. -->
  <xsl:function name="tp:is-guessed-bracket" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="tp:has-rend($e, 'brackets')
        and ($e/@reason = ('undetermined', 'unknown', 'unclear') or exists($e/@cert))"/>
  </xsl:function>

  <!-- The order of the review panel: low certainty first, then medium, guessed brackets, and the
       decisions the encoder was sure of last. -->
  <!-- A header fact the archive's catalogue states (its @source points at the catalogue record),
       and whether the text states another beside it. -->
  <xsl:function name="tp:from-catalogue" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="ends-with(string($e/@source), '.catalogue') and starts-with(string($e/@source), '#')"/>
  </xsl:function>

  <xsl:function name="tp:catalogue-disagrees" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="tp:from-catalogue($e) and exists($e/../*[local-name() = local-name($e)]
        [not(tp:from-catalogue(.))][not(@type = 'release')][not(ends-with(string(@target), '.unmarked'))])"/>
  </xsl:function>

  <xsl:function name="tp:decision-rank" as="xs:integer" cache="yes">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="
        if (tp:catalogue-disagrees($e)) then 1
        else if ($e/@cert = 'low') then 1
        else if ($e/@cert = 'medium') then 2
        else if (tp:is-guessed-bracket($e)) then 3
        else 5"/>
  </xsl:function>

  <!-- The certainty word shown for a decision. -->
  <xsl:function name="tp:certainty" as="xs:string" cache="yes">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="($e/@cert, 'guessed'[tp:is-guessed-bracket($e)], 'sure')[1]"/>
  </xsl:function>

  <!-- A stable anchor for an element: its path from the body, one step per element with its
       position among siblings of the same name ("body1-div1-p3-gap2"). Cached, so that the
       names and decisions of a block share the anchors of its ancestors. -->
  <xsl:function name="tp:anchor" as="xs:string" cache="yes">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if (empty($e/ancestor::text)) then ''
        else if (empty($e/../ancestor::text)) then tp:anchor-step($e)
        else tp:anchor($e/..) || '-' || tp:anchor-step($e)"/>
  </xsl:function>

  <!-- The step of an element in an anchor: its name and its position among its parent's children
       of that name ("p3"). Counted among a few siblings; among many, taken from a map of all of
       them made once per parent (tp:sibling-steps), so that a body of many paragraphs gets its
       anchors in linear time. -->
  <xsl:function name="tp:anchor-step" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if (exists($e/../*[33])) then tp:sibling-steps($e/..)(generate-id($e))
        else local-name($e) || count($e/preceding-sibling::*[node-name() eq node-name($e)]) + 1"/>
  </xsl:function>

  <!-- The step of each child of an element in an anchor, by generate-id(). -->
  <xsl:function name="tp:sibling-steps" as="map(xs:string, xs:string)" cache="yes">
    <xsl:param name="parent" as="node()"/>
    <xsl:map>
      <xsl:for-each-group select="$parent/*" group-by="node-name()">
        <xsl:for-each select="current-group()">
          <xsl:map-entry key="generate-id(.)" select="local-name() || position()"/>
        </xsl:for-each>
      </xsl:for-each-group>
    </xsl:map>
  </xsl:function>

  <!-- What kind of decision an element is, in an editor's words: "redaction", "expansion",
       "alternative name", "identification", "header: sender"; other elements by their name and
       type: "hi (bold)". -->
  <xsl:function name="tp:decision-label" as="xs:string" cache="yes">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="qualifier" select="($e/@type, $e/@reason, $e/@rend[not($e/self::choice)],
        $e/self::catRef/@target ! tokenize(., '[#.]')[last()])[1]"/>
    <xsl:sequence select="(
        if ($e/ancestor::teiHeader) then 'header: ' || tp:header-fact-name($e)
        else if ($e/self::choice[abbr or expan]) then 'expansion'
        else if ($e/self::choice[orig or reg]) then 'alternative name'
        else if ($e/self::choice[sic or corr]) then 'correction'
        else if ($e/self::gap[@reason = 'redacted']) then 'redaction'
        else if ($e/self::gap[@reason = 'editorial']) then 'omission'
        else if ($e/self::gap) then 'unreadable (' || ($e/@reason, 'illegible')[1] || ')'
        else if ($e/self::supplied[@reason = 'identification']) then 'identification'
        else if ($e/self::supplied) then 'supplied word'
        else if ($e/self::note[@type = 'received']) then 'note of receipt'
        else if ($e/self::note) then 'editorial comment'
        else if ($e/self::foreign) then 'original-language term'
        else if ($e/self::persName[@type = 'pseudo']) then 'pseudonym'
        else if ($e/self::stamp[@type = 'classification']) then 'classification marking'
        else if ($e/self::stamp[@type = ('declassification', 'release')]) then 'release stamp'
        else if ($e/self::persName) then 'person'
        else if ($e/self::placeName) then 'place'
        else if ($e/self::orgName) then 'organisation'
        else local-name($e) || $qualifier ! (' (' || normalize-space(.) || ')'))
        || (if (tp:catalogue-disagrees($e)) then ', the catalogue disagrees with the text'
            else if (tp:from-catalogue($e)) then ', from the catalogue' else '')"/>
  </xsl:function>

  <!-- The header facts: who sent, passed on and received the document, where from and when,
       its classification and its kind; each is listed by the review view, sure or not. -->
  <xsl:function name="tp:header-facts" as="element()*">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:sequence select="$tei/teiHeader/profileDesc/correspDesc/correspAction/(persName | orgName
        | placeName | date), $tei/teiHeader/profileDesc/textClass/catRef"/>
  </xsl:function>

  <xsl:function name="tp:is-header-fact" as="xs:boolean">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="exists($e/self::catRef/parent::textClass/parent::profileDesc
        | $e[self::persName | self::orgName | self::placeName | self::date]/parent::correspAction)"/>
  </xsl:function>

  <!-- "sender", "recipient", "date", "classification", "kind"... -->
  <xsl:function name="tp:header-fact-name" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="action" select="string($e/parent::correspAction/@type)"/>
    <xsl:sequence select="
        if ($e/self::catRef) then (if (ends-with($e/@scheme, 'kind')) then 'kind' else 'classification')
        else if ($e/self::date) then (if ($action = 'sent') then 'date' else 'date ' || $action)
        else if ($e/self::placeName) then 'place ' || $action
        else map { 'sent': 'sender', 'received': 'recipient', 'transmitted': 'intermediary' }($action)"/>
  </xsl:function>

  <!-- The value of a header fact as the review lists it. -->
  <xsl:function name="tp:header-fact-value" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="scheme" select="$e/ancestor::teiHeader//taxonomy[@xml:id = substring-after($e/@scheme, '#')]"/>
    <xsl:sequence select="if ($e/self::catRef) then
          string(($scheme//category[@xml:id = substring-after($e/@target, '#')]/catDesc, $e/@target)[1])
        else if ($e/self::date) then string-join((tp:words($e), $e/@when ! ('(' || . || ')')), ' ')
        else tp:words($e)"/>
  </xsl:function>

  <!-- Where in the text a header fact was read: the first block that prints its words (for the
       classification, the first classification stamp). -->
  <xsl:function name="tp:fact-place" as="element()?" cache="yes">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="text" select="$e/ancestor::TEI[1]/text"/>
    <xsl:variable name="words" select="if ($e/self::catRef) then () else tp:words($e)"/>
    <xsl:sequence select="
        if (tp:from-catalogue($e)) then ()
        else if (starts-with($e/@source, 'src:')) then $e
        else if ($e/self::catRef[not(ends-with(@scheme, 'kind'))]) then ($text//stamp[@type = 'classification'])[1]
        else if ($words) then tp:first-printing($text, $words)
        else ()"/>
  </xsl:function>

  <!-- The first element of a text with a source position whose words contain $words. The words
       of those elements are made once per text (tp:sourced-words), not once per header fact. -->
  <xsl:function name="tp:first-printing" as="element()?">
    <xsl:param name="text" as="element()"/>
    <xsl:param name="words" as="xs:string"/>
    <xsl:variable name="all" select="tp:sourced-words($text)"/>
    <xsl:sequence select="for $i in (for $i in 1 to count($all) return $i[contains($all[$i], $words)])[1]
        return tp:sourced($text)[$i]"/>
  </xsl:function>

  <xsl:function name="tp:sourced" as="element()*" cache="yes">
    <xsl:param name="text" as="element()"/>
    <xsl:sequence select="$text//*[@source]"/>
  </xsl:function>

  <xsl:function name="tp:sourced-words" as="xs:string*" cache="yes">
    <xsl:param name="text" as="element()"/>
    <xsl:sequence select="tp:sourced($text) ! tp:words(.)"/>
  </xsl:function>

  <!-- The editor responsible for an element's reading (@resp to a respStmt), by name. -->
  <xsl:function name="tp:reviewer" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="id" select="substring-after(string($e/@resp), '#')"/>
    <xsl:sequence select="if (not($id)) then ()
        else string(($e/ancestor::TEI[1]//respStmt[@xml:id = $id]/(name | persName), $id)[1])"/>
  </xsl:function>

  <!-- The decisions of a document in the order of the review panel's counts: every header fact
       and every decision in the text. The walk names what a decision in the text can be
       (tp:is-decision) before it asks, as html.xsl's pattern for a decision does: asked of every
       element, the call would cost more than all the rest. -->
  <xsl:function name="tp:decisions" as="element()*" cache="yes">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:sequence select="tp:header-facts($tei), $tei/text//*[@cert or @resp or self::stamp or self::gap
        or self::supplied or self::persName or self::foreign or self::choice or self::note or self::hi
        or self::del or self::date or self::fw][tp:is-decision(.)]"/>
  </xsl:function>

  <!-- How many decisions the review lists (missing header facts included), how many of those
       the editors should check first, how many an editor has reviewed. -->
  <xsl:function name="tp:review-counts" as="map(xs:string, xs:integer)">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:variable name="decisions" select="tp:decisions($tei)"/>
    <xsl:variable name="missing" select="tp:missing-facts(tp:facts($tei))"/>
    <xsl:sequence select="map {
        'decisions': count($decisions) + count($missing),
        'uncertain': count($decisions[tp:decision-rank(.) lt 5][not(@resp)]) + count($missing),
        'reviewed': count($decisions[@resp]) }"/>
  </xsl:function>

  <!-- The review's counts of the document rendered, as tp:review-counts makes them: those of
       $index-facts when it is given (the same numbers, as strings), else counted. -->
  <xsl:function name="tp:page-counts" as="map(xs:string, xs:anyAtomicType)">
    <xsl:param name="tei" as="element(tei:TEI)"/>
    <xsl:sequence select="if (exists($index-facts)) then $index-facts else tp:review-counts($tei)"/>
  </xsl:function>

  <!-- Of a document's header facts (tp:facts), those whose absence the review view reports. -->
  <xsl:function name="tp:missing-facts" as="xs:string*">
    <xsl:param name="facts" as="map(xs:string, xs:string)"/>
    <xsl:sequence select="('date', 'sender')[not(map:contains($facts, .))]"/>
  </xsl:function>


  <!-- ============================================================ names and registers -->

  <!-- The entries of the authority file an element points at (its @ref tokens of the form
       "authority.xml#pers-stalin"), as ids. Nearly every @ref is one pointer: it is read as it
       is, without normalize-space() and tokenize(), which cost more than the rest of a link. -->
  <xsl:function name="tp:authority-ids" as="xs:string*">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="ref" select="string($e/@ref)"/>
    <xsl:sequence select="if (not(contains($ref, 'authority.xml#'))) then ()
        else if (starts-with($ref, 'authority.xml#') and not(contains($ref, ' ') or contains($ref, '&#9;')
            or contains($ref, '&#10;') or contains($ref, '&#13;'))) then substring-after($ref, '#')[.]
        else tokenize(normalize-space($ref), ' ')[starts-with(., 'authority.xml#')] ! substring-after(., '#')[.]"/>
  </xsl:function>

  <!-- The register page of each kind of name; an element of another name (name, rs) goes by the
       prefix of the id it points at. pipeline/registers.py keeps the same table. -->
  <xsl:variable name="tp:register-pages" as="map(xs:string, xs:string)" select="map {
      'persName': 'persons.html', 'placeName': 'places.html', 'geogName': 'places.html',
      'orgName': 'organisations.html' }"/>

  <xsl:function name="tp:register-page" as="xs:string">
    <xsl:param name="element-name" as="xs:string"/>
    <xsl:param name="id" as="xs:string"/>
    <xsl:sequence select="($tp:register-pages($element-name),
        'places.html'[starts-with($id, 'place-')], 'organisations.html'[starts-with($id, 'org-')],
        'persons.html')[1]"/>
  </xsl:function>

  <!-- The link from a name to its entry in the register, or nothing when it points at none. -->
  <xsl:function name="tp:register-href" as="xs:string?">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="id" select="tp:authority-ids($e)[1]"/>
    <xsl:sequence select="if (empty($id)) then () else tp:register-page(local-name($e), $id) || '#' || $id"/>
  </xsl:function>

  <!-- The anchor of a name in a document's page: in the text, its path (tp:anchor); in the
       header's correspondence description, "header-" and its path from there. A name that
       points at the authority file carries it already (@tp:anchor, written by
       pipeline/registers.py with the path the registers link to), and it is read from there. tp:anchor is not
       called as the last step of this function ("(..., '')[1]"): SaxonC makes such a call a tail
       call, and a tail call of a cache="yes" function neither looks in its cache nor fills it
       (an anchor asked again then costs as much as the first time, several times a lookup). -->
  <xsl:function name="tp:name-anchor" as="xs:string">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="if ($e/@tp:anchor) then string($e/@tp:anchor)
        else if ($e/ancestor::text) then (tp:anchor($e), '')[1]
        else 'header-' || string-join(
          for $step in $e/ancestor-or-self::*[ancestor-or-self::correspDesc]
          return tp:anchor-step($step), '-')"/>
  </xsl:function>


  <!-- ============================================================ the HTML page shell -->

  <!-- One standalone HTML5 page: used by html.xsl for a document and by index.xsl for the corpus.
       $class names the page kind on <body>; the content is the page's children: $content, or
       what the calling stylesheet's template tp:page-content makes. A document's page comes
       from tp:page-content, so that it goes straight into the page as it is made: passed as
       $content, it would be built as a tree of its own first and then copied. -->
  <xsl:template name="tp:html-page">
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="lang" as="xs:string" select="'en'"/>
    <xsl:param name="class" as="xs:string"/>
    <xsl:param name="content" as="node()*" select="()"/>
    <xsl:param name="script" as="xs:string?" select="()"/>
    <html lang="{$lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="{$generator}"/>
        <title>{$title}</title>
        <link rel="stylesheet" href="{$css}"/>
        <link rel="icon" href="data:,"/>
      </head>
      <body class="{$class}">
        <xsl:sequence select="$content"/>
        <xsl:call-template name="tp:page-content"/>
        <xsl:if test="$script">
          <script>{$script}</script>
        </xsl:if>
      </body>
    </html>
  </xsl:template>

  <!-- The content of a page that tp:html-page is not given as $content: html.xsl and index.xsl
       have their own. -->
  <xsl:template name="tp:page-content"/>

</xsl:stylesheet>
