"""Money pages (namespace ``mobility``)."""

from django.urls import path

from mobility.funding import views

urlpatterns = [
    path("mobilities/<int:pk>/grant/", views.grant_edit, name="grant-edit"),
    path("mobilities/<int:pk>/grant/issue/", views.grant_issue, name="grant-issue"),
    path("mobilities/<int:pk>/grant/sign/", views.grant_sign, name="grant-sign"),
    path("payments/<int:pk>/paid/", views.payment_paid, name="payment-paid"),
    path("projects/<int:pk>/budget/", views.project_budget_export, name="project-budget-export"),
    path("payments/due/", views.payments_due, name="payments-due"),
    path("rate-tables/", views.rate_table_list, name="rate-table-list"),
    path("rate-tables/new/", views.rate_table_edit, name="rate-table-create"),
    path("rate-tables/<int:pk>/edit/", views.rate_table_edit, name="rate-table-edit"),
]
