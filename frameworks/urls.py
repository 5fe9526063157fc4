"""URL routes of the framework admin's pages."""

from django.urls import path

from frameworks import views

urlpatterns = [
    path("manage/frameworks/", views.framework_list, name="framework-list"),
    path(
        "manage/frameworks/<int:pk>/publish/",
        views.framework_publish_page,
        name="framework-publish",
    ),
    path(
        "manage/frameworks/<int:pk>/retire/", views.framework_retire_page, name="framework-retire"
    ),
    path("manage/frameworks/<int:pk>/copy/", views.framework_copy_page, name="framework-copy"),
    path(
        "manage/frameworks/<int:pk>/download/",
        views.framework_download,
        name="framework-download",
    ),
]
