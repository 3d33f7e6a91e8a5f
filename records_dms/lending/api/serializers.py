"""What loans look like as JSON, to the API and to `dms loan ... --json` alike.

Output serializers first, then what the API's POSTs accept.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from records_dms.lending.models import Condition, Loan, LoanItem, LoanKind, RegisterEntry
from records_dms.lending.selectors import TrimmedItems, items_visible


class LoanItemSerializer(serializers.ModelSerializer[LoanItem]):
    """An item as the register keeps it; ``condition`` only once it is back."""

    reference = serializers.CharField(source="record.reference", read_only=True)
    title = serializers.CharField(source="record.title", read_only=True)
    condition = serializers.ChoiceField(choices=Condition.choices, read_only=True, required=False)

    class Meta:
        model = LoanItem
        fields = ["reference", "kind", "title", "condition"]
        read_only_fields = fields

    def to_representation(self, instance: LoanItem) -> dict[str, Any]:
        row: dict[str, Any] = super().to_representation(instance)
        if not row["condition"]:
            del row["condition"]
        return row


class RegisterEntrySerializer(serializers.ModelSerializer[RegisterEntry]):
    """An entry of the checkout register (登记簿): its place in the chain and its signature."""

    actor = serializers.CharField(source="actor_name", read_only=True)

    class Meta:
        model = RegisterEntry
        fields = ["sequence", "event", "occurred_at", "actor", "hash", "key_id", "signature"]
        read_only_fields = fields


class SignatureFactsSerializer(serializers.Serializer[Any]):
    """What an entry keeps of a hand signature: who, as what, and the image's SHA-256."""

    role = serializers.CharField()
    signer = serializers.CharField()
    sha256 = serializers.CharField()
    key = serializers.CharField()


class LoanEntrySerializer(RegisterEntrySerializer):
    signatures = serializers.SerializerMethodField()

    class Meta(RegisterEntrySerializer.Meta):
        fields = [*RegisterEntrySerializer.Meta.fields, "signatures"]
        read_only_fields = fields

    @extend_schema_field(SignatureFactsSerializer(many=True))
    def get_signatures(self, entry: RegisterEntry) -> Any:
        return SignatureFactsSerializer(entry.data.get("signatures", []), many=True).data


class ReadingEntrySerializer(RegisterEntrySerializer):
    """A reading in the room (查阅, `dms loan read`): who read what, and why."""

    reader = serializers.CharField(source="data.reader", read_only=True)
    reference = serializers.CharField(source="data.reference", read_only=True)
    purpose = serializers.CharField(source="data.purpose", read_only=True)

    class Meta(RegisterEntrySerializer.Meta):
        fields = [*RegisterEntrySerializer.Meta.fields, "reader", "reference", "purpose"]
        read_only_fields = fields


class LoanSerializer(serializers.ModelSerializer[Loan]):
    """A loan with its items and its newest register entry."""

    borrower = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)
    purpose = serializers.CharField(read_only=True, allow_null=True)
    items = serializers.SerializerMethodField()
    hidden_items = serializers.SerializerMethodField()
    entry = serializers.SerializerMethodField()

    class Meta:
        model = Loan
        fields = [
            "id",
            "number",
            "state",
            "borrower",
            "purpose",
            "due_on",
            "level",
            "items",
            "hidden_items",
            "entry",
        ]
        read_only_fields = fields

    def _trimmed(self, loan: Loan) -> TrimmedItems:
        """Items of records the viewing user may see now: the request's user (API), the
        ``viewer`` in the context (CLI ``--as``); with neither (a daily task's report) all."""
        items = list(loan.items.select_related("record").order_by("id"))
        request = self.context.get("request")
        viewer = request.user if request is not None else self.context.get("viewer")
        if viewer is None:
            return TrimmedItems(items, 0)
        return items_visible(viewer, items)

    def to_representation(self, instance: Loan) -> dict[str, Any]:
        """``purpose`` is null when an item is a record the user may not see: free text may
        name what the hidden record is about."""
        row: dict[str, Any] = super().to_representation(instance)
        if row["hidden_items"]:
            row["purpose"] = None
        return row

    @extend_schema_field(LoanItemSerializer(many=True))
    def get_items(self, loan: Loan) -> Any:
        return LoanItemSerializer(self._trimmed(loan).shown, many=True).data

    def get_hidden_items(self, loan: Loan) -> int:
        """How many items are records the user may not see (not named)."""
        return self._trimmed(loan).hidden

    @extend_schema_field(LoanEntrySerializer(allow_null=True))
    def get_entry(self, loan: Loan) -> Any:
        entry = loan.entries.order_by("-sequence").first()
        return None if entry is None else LoanEntrySerializer(entry).data


# What the POSTs accept ----------------------------------------------------------------------


class LoanRequestSerializer(serializers.Serializer[Any]):
    references = serializers.ListField(child=serializers.CharField(), min_length=1)
    kind = serializers.ChoiceField(choices=LoanKind.choices, default=LoanKind.PAPER)
    due_on = serializers.DateField(required=False, allow_null=True)
    purpose = serializers.CharField(max_length=255)


class DecisionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class SignatureSerializer(serializers.Serializer[Any]):
    signature = serializers.CharField(help_text="PNG, base64 (a data: URL is accepted too)")

    def validate_signature(self, value: str) -> bytes:
        value = value.split(",", 1)[1] if value.startswith("data:") else value
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as error:
            raise serializers.ValidationError("not base64") from error


class ReturnSerializer(serializers.Serializer[Any]):
    signature = serializers.CharField(required=False, help_text="the receiver's PNG, base64")
    conditions = serializers.DictField(
        child=serializers.ChoiceField(choices=Condition.choices), required=False, default=dict
    )
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
