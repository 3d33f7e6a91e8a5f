from typing import Any


def only_public_api(endpoints: list[tuple[str, str, str, Any]], **kwargs: Any) -> list[Any]:
    """Describe /api/v1/ only, not the Wagtail admin's internal API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
