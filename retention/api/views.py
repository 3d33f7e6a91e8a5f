"""REST endpoints of retention under /api/v1/retention/: the same services as the screens and
the CLI, and the same payloads as ``dms ... --json`` (the role of each route: ROUTE_ACTIONS in
base.py; one module per resource).

- ``due/``: records due for review (GET).
- ``holds/``, ``holds/{id}/``, ``holds/{id}/lift/``: list, place (POST), lift.
- ``destruction-requests/``, ``…/{id}/``, ``…/{id}/approve|reject|execute/``: list, propose
  (POST), approve or reject (never the proposer), execute.
- ``certificates/``, ``…/{id}/``, ``…/{id}/download/``: certificates and the signed PDF.
- ``seals/``, ``…/{id}/``, ``…/{id}/unseal/``: sealed dossiers, seal (POST), unseal.
- ``deletion-requests/``, ``…/{id}/``, ``…/{id}/answer/``, ``…/{id}/letter/``: register (POST),
  answer, the letter.
"""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from retention.api.destruction import CertificateViewSet, DestructionViewSet
from retention.api.due import DueViewSet
from retention.api.holds import HoldViewSet
from retention.api.sealing import DeletionViewSet, SealViewSet

router = SimpleRouter()
router.register("retention/due", DueViewSet, basename="retention-due")
router.register("retention/holds", HoldViewSet, basename="retention-hold")
router.register(
    "retention/destruction-requests", DestructionViewSet, basename="retention-destruction"
)
router.register("retention/certificates", CertificateViewSet, basename="retention-certificate")
router.register("retention/seals", SealViewSet, basename="retention-seal")
router.register("retention/deletion-requests", DeletionViewSet, basename="retention-deletion")
urlpatterns = router.urls
