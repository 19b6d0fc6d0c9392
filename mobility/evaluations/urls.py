"""The referent's side of the work with tutors, learners and employers: links, review, recognition,
reminders, outbox. Shown on the mobility's page through panels; these are the pages and actions.
"""

from django.urls import path

from mobility.evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("mobilities/<int:pk>/links/invite/", views.link_invite, name="link_invite"),
    path("mobilities/<int:pk>/links/<int:link_pk>/resend/", views.link_resend, name="link_resend"),
    path("mobilities/<int:pk>/links/<int:link_pk>/revoke/", views.link_revoke, name="link_revoke"),
    path("mobilities/<int:pk>/remind/", views.remind, name="remind"),
    path("mobilities/<int:pk>/evaluation/", views.review, name="review"),
    path("mobilities/<int:pk>/evaluation/validate/", views.validate, name="validate"),
    path("mobilities/<int:pk>/evaluation/send-back/", views.send_back, name="send_back"),
    path("mobilities/<int:pk>/self-assessment/", views.self_assessment, name="self_assessment"),
    path("mobilities/<int:pk>/employer-feedback/", views.employer_feedback, name="employer_feedback"),
    path("mobilities/<int:pk>/debrief/", views.debrief_send, name="debrief_send"),
    path("mobilities/<int:pk>/recognition/", views.recognition, name="recognition"),
    path("mobilities/<int:pk>/outbox/", views.outbox, name="outbox"),
    path("mobilities/<int:pk>/outbox/<int:email_pk>/", views.outbox_message, name="outbox_message"),
]
