"""What retention objects look like as JSON, to the API and to `dms ... --json` alike.

Output serializers first (one per object), then what the API's POSTs accept.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from records_dms.archive.models import Customer
from records_dms.archive.selectors import visible_records
from records_dms.common.apischema import BlankAsNullField, UsernameField
from retention.models import (
    DeletionRequest,
    DestructionCertificate,
    DestructionItem,
    DestructionRequest,
    DestructionWitness,
    DossierSeal,
    LegalHold,
    RecordRetention,
)
from retention.selectors import VisibleItems, destruction_items_visible
from retention.services.holds import hold_records

References = serializers.ListField(child=serializers.CharField())


class DueRecordSerializer(serializers.ModelSerializer[RecordRetention]):
    """A record due for review (`dms retention due`, GET retention/due/)."""

    reference = serializers.CharField(source="record.reference", read_only=True)
    customer = serializers.CharField(source="record.customer.code", read_only=True)
    type = serializers.CharField(source="record.type", read_only=True)
    title = serializers.CharField(source="record.title", read_only=True)
    schedule: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = RecordRetention
        fields = ["reference", "customer", "type", "title", "schedule", "trigger_date", "due_date"]
        read_only_fields = fields


class HoldSerializer(serializers.ModelSerializer[LegalHold]):
    """A legal hold and the records it covers; with ``context["user"]`` only those that user
    may see (the API), without it all of them (the operator at the CLI)."""

    active = serializers.BooleanField(read_only=True)
    customer: serializers.SlugRelatedField[Customer] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    query = BlankAsNullField()
    placed_by = UsernameField()
    lift_reason = BlankAsNullField()
    records = serializers.SerializerMethodField()

    class Meta:
        model = LegalHold
        fields = [
            "id",
            "scope",
            "reason",
            "active",
            "customer",
            "volume",
            "query",
            "placed_by",
            "placed_at",
            "lifted_at",
            "lift_reason",
            "records",
        ]
        read_only_fields = fields

    @extend_schema_field(References)
    def get_records(self, hold: LegalHold) -> list[str]:
        covered = hold_records(hold)
        user = self.context.get("user")
        if user is not None:
            covered = covered.filter(pk__in=visible_records(user=user))
        return list(covered.values_list("reference", flat=True))


class DestructionItemSerializer(serializers.ModelSerializer[DestructionItem]):
    reason = BlankAsNullField(source="skip_reason", help_text="why it was not destroyed")

    class Meta:
        model = DestructionItem
        fields = ["reference", "state", "sha256", "reason"]
        read_only_fields = fields


class DestructionWitnessSerializer(serializers.ModelSerializer[DestructionWitness]):
    user = UsernameField(allow_null=True)

    class Meta:
        model = DestructionWitness
        fields = ["position", "name", "user", "unit", "sha256", "signed_at"]
        read_only_fields = fields


class DestructionRequestSerializer(serializers.ModelSerializer[DestructionRequest]):
    """A destruction request (销毁清单) with its items and, once executed, its certificate."""

    proposed_by = UsernameField()
    approved_by = serializers.SerializerMethodField()
    rejected_by = UsernameField(allow_null=True)
    executed_by = UsernameField(allow_null=True)
    witness = BlankAsNullField()
    witnesses = DestructionWitnessSerializer(many=True, read_only=True)
    items = serializers.SerializerMethodField()
    hidden_items = serializers.SerializerMethodField(
        help_text="how many items are records the caller may not see (not named)"
    )
    certificate = serializers.SerializerMethodField(help_text="the certificate's number")

    class Meta:
        model = DestructionRequest
        fields = [
            "id",
            "number",
            "state",
            "reason",
            "proposed_by",
            "approved_by",
            "approvals_required",
            "rejected_by",
            "executed_by",
            "witness",
            "witnesses",
            "items",
            "hidden_items",
            "certificate",
        ]
        read_only_fields = fields

    def _trimmed(self, request: DestructionRequest) -> VisibleItems:
        """Items of records the caller may see; without a user (the operator's CLI) all."""
        user = self.context.get("user")
        if user is None:
            return VisibleItems(list(request.items.all()), 0)
        return destruction_items_visible(user=user, request=request)

    @extend_schema_field(DestructionItemSerializer(many=True))
    def get_items(self, request: DestructionRequest) -> Any:
        return DestructionItemSerializer(self._trimmed(request).shown, many=True).data

    def get_hidden_items(self, request: DestructionRequest) -> int:
        return self._trimmed(request).hidden

    @extend_schema_field(References)
    def get_approved_by(self, request: DestructionRequest) -> list[str]:
        return [a.approver.get_username() for a in request.approvals.select_related("approver")]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_certificate(self, request: DestructionRequest) -> str | None:
        try:
            return str(request.certificate.number)
        except ObjectDoesNotExist:
            return None


class CertificateSerializer(serializers.ModelSerializer[DestructionCertificate]):
    request: serializers.SlugRelatedField[DestructionRequest] = serializers.SlugRelatedField(
        slug_field="number", read_only=True
    )
    record: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True, allow_null=True
    )

    class Meta:
        model = DestructionCertificate
        fields = ["id", "number", "request", "sha256", "issued_at", "record"]
        read_only_fields = fields


class DossierSealSerializer(serializers.ModelSerializer[DossierSeal]):
    customer: serializers.SlugRelatedField[Customer] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    active = serializers.BooleanField(read_only=True)
    sealed_by = UsernameField()
    unsealed_by = UsernameField(allow_null=True)
    unseal_reason = BlankAsNullField()

    class Meta:
        model = DossierSeal
        fields = [
            "id",
            "customer",
            "active",
            "reason",
            "sealed_by",
            "sealed_at",
            "unsealed_by",
            "unsealed_at",
            "unseal_reason",
        ]
        read_only_fields = fields


class SealedDossierSerializer(serializers.ModelSerializer[Customer]):
    """A customer's dossier: sealed or not, and its seals newest first (`dms retention seal`)."""

    customer = serializers.CharField(source="code", read_only=True)
    seals = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = ["customer", "sealed", "seals"]
        read_only_fields = fields

    @extend_schema_field(DossierSealSerializer(many=True))
    def get_seals(self, customer: Customer) -> Any:
        seals = DossierSeal.objects.filter(customer=customer).select_related(
            "customer", "sealed_by", "unsealed_by"
        )
        return DossierSealSerializer(seals, many=True).data


class AnswerRowSerializer(serializers.Serializer[Any]):
    """One record of an answered deletion request: destroyed or kept, and why."""

    reference = serializers.CharField()
    type = serializers.CharField()
    title = serializers.CharField()
    decision = serializers.ChoiceField(choices=["destroy", "keep"])
    schedule = serializers.CharField()
    why_zh = serializers.CharField()
    why_en = serializers.CharField()
    until = serializers.CharField(help_text="ISO date, or what the clock waits for")


class DeletionRequestSerializer(serializers.ModelSerializer[DeletionRequest]):
    customer: serializers.SlugRelatedField[Customer] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    registered_by = UsernameField()
    answered_by = UsernameField(allow_null=True)
    destruction: serializers.SlugRelatedField[DestructionRequest] = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    sealed = serializers.BooleanField(source="customer.sealed", read_only=True)
    records = AnswerRowSerializer(source="answer", many=True, read_only=True)
    letter_sha256 = BlankAsNullField()

    class Meta:
        model = DeletionRequest
        fields = [
            "id",
            "number",
            "customer",
            "received_on",
            "requester",
            "notes",
            "state",
            "registered_by",
            "answered_by",
            "answered_at",
            "destruction",
            "sealed",
            "records",
            "letter_sha256",
        ]
        read_only_fields = fields


# What the POSTs accept ----------------------------------------------------------------------


class HoldPlaceSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300)
    references = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    customer = serializers.CharField(required=False, allow_blank=True, default="")
    volume = serializers.IntegerField(required=False, allow_null=True, default=None)
    query = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ProposeSerializer(serializers.Serializer[Any]):
    references = serializers.ListField(child=serializers.CharField(), min_length=1)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=300)


class WitnessInputSerializer(serializers.Serializer[Any]):
    """A witness (监销人) at execution: a user (``username``) or a person (``name``), and the
    hand signature as a PNG (base64, or a ``data:image/png;base64,`` URL)."""

    username = serializers.CharField(max_length=150, required=False, default="")
    name = serializers.CharField(max_length=100, required=False, default="")
    unit = serializers.CharField(max_length=100, required=False, default="")
    signature = serializers.CharField(help_text="PNG, base64")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        import base64
        import binascii

        from retention.services.witnesses import user_by_username

        text = attrs["signature"]
        text = text.split(",", 1)[1] if text.startswith("data:") else text
        try:
            attrs["png"] = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as error:
            raise serializers.ValidationError({"signature": "not base64"}) from error
        attrs["user"] = None
        if attrs["username"]:
            attrs["user"] = user_by_username(attrs["username"])
            if attrs["user"] is None:
                raise serializers.ValidationError({"username": "no such active user"})
        return attrs


class ExecuteSerializer(serializers.Serializer[Any]):
    witnesses = WitnessInputSerializer(many=True)
    paper_method = serializers.CharField(max_length=100, required=False, default="shredding")


class SealPlaceSerializer(serializers.Serializer[Any]):
    customer = serializers.CharField()
    reason = serializers.CharField(max_length=300)


class DeletionRegisterSerializer(serializers.Serializer[Any]):
    customer = serializers.CharField()
    received_on = serializers.DateField()
    requester = serializers.CharField(max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
