"""A declared charset is used only when the bytes bear it out (issue 17 #2), and UTF-16 pages
decode with or without a BOM (#21): tables over crawler.extract.decode, the extracted record, and
`khabar extract` on saved files. tests/test_hostile_text.py checks the same pages in a crawl."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import khabar
from crawler.extract import decode
from crawler.extract.article import extract_article
from crawler.extract.decode import decode_html

TITLE = "عنوان عربي عن الأخبار"
BODY = "هذا نص المقال الذي يحتوي على كلمات عربية كثيرة عن الأحداث في المنطقة. " * 12
URL = "https://alwatan.sy/archives/1"


def page(meta: str | None = None, body: str = BODY, lang: str = "ar") -> str:
    title = TITLE if lang == "ar" else "Nouvelles, Nachrichten, Noticias"
    head = f'<meta charset="{meta}">' if meta else ""
    return (
        f'<html lang="{lang}"><head>{head}<title>{title}</title></head><body><article>'
        f"<h1>{title}</h1><p>{body}</p></article></body></html>"
    )


# (bytes, HTTP charset): each declaration is wrong for its bytes.
WRONG = {
    "cp1256 under <meta charset=utf-8>": (page("utf-8").encode("cp1256"), None),
    "cp1256 under HTTP utf-8": (page().encode("cp1256"), "utf-8"),
    "cp1256 under HTTP iso-8859-1": (page().encode("cp1256"), "iso-8859-1"),
    "cp1256 under <meta charset=iso-8859-1>": (page("iso-8859-1").encode("cp1256"), None),
    "utf-8 under HTTP windows-1256": (page().encode(), "windows-1256"),
    "utf-8 under <meta charset=windows-1256>": (page("windows-1256").encode(), None),
    "iso-8859-6 under HTTP utf-8": (page().encode("iso8859_6"), "utf-8"),
}


@pytest.mark.parametrize(("data", "http"), WRONG.values(), ids=WRONG)
def test_a_wrong_declaration_gives_way_to_the_bytes(data: bytes, http: str | None) -> None:
    text, _ = decode_html(data, http)
    assert TITLE in text and BODY.strip() in text
    assert "\ufffd" not in text


@pytest.mark.parametrize(("data", "http"), WRONG.values(), ids=WRONG)
def test_the_record_of_a_mislabelled_page_is_arabic_text(data: bytes, http: str | None) -> None:
    """Not U+FFFD or Latin mojibake labelled `ar`, nor UTF-8 read as cp1256 and dropped as Urdu."""
    record = extract_article(data, URL, http_encoding=http)
    assert record["title"] == TITLE
    assert record["language"] == "ar"
    assert BODY.split()[0] in record["body"]


def test_the_meta_charset_is_tried_when_the_http_one_does_not_fit() -> None:
    """Servers send a default ISO-8859-1 over pages that declare their own windows-1256."""
    _, codec = decode_html(page("windows-1256").encode("cp1256"), "iso-8859-1")
    assert codec == "cp1256"


FRENCH = "Le président a annoncé à la presse que la réunion était prévue. Où est la clé ? " * 6
GERMAN = "Die Straße für Mädchen ist schön, und die Brücke über den Fluß wird größer. " * 6
SPANISH = "El niño está en la montaña, según la información que recibió el señor. " * 6

# (bytes, HTTP charset, the codec that must be used): declarations the bytes bear out.
RIGHT = {
    "French in iso-8859-1": (page(body=FRENCH, lang="fr").encode("cp1252"), "iso-8859-1", "cp1252"),
    "German in iso-8859-1": (page(body=GERMAN, lang="de").encode("cp1252"), "iso-8859-1", "cp1252"),
    "Spanish in <meta iso-8859-1>": (
        page("iso-8859-1", body=SPANISH, lang="es").encode("cp1252"),
        None,
        "cp1252",
    ),
    "Arabic in windows-1256": (page("windows-1256").encode("cp1256"), None, "cp1256"),
    "Arabic in HTTP windows-1256": (page().encode("cp1256"), "windows-1256", "cp1256"),
    "Russian in koi8-r": (
        page("koi8-r", body="Привет, мир. " * 20, lang="ru").encode("koi8_r"),
        None,
        "koi8-r",
    ),
    "Arabic in utf-8": (page("utf-8").encode(), None, "utf-8"),
}


@pytest.mark.parametrize(("data", "http", "codec"), RIGHT.values(), ids=RIGHT)
def test_a_declaration_the_bytes_bear_out_is_kept(data: bytes, http: str | None, codec: str):
    text, used = decode_html(data, http)
    assert used == codec
    assert text == data.decode(codec)


@pytest.mark.parametrize("body", [FRENCH, GERMAN, SPANISH], ids=["French", "German", "Spanish"])
def test_undeclared_latin_accents_are_not_taken_for_arabic(body: str) -> None:
    """Some of their letters are Arabic letters in windows-1256 (á ل, í ي, ä ن, ß ك), but they
    sit inside ASCII words, where no Arabic letter does."""
    text, codec = decode_html(page(body=body, lang="xx").encode("cp1252"), None)
    assert codec not in ("cp1256", "iso8859-6") and not re.search("[\u0600-\u06ff]", text)


def test_a_utf8_page_with_one_broken_byte_stays_utf8() -> None:
    """A title cut mid-letter is not a reason to read the whole page as windows-1256."""
    data = page("utf-8").encode().replace(b"<h1>", b"<h1>\xd8", 1)
    text, codec = decode_html(data, None)
    assert codec == "utf-8" and TITLE in text and text.count("\ufffd") == 1


UTF16 = {
    "utf-16 with BOM": page().encode("utf-16"),
    "utf-16-le without BOM": page().encode("utf-16-le"),
    "utf-16-be without BOM": page().encode("utf-16-be"),
    "utf-16-be with BOM": b"\xfe\xff" + page().encode("utf-16-be"),
}


@pytest.mark.parametrize("data", UTF16.values(), ids=UTF16)
def test_utf16_pages_decode_with_or_without_a_bom(data: bytes) -> None:
    text, codec = decode_html(data, None)
    assert codec.startswith("utf-16") and TITLE in text and "\0" not in text
    assert not decode.is_binary(data)


def test_an_ascii_page_that_declares_utf16_is_read_as_what_it_is() -> None:
    """A <meta charset=utf-16> readable as ASCII cannot be true (the WHATWG rule)."""
    text, codec = decode_html(page("utf-16").encode(), None)
    assert codec == "utf-8" and TITLE in text


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)) * 4, b"GIF89a\x01\0\x01\0\0\xff\0,"],
    ids=["png", "gif"],
)
def test_binary_data_is_still_binary(data: bytes) -> None:
    assert decode.is_binary(data)


@pytest.mark.parametrize("data", UTF16.values(), ids=UTF16)
def test_khabar_extract_reads_a_saved_utf16_page(tmp_path: Path, data: bytes) -> None:
    saved = tmp_path / "page.html"
    saved.write_bytes(data)
    result = CliRunner().invoke(khabar, ["extract", str(saved), "--url", URL])
    assert result.exit_code == 0, result.output
    assert f'"title": "{TITLE}"' in result.stdout


@pytest.mark.parametrize(("data", "http"), WRONG.values(), ids=WRONG)
def test_khabar_extract_of_a_mislabelled_page(tmp_path: Path, data: bytes, http: str | None):
    saved = tmp_path / "page.html"
    saved.write_bytes(data)
    args = ["extract", str(saved), "--url", URL] + (["--encoding", http] if http else [])
    result = CliRunner().invoke(khabar, args)
    assert result.exit_code == 0, result.output
    assert f'"title": "{TITLE}"' in result.stdout and '"language": "ar"' in result.stdout


@pytest.mark.parametrize(("data", "http"), WRONG.values(), ids=WRONG)
def test_add_site_reads_a_mislabelled_home_page_as_the_crawl_does(data: bytes, http: str | None):
    """The site's name and menus come from its home page, decoded by the same function."""
    from crawler.discover import Fetched

    content_type = f"text/html; charset={http}" if http else "text/html"
    assert TITLE in Fetched("https://example.test/", 200, data, content_type).text()
