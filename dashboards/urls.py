from django.urls import path

from dashboards import views

urlpatterns = [
    path("trusts/<str:ods_code>/dashboard/", views.trust_dashboard, name="trust-dashboard"),
    path("dashboards/national/", views.national_dashboard, name="national-dashboard"),
    path("dashboards/icbs/<str:code>/", views.icb_summary, name="icb-summary"),
]
