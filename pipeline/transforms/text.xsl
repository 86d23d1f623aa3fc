<?xml version="1.0" encoding="UTF-8"?>
<!--
  text.xsl: one TEI document to plain text.

  $view = 'reading'     a text to read: the header facts on top, the markup resolved, redactions
                        as "[redacted: what and how much]", the editors' additions in brackets.
  $view = 'diplomatic'  the source text again, character for character (after line endings and
                        trailing white space are normalised): every markdown or OCR leftover that
                        the encoder turned into markup is written back as it stood. This is the
                        proof that encoding lost nothing; the rules are in docs/encoding.md.

  Blocks are laid out by the "layout" mode; one template per element writes a block's content,
  with the view deciding which marks go around it.
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

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:variable name="diplomatic" as="xs:boolean" select="$view = 'diplomatic'"/>


  <!-- ============================================================ the document -->

  <xsl:template match="/">
    <xsl:apply-templates select="TEI"/>
  </xsl:template>

  <xsl:template match="TEI">
    <xsl:if test="not($diplomatic)">
      <xsl:call-template name="facts"/>
    </xsl:if>
    <xsl:apply-templates select="text/body" mode="layout"/>
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <!-- The reading text opens with the title, underlined, and the header facts. -->
  <xsl:template name="facts">
    <xsl:variable name="facts" select="tp:page-facts(.)"/>
    <xsl:variable name="title" select="($facts?title, string(@xml:id))[1]"/>
    <xsl:variable name="redactions" select="tp:redaction-count(.)"/>
    <xsl:text>{$title}&#10;{tp:repeat('=', string-length($title))}&#10;&#10;</xsl:text>
    <xsl:for-each select="$tp:fact-order[map:contains($facts, .)]">
      <xsl:text>{tp:label($tp:fact-labels(.))}{$facts(.)}&#10;</xsl:text>
    </xsl:for-each>
    <xsl:if test="$redactions gt 0">
      <xsl:text>{tp:label('Redactions')}{$redactions}&#10;</xsl:text>
    </xsl:if>
    <xsl:text>&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:function name="tp:label" as="xs:string">
    <xsl:param name="label" as="xs:string"/>
    <xsl:sequence select="substring($label || ':' || tp:repeat(' ', 16), 1, 16)"/>
  </xsl:function>

  <xsl:function name="tp:repeat" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:param name="n" as="xs:integer"/>
    <xsl:sequence select="string-join((1 to $n) ! $s)"/>
  </xsl:function>


  <!-- ============================================================ layout -->

  <!-- Blocks in document order, one blank line between two, plus one newline for each extra blank
       line a vertical space records (the diplomatic view only); a next-line block starts on the
       line after the block before it, a run-on block continues that block's line. A block
       without @rend has none of these tokens: it is not asked (a call costs more than the test). -->
  <xsl:template match="body" mode="layout">
    <xsl:iterate select="tp:layout-items(.)">
      <xsl:param name="extra" as="xs:integer" select="0"/>
      <xsl:param name="first" as="xs:boolean" select="true()"/>
      <xsl:on-completion>
        <xsl:if test="$diplomatic">{tp:repeat('&#10;', $extra)}</xsl:if>
      </xsl:on-completion>
      <xsl:choose>
        <xsl:when test="self::space">
          <xsl:next-iteration>
            <xsl:with-param name="extra" select="$extra + xs:integer((@quantity[. castable as xs:integer], 1)[1])"/>
            <xsl:with-param name="first" select="$first"/>
          </xsl:next-iteration>
        </xsl:when>
        <xsl:otherwise>
          <xsl:variable name="blank-lines" select="if ($diplomatic) then $extra else 0"/>
          <xsl:value-of select="
              if (@rend and tp:has-rend(., 'run-on')) then ''
              else if ($first) then tp:repeat('&#10;', $blank-lines)
              else if (@rend and tp:has-rend(., 'next-line')) then '&#10;'
              else '&#10;&#10;' || tp:repeat('&#10;', $blank-lines)"/>
          <xsl:value-of select="if (@rend) then tp:block-prefix(.) else ''"/>
          <xsl:apply-templates select="."/>
          <xsl:next-iteration>
            <xsl:with-param name="extra" select="0"/>
            <xsl:with-param name="first" select="false()"/>
          </xsl:next-iteration>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:iterate>
  </xsl:template>

  <!-- What a block's source line began with: N spaces for indent(N) and "## " for heading(2)
       (diplomatic only), "- " for bullet(-). -->
  <xsl:function name="tp:block-prefix" as="xs:string">
    <xsl:param name="block" as="element()"/>
    <xsl:variable name="level" select="tp:heading-level($block)"/>
    <xsl:sequence select="string-join((
        if ($diplomatic) then tp:repeat(' ', tp:indent($block)) else (),
        if ($diplomatic and exists($level)) then tp:repeat('#', $level) || ' ' else (),
        tp:bullet($block) ! (. || ' ')))"/>
  </xsl:function>


  <!-- ============================================================ content -->

  <!-- Any element: its content between the marks the view puts around it. -->
  <xsl:template match="*">
    <xsl:variable name="marks" select="if ($diplomatic) then tp:source-marks(.) else tp:reading-marks(.)"/>
    <xsl:value-of select="$marks[1]"/>
    <xsl:apply-templates/>
    <xsl:value-of select="$marks[2]"/>
  </xsl:template>

  <!-- An element the view puts no marks around (neither @rend nor an editors' addition): its
       content alone, without asking tp:source-marks or tp:reading-marks, as most elements are. -->
  <xsl:template match="*[not(@rend)][$diplomatic or not(self::supplied | self::expan | self::reg | self::corr
      | self::note)]" priority="-0.25">
    <xsl:apply-templates/>
  </xsl:template>

  <xsl:template match="lb">
    <xsl:text>&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="pb | cb | space | milestone | anchor"/>

  <!-- A gap prints the words the document has in its place; the reading view names a redaction. -->
  <xsl:template match="gap">
    <xsl:variable name="desc" select="string-join(desc)"/>
    <xsl:choose>
      <xsl:when test="not($diplomatic) and @reason = 'redacted'">
        <xsl:text>[{string-join(('redacted', tp:redaction-extent(.)[.]), ': ')}]</xsl:text>
      </xsl:when>
      <xsl:when test="not($diplomatic)">
        <xsl:text>[{(normalize-space($desc)[.], '…')[1]}]</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <!-- the wording as printed, with its own marks (a struck or escaped character), inside
             the gap's brackets; "[]" when the brackets were empty -->
        <xsl:variable name="marks" select="tp:source-marks(.)"/>
        <xsl:value-of select="$marks[1]"/>
        <xsl:apply-templates select="desc/node()"/>
        <xsl:value-of select="$marks[2]"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The reading view says in words what a struck line looked like. -->
  <xsl:template match="del[not($diplomatic)]">
    <xsl:apply-templates/>
    <xsl:text> [struck through]</xsl:text>
  </xsl:template>


  <!-- ============================================================ marks -->

  <!-- The marks the source had around an element, as (opening, closing): each @rend token that
       records a markdown or OCR leftover gives back its characters, brackets outermost. -->
  <xsl:function name="tp:source-marks" as="xs:string+">
    <xsl:param name="e" as="element()"/>
    <xsl:variable name="tokens" select="if ($e/@rend) then tp:rend-tokens($e) else ()"/>
    <xsl:variable name="math" select="exists($e/self::seg[@type = 'math'])"/>
    <xsl:variable name="pairs" as="xs:string*" select="
        ('[', ']')[$tokens = 'brackets'],
        ('$', '$')[$math and $tokens = 'tex'],
        ('~~', '~~')[$tokens = 'strikethrough'],
        ('**', '**')[$tokens = 'bold'],
        ('*', '*')[$tokens = 'italic'],
        ('&lt;sup>', '&lt;/sup>')[$tokens = 'superscript' and $tokens = 'html'],
        ('&lt;sub>', '&lt;/sub>')[$tokens = 'subscript' and $tokens = 'html'],
        ('^{', '}')[$tokens = 'tex-braced'],
        ('^', '')[not($math) and $tokens = 'tex'],
        ('\', '')[$tokens = 'escaped']"/>
    <xsl:sequence select="tp:marks($pairs)"/>
  </xsl:function>

  <!-- The marks of the reading view: brackets around what the editors added, and around what the
       source itself had in brackets. -->
  <xsl:function name="tp:reading-marks" as="xs:string+">
    <xsl:param name="e" as="element()"/>
    <xsl:sequence select="tp:marks(('[', ']')[$e/(self::supplied | self::expan | self::reg | self::corr
        | self::note) or tp:has-rend($e, 'brackets')])"/>
  </xsl:function>

  <!-- Pairs (open1, close1, open2, close2…), outermost first, as one opening and one closing. -->
  <xsl:function name="tp:marks" as="xs:string+">
    <xsl:param name="pairs" as="xs:string*"/>
    <xsl:sequence select="string-join($pairs[position() mod 2 = 1]),
        string-join(reverse($pairs[position() mod 2 = 0]))"/>
  </xsl:function>

</xsl:stylesheet>
