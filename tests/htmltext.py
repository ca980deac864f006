"""Helpers for HTTP tests: the visible text of an HTML page, whitespace folded."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Text(HTMLParser):
    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in {"p", "li", "div", "h1", "h2", "h3", "td", "th", "dt", "dd", "tr", "br", "option", "summary"}:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return fold("".join(parser.parts))


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
