"""What the API's schema and every JSON payload share (API views and ``dms ... --json``)."""

from typing import Any

from rest_framework import serializers


def only_public_api(endpoints: list[tuple[str, str, str, Any]], **kwargs: Any) -> list[Any]:
    """Describe /api/v1/ only, not the Wagtail admin's internal API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class BlankAsNullField(serializers.CharField):
    """A text column whose empty value is printed as ``null`` (a witness nobody gave)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        return str(value) if value else None


class UsernameField(serializers.SlugRelatedField[Any]):
    """A user as their user name (``null`` for nobody)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(slug_field="username", **kwargs)
