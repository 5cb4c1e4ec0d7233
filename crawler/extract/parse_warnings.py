"""What parsing could not keep as the page has it: the codes of the record's `extract_warnings`.

Its own module, importing nothing: the crawl process counts and logs the codes its workers
report (khabar/extract_warning/<code>) without loading the extractors, and `khabar extract`
prints them.
"""

from __future__ import annotations

MAX_LINKS = 5000  # a long article page shows ~1,500; past this it is a link farm, and every
# field that looks at links (menus, bylines, dates in teasers) would cost time for each
NESTING_LIMIT = 256  # libxml2's, for a parse without XML_PARSE_HUGE

PARSE_WARNINGS = {
    "nesting_flattened": f"the page nests deeper than the HTML parser's limit ({NESTING_LIMIT} "
    "levels): it was read again with its <div>/<span>-like wrappers removed",
    "nesting_limit": f"the page nests deeper than the HTML parser's limit ({NESTING_LIMIT} "
    "levels) even without its wrappers: the text below that depth is lost",
    "link_flood": f"the page has more than {MAX_LINKS} links: those after the first "
    f"{MAX_LINKS} were dropped with their text",
}
