"""URL converters."""

# An LA child ID as it may appear in a URL: up to 40 characters (Child.child_id), no slash and no control
# characters. A NUL byte in particular must never reach the database (PostgreSQL rejects it with an error,
# which would be a 500 rather than the 404 a forged id deserves).
CHILD_ID_REGEX = r"[^/\x00-\x1f\x7f]{1,40}"


class ChildIdConverter:
    regex = CHILD_ID_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
