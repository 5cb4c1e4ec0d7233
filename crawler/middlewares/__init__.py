"""khabar's downloader middlewares (registered in crawler/settings.py)."""
