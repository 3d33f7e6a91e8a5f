from django.urls import path

from records_dms.common import converters  # noqa: F401  (registers <id:…>)
from records_dms.lending.admin import cart as cart_views
from records_dms.lending.admin import custody as custody_views
from records_dms.lending.admin import register as register_views
from records_dms.lending.admin import views

urlpatterns = [
    path("", views.LoanListView.as_view(), name="loans"),
    path("mine/", views.MyLoansView.as_view(), name="mine"),
    path("request/", views.LoanRequestView.as_view(), name="request"),
    path("approvals/", views.ApprovalQueueView.as_view(), name="queue"),
    path("<id:pk>/", views.LoanView.as_view(), name="loan"),
    path("<id:pk>/decide/", views.loan_decide, name="decide"),
    path("<id:pk>/checkout/", views.CheckoutView.as_view(), name="checkout"),
    path("<id:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("copies/<id:pk>/", register_views.copy_view, name="copy"),
    path("register/", register_views.RegisterView.as_view(), name="register"),
    path("register/export/", register_views.register_export, name="register_export"),
    path(
        "register/<id:sequence>/signatures/<str:sha256>.png",
        register_views.signature_image,
        name="signature",
    ),
    path("records/<id:pk>/location/", views.LocationView.as_view(), name="location"),
    path("reading/", views.ReadingView.as_view(), name="reading"),
    path("handover/", custody_views.HandoverView.as_view(), name="handover"),
    path("cart/", cart_views.CartView.as_view(), name="cart"),
    path("cart/add/<id:pk>/", cart_views.cart_add_view, name="cart_add"),
    path("cart/remove/<id:pk>/", cart_views.cart_remove_view, name="cart_remove"),
    path("cart/empty/", cart_views.cart_empty_view, name="cart_empty"),
]
