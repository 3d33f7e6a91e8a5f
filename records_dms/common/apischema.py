"""What the API's schema and every JSON payload share (API views and ``dms ... --json``)."""

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.schemas import DefaultSchema


def only_public_api(endpoints: list[tuple[str, str, str, Any]], **kwargs: Any) -> list[Any]:
    """Describe /api/v1/ only, not the Wagtail admin's internal API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


class BlankAsNullField(serializers.CharField):
    """A text column whose empty value is printed as ``null`` (a witness nobody gave)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:  # str or None
        return str(value) if value else None


class UsernameField(serializers.SlugRelatedField[Any]):
    """A user as their user name (``null`` for nobody)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(slug_field="username", **kwargs)


def described_api_root(router: DefaultRouter) -> type[APIRootView]:
    """The router's index of /api/v1/, described in the schema like every other endpoint
    (DRF leaves it out): one link per registered collection."""
    links: dict[str, serializers.Field[Any, Any, Any, Any]] = {
        prefix: serializers.URLField() for prefix, _viewset, _basename in router.registry
    }

    class ApiRootView(router.APIRootView):  # type: ignore[name-defined]
        schema = DefaultSchema()  # DRF's root sets None: left out of every schema

        @extend_schema(
            responses=inline_serializer("ApiRoot", links),
            operation_id="api_root",
            description="Links to the collections of the API.",
        )
        def get(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            return super().get(request, *args, **kwargs)

    return ApiRootView
