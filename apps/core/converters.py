"""URL converters."""

import re

# An LA child ID as it may appear in a URL: up to 40 characters (Child.child_id), no slash and no control
# characters. A NUL byte in particular must never reach the database (PostgreSQL rejects it with an error,
# which would be a 500 rather than the 404 a forged id deserves).
#
# Wider than the IDs an import accepts now (apps.imports.bundle.spec.ID_RULE: letters, digits, - _ .), so a
# child stored before that rule (" CH1", "A B") keeps its page. An ID the URL cannot carry at all ("A/B", a
# control character) is shown without a link rather than breaking the page (see is_url_child_id).
CHILD_ID_REGEX = r"[^/\x00-\x1f\x7f]{1,40}"
_CHILD_ID = re.compile(CHILD_ID_REGEX)


def is_url_child_id(value: str | None) -> bool:
    """Can a link to this stored child ID be built? reverse() raises NoReverseMatch for an ID the converter
    refuses, and builds /children/../ for "..", which a browser resolves to another page."""
    return bool(value) and value not in (".", "..") and _CHILD_ID.fullmatch(value) is not None


class ChildIdConverter:
    regex = CHILD_ID_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
