"""bench/hostile.py's cases and harness: hostile or mistaken input against the real commands.

harness.py runs one case (scratch folder, process group, time limit, verdict); report.py runs
many and prints the table; each cases_*.py module holds one kind's declarative cases.
"""
