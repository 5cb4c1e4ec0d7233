"""URL canonicalisation for deduplication: one key per article, whatever link led to it.

w3lib does the RFC work (percent-encoding, IDNA, sorted query); this module adds what news sites
need on top: tracking parameters, AMP and mobile variants, and a guarded use of rel=canonical.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url as _w3lib_canonicalize

__all__ = ["TRACKING_PARAMS", "canonicalize_url", "is_same_site", "url_is_crawlable"]

logger = logging.getLogger(__name__)

# Query parameters that never select content (compared lowercased).
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "ttclid", "wbraid",
        "gbraid", "mc_cid", "mc_eid", "igshid", "_ga", "_gl", "ref", "ref_src", "ref_url",
        "ocid", "cmpid", "__twitter_impression", "at_medium", "at_campaign", "at_custom1",
        "at_custom2", "at_custom3", "at_custom4", "at_ptr_name", "at_link_id", "wt.mc_id",
        "s_cid", "ncid", "spm", "fb_action_ids", "fb_action_types", "fb_source", "fb_ref",
        "action_object_map", "action_type_map", "action_ref_map", "_hsenc", "_hsmi",
        "mkt_tok", "oly_enc_id", "oly_anon_id", "vero_id", "rb_clickid", "trk", "share",
        "sr_share", "amp_js_v", "usqp",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")  # Google/Matomo campaign families
# AMP query switches, dropped only with these values ("amp"/"outputType" are generic names).
_AMP_SWITCH_VALUES = {"amp": {"", "1", "true", "yes"}, "outputtype": {"amp"}}
_MOBILE_PREFIXES = ("amp.", "m.", "mobile.")
_AMP_PATH = re.compile(r"/amp(/?)$", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CRAWLABLE_SCHEMES = ("http", "https")

_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # bundled PSL, no network


@lru_cache(maxsize=4096)
def _registered_domain(host: str) -> str:
    """Registered domain (eTLD+1) of a host; the host itself for IPs and unknown suffixes."""
    host = host.lower().rstrip(".")
    return _extract(host).top_domain_under_public_suffix or host


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_same_site(a: str, b: str) -> bool:
    """True when both URLs belong to the same registered domain (www/m./amp. variants included)."""
    ha, hb = _host(a), _host(b)
    if not ha or not hb:
        return False
    return ha == hb or _registered_domain(ha) == _registered_domain(hb)


def url_is_crawlable(url: str, max_length: int = 2083) -> bool:
    """True for absolute http(s) URLs with a host and a sane length.

    Rejects javascript:, data:, mailto:, tel:, ftp: and every other scheme, relative links,
    URLs with whitespace or control characters, and URLs longer than ``max_length`` (2083 is the
    old IE limit; anything longer is a session blob or a crawler trap).
    """
    if not url or len(url) > max_length:
        return False
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises ValueError on a garbage port
    except ValueError:
        return False
    return parts.scheme.lower() in _CRAWLABLE_SCHEMES and bool(host)


def _is_tracking(name: str, value: str) -> bool:
    key = name.lower()
    if key in _AMP_SWITCH_VALUES:
        return value.lower() in _AMP_SWITCH_VALUES[key]
    return key in TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)


def _main_host(host: str, allowed_domains: Sequence[str]) -> str:
    """Map amp./m./mobile. hosts to the site's main host, when allowed_domains names it.

    The target is ``www.X`` or ``X`` as listed in allowed_domains (so list the host the site
    really uses). Without such an entry the host is kept: we never invent a host.
    """
    for prefix in _MOBILE_PREFIXES:
        if host.startswith(prefix):
            bare = host[len(prefix) :]
            allowed = {d.lower().lstrip(".") for d in allowed_domains}
            for candidate in ("www." + bare, bare):
                if candidate in allowed:
                    return candidate
            break
    return host


def _clean(url: str, allowed_domains: Sequence[str]) -> str:
    canonical = _w3lib_canonicalize(url.strip(), keep_blank_values=True, keep_fragments=False)
    parts = urlsplit(canonical)
    scheme = parts.scheme.lower()
    host = _main_host((parts.hostname or "").lower(), allowed_domains)
    netloc = f"[{host}]" if ":" in host else host  # IPv6 literal
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{parts.port}"
    if parts.username or parts.password:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    path = _AMP_PATH.sub(r"\1", parts.path) or "/"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not _is_tracking(k, v)]
        if len(kept) != len(pairs):
            # w3lib already encoded the pairs; re-encode the survivors the same way.
            query = _w3lib_canonicalize(
                "http://x/?" + urlencode(kept), keep_blank_values=True
            ).partition("?")[2]
    return urlunsplit((scheme, netloc, path, query, ""))


def canonicalize_url(
    url: str, *, canonical_hint: str | None = None, allowed_domains: Sequence[str] = ()
) -> str:
    """The dedup key of ``url``.

    * w3lib: percent-escapes uppercased, unreserved characters decoded, non-ASCII path/query
      encoded as UTF-8, query parameters sorted, fragment dropped.
    * Scheme and host lowercased, default ports dropped. The host is kept as the site uses it
      (``www.`` is not removed); www and bare forms are treated as one site for the hint check.
    * Tracking parameters removed (utm_*, fbclid, gclid, ... see TRACKING_PARAMS); meaningful ones
      kept (WordPress ``?p=532871`` is SANA's canonical form).
    * AMP/mobile variants mapped to the article: a final ``/amp`` path segment is removed (a slash
      after it is kept, as given: ``/post/amp/`` → ``/post/``), ``?amp=1`` and
      ``?outputType=amp`` dropped, ``amp.``/``m.``/``mobile.`` hosts mapped to the main host
      when allowed_domains lists it. No trailing slash is ever added to a path.
    * ``canonical_hint`` (rel=canonical or og:url, may be relative) is cleaned the same way and
      wins only when it is crawlable and on the same site (same registered domain, or its host
      in allowed_domains), and is not the site's home page while ``url`` is not (a common
      template bug: every article declaring the home page as canonical).
    """
    cleaned = _clean(url, allowed_domains)
    if not canonical_hint:
        return cleaned
    hint_abs = urljoin(url, canonical_hint.strip())
    if not url_is_crawlable(hint_abs):
        return cleaned
    hint = _clean(hint_abs, allowed_domains)
    hint_host = _host(hint)
    allowed = {d.lower().lstrip(".") for d in allowed_domains}
    if not (is_same_site(cleaned, hint) or hint_host in allowed):
        logger.debug("ignoring off-site canonical %s for %s", hint, url)
        return cleaned
    if urlsplit(hint).path == "/" and not urlsplit(hint).query and urlsplit(cleaned).path != "/":
        logger.debug("ignoring home-page canonical %s for %s", hint, url)
        return cleaned
    return hint
