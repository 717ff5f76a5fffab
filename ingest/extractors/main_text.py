"""Find an HTML page's main text: drop boilerplate, score text blocks, keep the best container's paragraphs."""

from __future__ import annotations

import logging
import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

log = logging.getLogger(__name__)

MIN_BLOCK_CHARS = 25
MAX_LINK_DENSITY = 0.5
WIDEN_GAIN = 1.15
WIDEN_LOOKAHEAD = 4
SIBLING_MIN_CHARS = 80
SIBLING_MAX_LINK_DENSITY = 0.25
WIDEN_MAX_LINK_DENSITY = 0.15  # a wider container must still be prose, not a link hub

_DROP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "svg", "canvas", "form", "button", "input",
     "select", "textarea", "nav", "footer", "aside", "object", "embed", "audio", "video", "map", "dialog",
     "menu", "link", "meta", "head", "label", "picture", "img"}
)  # fmt: skip
_DROP_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "menu", "menubar",
     "search", "toolbar", "button", "tablist"}
)  # fmt: skip
_UNLIKELY = re.compile(
    r"cookie|consent|gdpr|banner|breadcrumb|combx|comment|community|disqus|extra|foot|header|legends|menu"
    r"|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|ad-break|agegate|pagination"
    r"|pager|popup|share|sharing|subscribe|newsletter|promo|teaser|outbrain|taboola|signup|login|masthead"
    r"|toolbar|nav\b|navbar|navigation|recommend|most-?popular|trending|tags\b|print|email-?signup"
    r"|skip-?link|visually-?hidden|sr-only|byline-?share|author-?bio|widget|modal|overlay",
    re.I,
)
_MAYBE = re.compile(r"and|article|body|column|content|main|shadow|story|post|entry|text", re.I)
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
     "dt", "dd", "blockquote", "pre", "figure", "figcaption", "table", "tr", "td", "th", "header",
     "address", "hr", "br", "caption", "tbody", "thead"}
)  # fmt: skip
_GOOD_BLOCKS = ("p", "pre", "blockquote", "figcaption")
_TEXT_BLOCKS = ("p", "pre", "td", "blockquote", "li", "h2", "h3", "dd")
_POSITIVE = re.compile(r"article|body|content|entry|main|page|post|text|blog|story", re.I)
_NEGATIVE = re.compile(r"hidden|combx|comment|com-|contact|foot|footer|footnote|masthead|media|meta"
                       r"|outbrain|promo|related|scroll|shoutbox|sidebar|skyscraper|sponsor|shopping"
                       r"|tags|tool|widget|share|social|cookie|nav|menu", re.I)  # fmt: skip


def main_text(soup: BeautifulSoup) -> str:
    """Return the main text of a parsed page as paragraphs separated by blank lines."""
    body = soup.body if isinstance(soup.body, Tag) else soup
    _remove_boilerplate(body)
    root = _best_container(body)
    if root is None:
        return _render([body])
    return _render(_with_siblings(root))


def _class_id(tag: Tag) -> str:
    """The tag's class names and id joined into one string for pattern tests."""
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    ident = tag.get("id")
    return " ".join([*classes, ident if isinstance(ident, str) else ""])


def _is_boilerplate(tag: Tag) -> bool:
    """True for elements that are navigation, chrome or hidden rather than content."""
    if tag.name in _DROP_TAGS:
        return True
    role = tag.get("role")
    if isinstance(role, str) and role.lower() in _DROP_ROLES:
        return True
    if tag.get("hidden") is not None or tag.get("aria-hidden") == "true":
        return True
    style = tag.get("style")
    if isinstance(style, str) and re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", style, re.I):
        return True
    if tag.name in {"body", "html", "article", "main"}:
        return False
    if tag.name == "header" and tag.find_parent(["article", "main"]) is None:
        return True
    names = _class_id(tag)
    return bool(names and _UNLIKELY.search(names) and not _MAYBE.search(names))


def _remove_boilerplate(root: Tag) -> None:
    """Delete comments and boilerplate elements in place."""
    for comment in root.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in list(root.find_all(True)):
        # not tag.decomposed: on a tag without the flag, bs4 looks "_decomposed" up as a child tag name,
        # a search of the whole subtree for every tag (quadratic on deeply nested pages)
        if tag.__dict__.get("_decomposed") or tag.parent is None:
            continue
        if _is_boilerplate(tag):
            tag.decompose()


def _text_len(tag: Tag) -> int:
    return len(" ".join(tag.get_text(" ").split()))


def _link_density(tag: Tag) -> float:
    """Share of a tag's text that sits inside links."""
    total = _text_len(tag)
    if total == 0:
        return 0.0
    linked = sum(_text_len(a) for a in tag.find_all("a"))
    return min(1.0, linked / total)


def _class_weight(tag: Tag) -> int:
    names = _class_id(tag)
    weight = 0
    if names and _NEGATIVE.search(names):
        weight -= 25
    if names and _POSITIVE.search(names):
        weight += 25
    return weight


def _best_container(body: Tag) -> Tag | None:
    """Score containers by the paragraphs they hold (readability-style) and return the best one."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for block in body.find_all(_TEXT_BLOCKS):
        text = " ".join(block.get_text(" ").split())
        if len(text) < MIN_BLOCK_CHARS:
            continue
        score = 1 + text.count(",") + min(len(text) // 100, 3)
        for level, ancestor in enumerate(block.parents):
            if level > 2 or not isinstance(ancestor, Tag) or ancestor.name in {"html", "[document]"}:
                break
            if id(ancestor) not in scores:
                scores[id(ancestor)] = _class_weight(ancestor)
                tags[id(ancestor)] = ancestor
            scores[id(ancestor)] += score / (1 if level == 0 else 2 * level)
    if not scores:
        return None
    ranked = {key: s * (1 - _link_density(tags[key])) for key, s in scores.items()}
    best = tags[max(ranked, key=ranked.__getitem__)]
    return _widen(best)


def _good_chars(tag: Tag) -> int:
    """Characters of paragraph-like text (long enough, few links) inside a tag."""
    total = 0
    for block in tag.find_all(_GOOD_BLOCKS):
        if block.find_parent(_GOOD_BLOCKS) is not None:
            continue
        length = _text_len(block)
        if length >= MIN_BLOCK_CHARS and _link_density(block) < MAX_LINK_DENSITY:
            total += length
    return total


def _widen(best: Tag) -> Tag:
    """Climb to an ancestor that holds clearly more paragraph text (an article split into parts)."""
    current = _good_chars(best)
    steps = 0
    node = best.parent
    while (
        isinstance(node, Tag) and node.name not in {"body", "html", "[document]"} and steps < WIDEN_LOOKAHEAD
    ):
        steps += 1
        wider = _good_chars(node)
        if wider >= current * WIDEN_GAIN and _link_density(node) <= WIDEN_MAX_LINK_DENSITY:
            best, current, steps = node, wider, 0
        node = node.parent
    return best


def _with_siblings(best: Tag) -> list[Tag]:
    """The best container plus sibling blocks that are prose too (readability's sibling pass)."""
    parent = best.parent
    if not isinstance(parent, Tag) or parent.name in {"html", "[document]"}:
        return [best]
    kept = []
    for sibling in parent.find_all(recursive=False):
        if sibling is best or (
            _good_chars(sibling) >= SIBLING_MIN_CHARS
            and _link_density(sibling) < SIBLING_MAX_LINK_DENSITY
            and _class_weight(sibling) >= 0
        ):
            kept.append(sibling)
    return kept


def _render(roots: list[Tag]) -> str:
    """Render a subtree as text: block elements become paragraphs separated by blank lines."""
    paragraphs: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buffer).split())
        if text:
            paragraphs.append(text)
        buffer.clear()

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, Comment):
                    buffer.append(str(child))
            elif isinstance(child, Tag):
                if child.name in _BLOCK_TAGS:
                    flush()
                    walk(child)
                    flush()
                else:
                    walk(child)

    for root in roots:
        walk(root)
        flush()
    flush()
    return "\n\n".join(p for p in paragraphs if not _is_chrome_line(p))


def _is_chrome_line(paragraph: str) -> bool:
    """Lines that are leftovers of page chrome, not content."""
    return len(paragraph) < 3 and not paragraph.isalnum()
