"""Pages of the assessment side of the portal."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from assessments.selectors import user_roles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in landing page: who you are and which organisations you act for."""
    return render(request, "assessments/home.html", {"roles": user_roles(user=request.user)})
