"""Add a site to a config file as a person would: comments, order and layout kept, the entry in
the file's own indentation, checked by the crawl's loader before it replaces the file.

Appending text at our own indentation broke on valid files laid out differently (a YAML
formatter's unindented list items: the entry became part of the last site's list). ruamel.yaml
reads the file as a round trip, so the entry is added to the `sites:` list wherever that is
and however it is indented; the file's indentation is found by trying the usual layouts until
one writes the file back unchanged.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from crawler.config import ConfigError, KhabarConfig, SiteConfig, load_config

# (mapping indent, sequence dash offset) pairs, most common first; config.yaml's own is (2, 2).
LAYOUTS = ((2, 2), (2, 0), (4, 2), (4, 0), (4, 4), (3, 0), (3, 2))


class ConfigEditError(Exception):
    """Why the entry was not added; nothing was written."""


@dataclass(frozen=True)
class Layout:
    mapping: int = 2
    offset: int = 2  # columns before a list item's dash, under its key
    kept: bool = True  # False: no layout writes the file back unchanged (it was re-indented)
    newline: str = "\n"

    def yaml(self) -> YAML:
        yaml = YAML()  # round trip
        yaml.preserve_quotes = True
        yaml.width = 4096  # never fold a long value
        yaml.indent(mapping=self.mapping, sequence=self.offset + 2, offset=self.offset)
        return yaml


def _dump(yaml: YAML, document: object) -> str:
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def layout_of(text: str) -> Layout:
    """The indentation that writes `text` back as it is (else config.yaml's, marked not kept)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n")
    for mapping, offset in LAYOUTS:
        layout = Layout(mapping, offset, True, newline)
        try:
            if _dump(layout.yaml(), layout.yaml().load(plain)) == plain:
                return layout
        except YAMLError:
            break
    return Layout(kept=False, newline=newline)


def _with_entry(document: object, entry: CommentedMap, comment: Sequence[str], layout: Layout):
    if not isinstance(document, CommentedMap) or not isinstance(document.get("sites"), list):
        raise ConfigEditError("the file has no `sites:` list to add the entry to")
    sites = document["sites"]
    sites.append(entry)
    if comment and isinstance(sites, CommentedSeq) and not sites.fa.flow_style():
        sites.yaml_set_comment_before_after_key(
            len(sites) - 1, before="\n" + "\n".join(comment), indent=layout.offset
        )
    return document


def render_entry(entry: CommentedMap, comment: Sequence[str], layout: Layout) -> str:
    """The entry and its comment as they will appear under `sites:` in a file of `layout`."""
    document = CommentedMap(sites=CommentedSeq())
    text = _dump(layout.yaml(), _with_entry(document, entry, comment, layout))
    return text.split("\n", 1)[1].lstrip("\n")  # without the `sites:` line


def add_site(
    path: Path,
    entry: CommentedMap,
    comment: Sequence[str],
    check: Callable[[SiteConfig], str | None],
) -> Layout:
    """Add `entry` at the end of the file's `sites:` list and replace the file atomically,
    once the crawl's loader reads the result as the old config plus this site, and `check`
    (None: good, else what is wrong) accepts the site as loaded. Raises ConfigEditError."""
    target = path.resolve()  # a symlinked config keeps its link
    try:
        before = load_config(target)
        text = target.read_bytes().decode("utf-8")  # as it is: \r\n line ends too
        layout = layout_of(text)
        yaml = layout.yaml()
        document = _with_entry(yaml.load(text.replace("\r\n", "\n")), entry, comment, layout)
        new_text = _dump(yaml, document).replace("\n", layout.newline)
    except (OSError, UnicodeDecodeError, YAMLError, ConfigError) as exc:
        raise ConfigEditError(f"cannot read {path}: {exc}") from None
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".new")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(new_text)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temp, target.stat().st_mode & 0o7777)
        try:
            after = load_config(temp)
        except ConfigError as exc:
            raise ConfigEditError(f"the entry does not validate, nothing written: {exc}") from None
        problem = _compare(before, after, entry["name"]) or check(after.sites[entry["name"]])
        if problem:
            raise ConfigEditError(f"{problem}; nothing written")
        temp.replace(target)
    except OSError as exc:
        raise ConfigEditError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        temp.unlink(missing_ok=True)
    return layout


def _compare(before: KhabarConfig, after: KhabarConfig, name: str) -> str | None:
    """What differs between `after` and `before` besides the added site, if anything."""
    if name not in after.sites or len(after.sites) != len(before.sites) + 1:
        return f"the written file does not add the site {name!r}"
    others = {k: v for k, v in after.sites.items() if k != name}
    if dataclasses.replace(after, path=before.path, sites=others) != before:
        return "the written file would change other settings"
    return None
