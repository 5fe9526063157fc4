"""Benchmark pages: start and watch runs, read their results, and a trust's own report.

Thin: every permission comes from ``access.policy`` and every list from ``access.scoping``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import policy, scoping
from assessments.models import Assessment, AssessmentStatus, Cycle
from maturity_portal.forms import posted
from organisations.models import Organisation
from reports import selectors
from reports.charts import chart_data
from reports.exports import DATASETS, Filters
from reports.forms import (
    BenchmarkStartForm,
    NationalDownloadForm,
    ReportFileForm,
    TrustChoiceForm,
)
from reports.models import BenchmarkRun, FileKind, ReportFile
from reports.services import benchmarks, files, national
from reports.services.jobs import JobError

RUNS_PER_PAGE = 25
FILE_BUTTONS = (
    (FileKind.BOARD_PACK, "Make the board pack (PDF)"),
    (FileKind.WORKBOOK, "Make the workbook (XLSX)"),
)


def _cycles_with_sign_offs():
    signed_off = Assessment.objects.filter(cycle=OuterRef("pk"), status=AssessmentStatus.SIGNED_OFF)
    return (
        Cycle.objects.filter(Exists(signed_off)).select_related("framework").order_by("-opens_on")
    )


def _run(request: HttpRequest, pk: int) -> BenchmarkRun:
    runs = scoping.benchmark_runs_visible_to(user=request.user).select_related("cycle__framework")
    run = runs.filter(pk=pk).first()
    if run is None:
        if policy.can_run_benchmarks(request.user):
            raise Http404("No such benchmark run.")
        raise PermissionDenied("Benchmark runs are for NHS England analysts and framework admins.")
    return run


def _run_progress(request: HttpRequest, run: BenchmarkRun, *, polling: bool = False) -> dict:
    return {
        "job": run,
        "progress_url": reverse("benchmark-progress", args=[run.pk]),
        "page_url": reverse("benchmark-run", args=[run.pk]),
        "retry_url": reverse("benchmark-retry", args=[run.pk]),
        "can_retry": policy.can_run_benchmarks(request.user),
        "polling": polling,
        "result_text": "Show the results of this run",
    }


@login_required
@require_http_methods(["GET", "POST"])
def benchmark_list(request: HttpRequest) -> HttpResponse:
    """Every run, newest first, and a form to start one."""
    if not policy.can_run_benchmarks(request.user):
        raise PermissionDenied("Benchmark runs are for NHS England analysts and framework admins.")
    form = BenchmarkStartForm(
        posted(request), cycles=_cycles_with_sign_offs(), action=reverse("benchmark-list")
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = benchmarks.benchmark_run_request(
                cycle=form.cleaned_data["cycle"], user=request.user, trigger="on_demand"
            )
        except JobError as error:
            form.add_error(None, str(error))
        else:
            return redirect("benchmark-run", run.pk)
    runs = selectors.runs_page_rows(runs=scoping.benchmark_runs_visible_to(user=request.user))
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    status = 400 if form.errors else 200
    return render(
        request,
        "reports/benchmark_list.html",
        {
            "form": form,
            "page": page,
            "pages": page.paginator.get_elided_page_range(page.number),
        },
        status=status,
    )


@login_required
@require_GET
def benchmark_run(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's progress while it works; its national figures and the trusts it compared after."""
    run = _run(request, pk)
    context = {"run": run, **_run_progress(request, run)}
    if run.status == "done":
        context["national"] = selectors.national_statistics(run=run)
        context["domain_names"] = selectors.domain_names(run=run)
        context["trust_form"] = TrustChoiceForm(
            request.GET or None,
            organisations=Organisation.objects.filter(
                assessments__benchmarks__in=selectors.trust_rows_of_run(run=run)
            ).order_by("name"),
        )
        if context["trust_form"].is_valid():
            trust = context["trust_form"].cleaned_data["trust"]
            url = reverse("trust-benchmark", args=[trust.ods_code])
            return redirect(f"{url}?cycle={run.cycle_id}")
    return render(request, "reports/benchmark_run.html", context)


@login_required
@require_GET
def benchmark_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel alone, polled by htmx until the run has finished."""
    run = _run(request, pk)
    return render(request, "reports/_progress.html", _run_progress(request, run, polling=True))


@login_required
@require_POST
def benchmark_retry(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        benchmarks.benchmark_run_retry(run=run, user=request.user)
    except JobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The run has been queued again.")
    return redirect("benchmark-run", run.pk)


@login_required
@require_GET
def trust_benchmark(request: HttpRequest, ods_code: str) -> HttpResponse:
    """A trust's place among its peers: its own people and NHS England only."""
    organisation = get_object_or_404(Organisation, ods_code=ods_code)
    if not policy.can_view_organisation(request.user, organisation):
        raise PermissionDenied("You can only see the benchmark report of your own trust.")
    cycle = None
    cycle_id = request.GET.get("cycle", "")
    if cycle_id:
        cycle = Cycle.objects.filter(pk=cycle_id).first() if cycle_id.isdigit() else None
        if cycle is None:
            raise Http404("No such cycle.")
    run = selectors.latest_run_for_trust(organisation=organisation, cycle=cycle)
    report = selectors.trust_report(run=run, organisation=organisation) if run else None
    return render(
        request,
        "reports/trust_benchmark.html",
        {
            "organisation": organisation,
            "report": report,
            "cycle": cycle,
            "cycles": selectors.cycles_compared(organisation=organisation),
            "file_buttons": FILE_BUTTONS,
            "charts": chart_data(report) if report else {},
        },
    )


# --- documents ---------------------------------------------------------------------------------


def _report_file(request: HttpRequest, pk: int) -> ReportFile:
    document = get_object_or_404(
        ReportFile.objects.select_related("organisation", "run__cycle"), pk=pk
    )
    if document.organisation is None:
        if not policy.can_download_national(request.user):
            raise PermissionDenied("National downloads are for NHS England analysts.")
    elif not policy.can_view_organisation(request.user, document.organisation):
        raise PermissionDenied("You can only see your own trust's reports.")
    return document


def _file_progress(request: HttpRequest, document: ReportFile, *, polling: bool = False) -> dict:
    return {
        "job": document,
        "progress_url": reverse("report-file-progress", args=[document.pk]),
        "page_url": reverse("report-file", args=[document.pk]),
        "retry_url": reverse("report-file-retry", args=[document.pk]),
        "can_retry": True,
        "polling": polling,
        "result_text": f"Download the {document.get_kind_display().lower()}",
    }


@login_required
@require_POST
def report_file_start(request: HttpRequest, ods_code: str) -> HttpResponse:
    """Ask for a trust's board pack or workbook from a run; then watch it being made."""
    organisation = get_object_or_404(Organisation, ods_code=ods_code)
    form = ReportFileForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "problem.html",
            {"message": "That report cannot be made: choose one of the reports on the page."},
            status=400,
        )
    run = BenchmarkRun.objects.filter(pk=form.cleaned_data["run"]).first()
    if run is None:
        raise Http404("No such benchmark run.")
    try:
        document = files.report_file_request(
            run=run, organisation=organisation, kind=form.cleaned_data["kind"], user=request.user
        )
    except JobError as error:
        messages.error(request, str(error))
        return redirect(reverse("trust-benchmark", args=[ods_code]) + f"?cycle={run.cycle_id}")
    return redirect("report-file", document.pk)


@login_required
@require_GET
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    document = _report_file(request, pk)
    return render(
        request,
        "reports/report_file.html",
        {"document": document, **_file_progress(request, document)},
    )


@login_required
@require_GET
def report_file_progress(request: HttpRequest, pk: int) -> HttpResponse:
    document = _report_file(request, pk)
    return render(
        request, "reports/_progress.html", _file_progress(request, document, polling=True)
    )


@login_required
@require_POST
def report_file_retry(request: HttpRequest, pk: int) -> HttpResponse:
    document = _report_file(request, pk)
    try:
        if document.organisation is None:
            national.national_file_retry(document=document, user=request.user)
        else:
            files.report_file_retry(document=document, user=request.user)
    except JobError as error:
        messages.error(request, str(error))
    return redirect("report-file", document.pk)


@login_required
@require_GET
def report_file_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = _report_file(request, pk)
    if document.status != "done" or not document.file:
        raise Http404("This file is not ready.")
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )


# --- national downloads ------------------------------------------------------------------------

NATIONAL_KINDS = {"xlsx": FileKind.NATIONAL_XLSX, "parquet": FileKind.NATIONAL_PARQUET}
RECENT_DOWNLOADS = 10


@login_required
@require_http_methods(["GET", "POST"])
def national_downloads(request: HttpRequest) -> HttpResponse:
    """Every trust's results, answers or peer statistics, for analysts, in three formats."""
    if not policy.can_download_national(request.user):
        raise PermissionDenied("National downloads are for NHS England analysts.")
    form = NationalDownloadForm(posted(request), action=reverse("national-downloads"))
    if request.method == "POST" and form.is_valid():
        dataset, chosen, filters = (
            form.cleaned_data["dataset"],
            form.cleaned_data["format"],
            form.filters(),
        )
        if chosen == "csv":
            response = StreamingHttpResponse(
                national.national_csv(dataset=dataset, filters=filters, user=request.user),
                content_type="text/csv; charset=utf-8",
            )
            name = national.national_csv_filename(dataset=dataset, filters=filters)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        if chosen == "dictionary":
            content = national.national_dictionary_csv(
                dataset=dataset, filters=filters, user=request.user
            )
            response = HttpResponse(content, content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{dataset}-dictionary.csv"'
            return response
        try:
            document = national.national_file_request(
                dataset=dataset, kind=NATIONAL_KINDS[chosen], filters=filters, user=request.user
            )
        except JobError as error:
            form.add_error(None, str(error))
        else:
            return redirect("report-file", document.pk)
    recent = ReportFile.objects.filter(
        organisation__isnull=True, requested_by=request.user
    ).order_by("-created_at", "-pk")[:RECENT_DOWNLOADS]
    return render(
        request,
        "reports/national_downloads.html",
        {
            "form": form,
            "recent": recent,
            "datasets": [
                (dataset, dataset.columns(user=request.user, filters=Filters()))
                for dataset in DATASETS.values()
            ],
        },
        status=400 if form.errors else 200,
    )
