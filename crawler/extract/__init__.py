"""Article extraction: one pure function from page bytes to the article's fields.

The pipeline and the CLI (`khabar extract` / `khabar reextract`) call
`crawler.extract.article.extract_article` in worker processes; it depends only on its arguments.

Besides the fields, the result says where each came from: `field_sources` maps the fields of
`sources.SOURCED_FIELDS` that have a value to a label of the one vocabulary `sources.Source`
(`date_source` is its published_at entry; `sources.OFFSET_KEY`, published_offset, says where
published_at's UTC offset came from: crawler.extract.clock), and `published_precision` says
whether the page gave a day, a minute or a second ("day": the date must stay on that calendar
day in every view).
"""
