"""khabar's overrides of Scrapy commands (COMMANDS_MODULE): `scrapy crawl` with an honest exit
status.

Scrapy imports this package to find its commands, right after its own imports and the project
settings: the first khabar code a `scrapy` command runs. From here on a Ctrl-C or SIGTERM during
start-up ends the process with 130/143 and no KeyboardInterrupt traceback (crawler.interrupts);
the crawl command installs its own handlers once it has a run to record.
"""

from crawler.interrupts import quit_quietly_on_signals

quit_quietly_on_signals()
