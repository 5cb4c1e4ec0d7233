"""WARC out and in: `khabar export-warc` writes the kept pages as a web archive, `khabar
import-warc` stores the pages of other archives (CC-NEWS, Browsertrix, Heritrix, wget) through the
crawl's own pipelines. See README "WARC"."""
