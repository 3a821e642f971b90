"""One module per catalogue section; importing it registers its measures."""

from . import frontdoor  # noqa: F401
