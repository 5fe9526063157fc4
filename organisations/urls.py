"""URL routes for joining a trust."""

from django.urls import path

from organisations import views

urlpatterns = [
    path("trusts/<str:ods_code>/invite/", views.invite, name="invite"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept-invitation"),
]
