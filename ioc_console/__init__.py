"""IOC Console: the staff console and the hub of a province's citizen field reports."""

#: The console's and the hub's version (the same as ``pyproject.toml``'s; a test checks they agree).
__version__ = "0.1.0"
