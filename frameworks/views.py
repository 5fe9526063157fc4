"""The framework admin's pages: load, publish, retire, copy and download framework versions.

Each action is one audited service that asks the access policy; these views parse, ask the
policy first for a clear 403, and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from access import policy
from frameworks import selectors
from frameworks.forms import ConfirmForm, FrameworkCopyForm, FrameworkUploadForm
from frameworks.models import Framework
from frameworks.schema import FrameworkFileError, read_framework_text
from frameworks.services import (
    FrameworkLifecycleError,
    framework_copy_as_draft,
    framework_export,
    framework_import,
    framework_publish,
    framework_retire,
)
from maturity_portal.forms import posted

TEMPLATE = "frameworks/{}.html"


def _manager(request: HttpRequest) -> None:
    if not policy.can_manage_frameworks(request.user):
        raise PermissionDenied("Only a framework admin can manage frameworks.")


@login_required
@require_http_methods(["GET", "POST"])
def framework_list(request: HttpRequest) -> HttpResponse:
    """Every version with its status and what may be done with it, and a form to load a file."""
    _manager(request)
    form = FrameworkUploadForm(posted(request), request.FILES or None)
    file_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            definition = read_framework_text(form.text, source=upload.name)
            result = framework_import(
                definition=definition,
                publish=form.cleaned_data["publish"],
                source=upload.name,
                user=request.user,
            )
        except FrameworkFileError as error:
            file_errors = error.errors
            form.add_error(
                "file",
                f"The selected file has {len(error.errors)} problem"
                f"{'s' if len(error.errors) != 1 else ''}: nothing was loaded",
            )
        else:
            framework = result.framework
            messages.success(
                request,
                f"{framework.code} {framework.version}: {result.outcome} "
                f"({framework.get_status_display().lower()}).",
            )
            return redirect("framework-list")
    context = {
        "frameworks": selectors.frameworks_with_counts(),
        "form": form,
        "file_errors": file_errors,
        "title": "Frameworks",
    }
    return render(request, TEMPLATE.format("list"), context)


def _lifecycle_page(request: HttpRequest, pk: int, *, service, button: str, template: str):
    _manager(request)
    framework = get_object_or_404(Framework, pk=pk)
    form = ConfirmForm(posted(request), button=button)
    if request.method == "POST" and form.is_valid():
        try:
            framework = service(framework=framework, user=request.user)
        except FrameworkLifecycleError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"{framework.code} {framework.version} is now "
                f"{framework.get_status_display().lower()}.",
            )
        return redirect("framework-list")
    return render(
        request,
        TEMPLATE.format(template),
        {"framework": framework, "form": form, "title": f"{button}: {framework.name}"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def framework_publish_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle_page(
        request, pk, service=framework_publish, button="Publish", template="publish"
    )


@login_required
@require_http_methods(["GET", "POST"])
def framework_retire_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle_page(
        request, pk, service=framework_retire, button="Retire", template="retire"
    )


@login_required
@require_http_methods(["GET", "POST"])
def framework_copy_page(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    framework = get_object_or_404(Framework, pk=pk)
    form = FrameworkCopyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            copy = framework_copy_as_draft(
                framework=framework, version=form.cleaned_data["version"], user=request.user
            )
        except FrameworkLifecycleError as error:
            form.add_error("version", str(error))
        else:
            messages.success(request, f"{copy.code} {copy.version} created as a draft.")
            return redirect("framework-list")
    return render(
        request,
        TEMPLATE.format("copy"),
        {"framework": framework, "form": form, "title": f"Copy {framework.name}"},
    )


@login_required
@require_GET
def framework_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The version as its canonical framework file."""
    _manager(request)
    framework = get_object_or_404(Framework, pk=pk)
    response = HttpResponse(
        framework_export(code=framework.code, version=framework.version),
        content_type="application/yaml; charset=utf-8",
    )
    filename = f"{framework.code}-{framework.version}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
