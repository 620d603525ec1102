"""A saved web page -> routine text, from the page's own markup.

BeautifulSoup with Python's built-in ``html.parser`` (pure Python, tolerant of
the broken markup real pages have) gives the tree; we keep headings, list
items, paragraphs and table rows of the page's main content, and drop the
page chrome: navigation, header, footer, asides, scripts, styles, forms,
figures and their captions, and blocks whose class or id says they are
sharing buttons, ads, newsletters or related links.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from coach.errors import RoutineError
from coach.read.tables import table_blocks

DROP = {
    "script", "style", "noscript", "template", "nav", "aside", "form", "button", "select",
    "input", "textarea", "iframe", "svg", "canvas", "figure", "figcaption", "img", "picture",
    "video", "audio", "object", "embed", "head", "title", "meta", "link", "dialog",
}
CHROME = {"header", "footer"}
NOISE_ATTR = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|breadcrumbs?|share|sharing|social|newsletter|subscribe|"
    r"signup|related|recommended|promo|advert|ads?|ad-slot|sponsor|cookie|consent|comments?|"
    r"sidebar|footer|masthead|byline|author-bio|skip-link|print|popup|modal|tags|toc|caption|"
    r"wp-caption-text|credits?|screen-reader-text|sr-only|visually-hidden|date|dateline|updated|"
    r"published|timestamp|(?:post|entry|article|page|program|author)-?meta|actions|pagination|pager|btn|"
    r"button)(?:$|[-_\s])",
    re.IGNORECASE,
)
CHROME_PART = re.compile(
    r"menu|navbar|navigation|breadcrumb|sidebar|footer|cookie|newsletter|advert|sharing|sharedaddy|"
    r"social|post-?meta|entry-?meta|posted-on|widget|table-of-contents|ez-toc|toc-list",
    re.IGNORECASE,
)
"""Parts of a class or id that name chrome even inside a longer word
("topmenu", "leftsidebar", "site-footer")."""
HEADER_ATTR = re.compile(r"(?:^|[-_\s])(?:header|masthead|banner|topbar|top-bar)(?:$|[-_\s])", re.IGNORECASE)
HEADINGS = {f"h{n}": n for n in range(1, 7)}
BLOCKS = {"p", "div", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
          "article", "dl", "pre"}
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
    "font", "label", "del", "ins",
}


HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
LINK_AWAY = re.compile(r"\s*(?:more on|read more|see also|learn more|related:|click here|find out more)\b",
                       re.IGNORECASE)
"""A link inside the text that sends the reader to another page."""


def _is_noise(tag: Tag) -> bool:
    if tag.name in DROP:
        return True
    if tag.name == "a" and LINK_AWAY.match(tag.get_text()):
        return True
    names = " ".join([*(tag.get("class") or []), tag.get("id") or ""])
    if tag.name == "header" or HEADER_ATTR.search(names):
        # A page's header is chrome; an article's own header (its title,
        # inside <article> or <main>) is not, nor the header of a section
        # of the text (an exercise's "<div class='card-header'><h3>").
        if tag.find(["h2", "h3", "h4", "h5", "h6"]) and not tag.find(["nav", "form"]):
            return False
        return not (tag.find("h1") and tag.find_parent(["article", "main"]))
    if tag.name in CHROME:
        return True
    if tag.get("hidden") is not None or tag.get("aria-hidden") == "true":
        return True
    if HIDDEN_STYLE.search(tag.get("style") or ""):
        return True
    if tag.get("role") in ("navigation", "banner", "contentinfo", "complementary", "search", "dialog"):
        return True
    return bool(names and (NOISE_ATTR.search(names) or CHROME_PART.search(names)))


def _layout_table(table: Tag) -> bool:
    """A table used for page layout (its cells hold paragraphs, lists,
    headings or other tables), not a table of data."""
    return any(isinstance(d, Tag) and d.name in BLOCKS for d in table.descendants)


def _lead_title(node: Tag) -> str | None:
    """The bold words that open a paragraph on a line of their own
    ("<p><b>Chin Tucks</b><br>Look ahead…</p>", "<p><strong>Side
    Bends</strong></p>"): the page's way of writing a heading."""
    kids = [c for c in node.children
            if not (isinstance(c, NavigableString) and not str(c).strip()) and not isinstance(c, Comment)]
    if not kids or not isinstance(kids[0], Tag) or kids[0].name not in ("b", "strong"):
        return None
    if len(kids) > 1 and not (isinstance(kids[1], Tag) and kids[1].name == "br"):
        return None
    text = _fold(kids[0].get_text(" ")).rstrip(":")
    if not text or len(text.split()) > 8 or re.search(r"[.!?;,]$", text):
        return None
    return text


def _fold(text: str) -> str:
    return " ".join(text.split())


MAX_DEPTH = 150
"""Elements nested deeper than this are read as plain text (a hostile page
of 50,000 nested <div>s would otherwise exhaust Python's stack)."""


def _bounded(method):
    """Past MAX_DEPTH, a node is only its text."""
    def bounded(self, node, *args, **kwargs):
        if self.depth >= MAX_DEPTH:
            self.buffer.append(" " + node.get_text(" ") + " ")
            return None
        self.depth += 1
        try:
            return method(self, node, *args, **kwargs)
        finally:
            self.depth -= 1
    return bounded


class _Writer:
    def __init__(self, lead_level: int = 0) -> None:
        self.blocks: list[str] = []
        self.buffer: list[str] = []
        self.lead_level = lead_level
        """Heading level for bold lead titles (0: the page has headings of
        its own, so bold words are only emphasis)."""
        self.depth = 0
        self.layout: dict[int, bool] = {}
        """Per table (by id): is it a layout table?"""

    def is_layout(self, table: Tag) -> bool:
        if id(table) not in self.layout:
            self.layout[id(table)] = _layout_table(table)
        return self.layout[id(table)]

    def flush(self, prefix: str = "") -> None:
        text = _fold("".join(self.buffer))
        self.buffer = []
        if text:
            self.blocks.append(prefix + text)

    @_bounded
    def inline(self, node) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
            elif isinstance(child, Tag) and not _is_noise(child):
                if child.name == "br":
                    self.buffer.append(" ")
                else:
                    self.inline(child)

    @_bounded
    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
                continue
            if not isinstance(child, Tag) or _is_noise(child):
                continue
            name = child.name
            if name in INLINE:
                self.inline(child)
            elif name == "br":
                self.flush()
            elif name in HEADINGS:
                self.flush()
                self.inline(child)
                self.flush("#" * HEADINGS[name] + " ")
            elif name in ("ul", "ol"):
                self.flush()
                self.list(child, ordered=name == "ol")
            elif name == "table" and not self.is_layout(child):
                self.flush()
                self.blocks.extend(self.table(child))
            elif name in ("p", "div") and self.lead_level and (title := _lead_title(child)):
                self.flush()
                self.blocks.append("#" * self.lead_level + " " + title)
                first = next(c for c in child.children if isinstance(c, Tag))
                first.extract()
                self.walk(child)
                self.flush()
            else:
                self.flush()
                self.walk(child)
                self.flush()

    def table(self, table: Tag) -> list[str]:
        """A data table: sections for a table of exercises, else a line a row."""
        rows = [tr for tr in table.find_all("tr")
                if next((p for p in tr.parents if p.name == "table"), None) is table]
        cells = [[c for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")] for tr in rows]
        header = bool(cells) and bool(cells[0]) and (
            all(c.name == "th" for c in cells[0]) or rows[0].find_parent("thead") is not None)
        level = next((len(b) - len(b.lstrip("#")) for b in reversed(self.blocks) if b.startswith("#")), 1)
        return table_blocks([[_fold(c.get_text(" ")) for c in row if not _is_noise(c)] for row in cells],
                            min(level + 1, 6), header)

    @_bounded
    def list(self, node: Tag, ordered: bool) -> None:
        start = node.get("start")
        number = int(start) if isinstance(start, str) and start.isdigit() else 1
        for item in node.find_all("li", recursive=False):
            nested = [c for c in item.children if isinstance(c, Tag) and c.name in ("ul", "ol")]
            for c in nested:
                c.extract()
            self.walk(item)
            self.flush(f"{number}. " if ordered else "- ")
            number += 1
            for c in nested:
                self.list(c, ordered=c.name == "ol")


def main_content(soup: BeautifulSoup) -> Tag:
    """The page's main content: its one <main> or <article> (of several, the
    one with at least twice the text of any other: the story among teaser
    cards of related stories), else the body."""
    for name in ("main", "article"):
        found = soup.find_all(name)
        if len(found) == 1:
            return found[0]
        sizes = sorted(((len(_fold(f.get_text(" "))), i) for i, f in enumerate(found)), reverse=True)
        if len(sizes) > 1 and sizes[0][0] >= 2 * sizes[1][0]:
            return found[sizes[0][1]]
    if (role := soup.find(attrs={"role": "main"})) is not None:
        return role
    return soup.body or soup


def html_to_text(html: str) -> str:
    """The page's content as routine text; the <title> heads it when the
    content has no top heading of its own."""
    soup = BeautifulSoup(html, "html.parser")
    title = _fold(soup.title.get_text()) if soup.title else ""
    root = main_content(soup)
    headings = [h for h in root.find_all(list(HEADINGS)) if not any(map(_is_noise, [h, *h.parents]))]
    # Bold lead lines are the headings of a page with (almost) none of its own.
    lead_level = 0 if len(headings) > 1 else max([HEADINGS[h.name] for h in headings] + [1]) + 1
    writer = _Writer(min(lead_level, 6))
    writer.walk(root)
    writer.flush()
    blocks = writer.blocks
    if title and not any(b.startswith("# ") for b in blocks):
        title = re.split(r"\s+[|–—-]\s+", title)[0]
        first = next((b for b in blocks if b.startswith("#")), "")
        if first.lstrip("# ").lower() != title.lower():  # the page's own first heading is its title
            blocks.insert(0, "# " + title)
    return "\n\n".join(blocks) + "\n"


WHATWG_NAMES = {"iso-8859-1": "windows-1252", "latin-1": "windows-1252", "latin1": "windows-1252",
                "us-ascii": "windows-1252", "ascii": "windows-1252", "iso-8859-9": "windows-1254"}
"""Charsets a page declares that browsers read as another (the WHATWG
Encoding standard): a page saying ISO-8859-1 is Windows-1252, curly quotes
and dashes included."""


def decode_page(data: bytes) -> str:
    """A saved page's bytes as text: UTF-8 (with or without a BOM) when it is
    valid, else the charset the page declares, read as browsers read it,
    else Windows-1252 (what old pages without a charset are)."""
    from bs4.dammit import EncodingDetector

    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = (EncodingDetector.find_declared_encoding(data, is_html=True) or "windows-1252").lower()
    try:
        return data.decode(WHATWG_NAMES.get(declared, declared), errors="replace")
    except LookupError:
        return data.decode("windows-1252", errors="replace")


def mhtml_to_text(data: bytes) -> str:
    """A page saved as one file (MHTML, .mhtml or .mht: what Chrome and Edge
    save as 'Webpage, Single File') -> routine text, from its web page part."""
    import email
    from email import policy

    message = email.message_from_bytes(data, policy=policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            body = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            try:
                html = body.decode(WHATWG_NAMES.get(charset, charset)) if charset else decode_page(body)
            except (LookupError, UnicodeDecodeError):
                html = decode_page(body)
            return html_to_text(html)
    raise RoutineError("this saved page (MHTML) holds no web page; save the page as "
                       "'Webpage, HTML only' and try again")
