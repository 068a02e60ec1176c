"""Taking in the requests of another server that speaks Open311 GeoReport v2.

:mod:`.parse` reads that server's answers (JSON or XML) into typed records, tolerating the defects
real deployments have, each by a named rule of :mod:`.rules` (the result says which fired);
:mod:`.poller` asks the server for new and changed requests (date windows or ``updated_after``,
pages, retries) from a cursor kept per source in :mod:`.state`, maps its service codes to the
jurisdiction's categories (:mod:`.mapping`) and hands each request to an :class:`.sink.ImportSink`;
:class:`.sink.HubImportSink` stores them as hub reports through :class:`ioc_console.hub.service.HubService`,
keyed by (source, external id) so that a request polled twice is one report.
``ioc-hub import open311 URL`` (:mod:`ioc_console.hub.cli_import`) runs it.
"""
