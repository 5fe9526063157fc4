"""Pages of the assessment journey.

Each view parses the request, asks the policy, calls one service or selector and renders.
Objects a user may not see at all are 404 (their existence is not confirmed); actions a user
may see but not take are 403.
"""

from __future__ import annotations

import csv
import dataclasses
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import policy, scoping
from assessments import selectors
from assessments.forms import (
    AnswerForm,
    AssignForm,
    ConfirmCarriedForwardForm,
    CycleCreateForm,
    CycleExtendForm,
    EvidenceFileForm,
    EvidenceLinkForm,
    ReasonForm,
    SignOffForm,
    StartForm,
)
from assessments.models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    DomainAssignment,
    Evidence,
    EvidenceKind,
)
from assessments.rendering import (
    cached_fragment,
    form_html,
    render_form,
    request_csrf_token,
)
from assessments.services import answers as answer_services
from assessments.services import evidence as evidence_services
from assessments.services import workflow
from frameworks.models import Domain
from frameworks.selectors import framework_content
from maturity_portal.forms import posted
from organisations import selectors as organisation_selectors
from organisations.models import Organisation

TEMPLATE = "assessments/{}.html"


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = selectors.assessment_for(pk=pk)
    if assessment is None or not policy.can_view_assessment(request.user, assessment):
        raise Http404("No such assessment.")
    return assessment


def _filters_without_page(request: HttpRequest) -> str:
    """The query string of a filtered list, less its page number, for the pagination links."""
    filters = request.GET.copy()
    filters.pop("page", None)
    return filters.urlencode()


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "problem.html", {"message": message}, status=400)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Who you are, the trusts you act for and each trust's assessments.

    Someone who acts for no trust starts on the dashboard of what they oversee: England for an
    analyst, the ICB for an ICB viewer.
    """
    if not policy.roles_of(request.user).trust_roles:
        if policy.can_view_national_dashboard(request.user):
            return redirect("national-dashboard")
        icb_codes = list(scoping.icbs_visible_to(user=request.user).values_list("code", flat=True))
        if len(icb_codes) == 1:
            return redirect("icb-summary", icb_codes[0])
    roles = organisation_selectors.user_roles(user=request.user)
    organisation_ids = [membership.organisation_id for membership in roles.memberships]
    by_trust = selectors.trust_assessments(organisation_ids=organisation_ids)
    today = timezone.localdate()
    open_cycles = list(Cycle.objects.filter(opens_on__lte=today, closes_on__gte=today))
    trusts = []
    for membership in roles.memberships:
        assessments = by_trust.get(membership.organisation_id, [])
        started = {assessment.cycle_id for assessment in assessments}
        startable = [
            cycle
            for cycle in open_cycles
            if cycle.pk not in started
            and policy.can_start_assessment(request.user, membership.organisation, cycle)
        ]
        trusts.append(
            {
                "membership": membership,
                "assessments": assessments,
                "startable": startable,
                "can_invite": policy.can_invite(request.user, membership.organisation),
            }
        )
    context = {
        "roles": roles,
        "trusts": trusts,
        "can_manage_cycles": policy.can_manage_cycles(request.user),
        "can_manage_frameworks": policy.can_manage_frameworks(request.user),
        "can_run_benchmarks": policy.can_run_benchmarks(request.user),
        "can_download_national": policy.can_download_national(request.user),
        "can_view_national_dashboard": policy.can_view_national_dashboard(request.user),
    }
    return render(request, TEMPLATE.format("home"), context)


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, ods_code: str, cycle_id: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, ods_code=ods_code)
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    if not policy.can_view_organisation(request.user, organisation):
        raise Http404("No such trust.")
    if not policy.can_start_assessment(request.user, organisation, cycle):
        raise PermissionDenied("Only the trust's digital lead can start, while the cycle is open.")
    previous = workflow.previous_assessment(organisation=organisation, cycle=cycle)
    form = StartForm(posted(request)) if previous else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            assessment = workflow.assessment_start(
                organisation=organisation,
                cycle=cycle,
                user=request.user,
                copy_forward=bool(form and form.cleaned_data["copy_forward"] == "yes"),
            )
        except workflow.WorkflowError as error:
            messages.info(request, str(error))
            return redirect("home")
        return redirect("task-list", pk=assessment.pk)
    return render(
        request,
        TEMPLATE.format("start"),
        {"organisation": organisation, "cycle": cycle, "previous": previous, "form": form},
    )


@login_required
@require_GET
def task_list(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    user = request.user
    editable_ids = policy.editable_domain_ids(user, assessment)
    progress = selectors.task_list_for(assessment=assessment, editable_ids=editable_ids)
    context = {
        "assessment": assessment,
        "progress": progress,
        "result": getattr(assessment, "result", None),
        "can_edit_any": bool(editable_ids),
        "can_submit": policy.can_submit(user, assessment),
        "can_assign": policy.can_assign_domains(user, assessment),
        "can_sign_off": policy.can_sign_off(user, assessment),
        "can_reopen": policy.can_reopen(user, assessment),
        "can_view_audit": policy.can_view_audit(user, assessment),
        "answered": sum(row.answered for row in progress),
        "total": sum(row.total for row in progress),
        "not_carried": selectors.not_carried_forward(assessment=assessment) if editable_ids else [],
    }
    return render(request, TEMPLATE.format("task_list"), context)


def _domain(assessment: Assessment, code: str) -> Domain:
    return get_object_or_404(Domain, framework_id=assessment.cycle.framework_id, code=code)


def _question_url(assessment: Assessment, code: str, name: str = "question-save") -> str:
    return reverse(name, args=[assessment.pk, code])


def _question_blocks(
    request, assessment, states, editable: bool, bound=None, not_asked: dict | None = None
):
    """Each question with the HTML of its answer and evidence forms when it may be edited.

    An unbound form is rendered once per question and answer (``assessments.rendering``); a form
    bound to a refused post is rendered as it is, with the person's input and its errors. A
    question that earlier answers leave unasked says when it would be asked, and has no forms.
    """
    bound = bound or {}
    not_asked = not_asked or {}
    blocks = []
    for state in states:
        block = {
            "state": state,
            "editable": editable,
            "errors": None,
            "evidence_open": False,
            "not_asked": not_asked.get(state.question.code, ""),
        }
        if editable and not block["not_asked"]:
            block |= _question_forms(request, assessment, state, bound)
        blocks.append(block)
    return blocks


def _question_forms(request, assessment, state, bound) -> dict:
    question = state.question
    code = question.code
    response = state.response
    answer_state = None
    if response is not None:
        answer_state = (
            response.version,
            response.option_id,
            tuple(option.pk for option in state.selected),
            response.number_value,
            response.text_value,
            response.is_not_applicable,
            response.comment,
            response.carried_forward,
        )

    def html(key: str, build) -> str:
        if key in bound:
            return render_form(bound[key], csrf_token=request_csrf_token(request))
        return form_html(
            request,
            key=(
                key,
                question.pk,
                assessment.cycle.framework.published_at,
                answer_state if key == code else None,
            ),
            assessment_pk=assessment.pk,
            build=build,
        )

    return {
        "form_html": html(
            code,
            lambda pk: AnswerForm(state=state, action=reverse("question-save", args=[pk, code])),
        ),
        "link_html": html(
            f"{code}-link",
            lambda pk: EvidenceLinkForm(
                action=reverse("evidence-link", args=[pk, code]), prefix=f"{code}-link"
            ),
        ),
        "file_html": html(
            f"{code}-file",
            lambda pk: EvidenceFileForm(
                action=reverse("evidence-file", args=[pk, code]), prefix=f"{code}-file"
            ),
        ),
        "errors": bound[code] if code in bound and bound[code].errors else None,
        "evidence_open": any(
            key in bound and bound[key].errors for key in (f"{code}-link", f"{code}-file")
        ),
    }


@login_required
@require_GET
def domain_page(request: HttpRequest, pk: int, domain_code: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    domain = _domain(assessment, domain_code)
    return _render_domain(request, assessment, domain)


def _render_domain(
    request, assessment, domain, *, bound=None, failed=None, conflict=None, status=200
):
    states = selectors.questions_with_answers(assessment=assessment, domain=domain)
    editable = policy.can_edit_domain(request.user, assessment, domain)
    confirm_form = None
    if editable:
        confirm_form = ConfirmCarriedForwardForm(
            states=states, action=reverse("domain-confirm", args=[assessment.pk, domain.code])
        )
    context = {
        "confirm_form": confirm_form if confirm_form and confirm_form.count else None,
        "assessment": assessment,
        "domain": domain,
        "blocks": _question_blocks(
            request,
            assessment,
            states,
            editable,
            bound,
            not_asked=selectors.questions_not_asked(assessment=assessment),
        ),
        "editable": editable,
        "open_for_editing": policy.is_open_for_editing(assessment),
        "failed_form": failed,
        "conflict": conflict,
        "result": selectors.domain_result_for(assessment=assessment, domain=domain),
    }
    return render(request, TEMPLATE.format("domain"), context, status=status)


def _question_state(assessment: Assessment, code: str):
    try:
        question = answer_services.question_for(assessment=assessment, code=code)
    except answer_services.AnswerInvalidError:
        return None
    [state] = selectors.questions_with_answers(assessment=assessment, question=question)
    return state


def _editable_question(request: HttpRequest, pk: int, code: str):
    """The assessment and question a post is about, or the response refusing it."""
    assessment = _assessment(request, pk)
    state = _question_state(assessment, code)
    if state is None:
        return _bad_request(request, f"{code} is not a question of this assessment's framework.")
    if not policy.can_edit_domain(request.user, assessment, state.question.domain):
        raise PermissionDenied("You cannot change answers or evidence in this domain now.")
    return assessment, state


@login_required
@require_POST
def question_save(request: HttpRequest, pk: int, question_code: str) -> HttpResponse:
    """Save one answer: htmx swaps the question in place; without JavaScript the page reloads."""
    found = _editable_question(request, pk, question_code)
    if isinstance(found, HttpResponse):
        return found
    assessment, state = found
    question = state.question
    action = _question_url(assessment, question.code)
    form = AnswerForm(request.POST, state=state, action=action)
    conflict = None
    before = selectors.domain_result_for(assessment=assessment, domain=question.domain)
    if form.is_valid():
        answer = form.answer_input()
        try:
            saved = answer_services.response_save(
                assessment=assessment,
                question=question,
                answer=answer,
                comment=form.cleaned_data["comment"].strip(),
                based_on_version=form.cleaned_data["version"],
                user=request.user,
            )
        except answer_services.StaleAnswerError as error:
            conflict = error.stale
            form = _overwrite_form(request, state, action, conflict)
        except answer_services.AnswerInvalidError as error:
            form.add_error("answer", str(error))
        else:
            if request.htmx:
                # What was just saved is known: only the stored result is read again.
                fresh = dataclasses.replace(
                    state,
                    response=saved,
                    selected=[o for o in state.options if o.order in answer.selected],
                )
                result = selectors.domain_result_for(assessment=assessment, domain=question.domain)
                return _question_fragment(
                    request,
                    assessment,
                    fresh,
                    saved=True,
                    result=result,
                    announcement=selectors.stage_change_announcement(
                        domain=question.domain, before=before, after=result
                    ),
                    followers=_conditional_blocks(request, assessment, question),
                )
            messages.success(request, f"Your answer to {question.code} has been saved.")
            url = reverse("domain", args=[assessment.pk, question.domain.code])
            return redirect(f"{url}#question-{question.code}")
    if request.htmx:
        return _question_fragment(request, assessment, state, form=form, conflict=conflict)
    return _render_domain(
        request,
        assessment,
        question.domain,
        bound={question.code: form},
        failed=form if form.errors else None,
        conflict=conflict,
    )


def _overwrite_form(request, state, action, conflict) -> AnswerForm:
    """The person's own answer again, now based on the version they are replacing."""
    data = request.POST.copy()
    data[f"{state.question.code}-version"] = str(conflict.response.version)
    form = AnswerForm(data, state=state, action=action)
    form.helper.inputs[0].value = "Replace their answer with mine"
    form.is_valid()
    return form


def _question_fragment(
    request,
    assessment,
    state,
    *,
    form=None,
    conflict=None,
    saved=False,
    result=None,
    announcement="",
    followers=(),
):
    """The question swapped in place; after a save, the domain's score panel comes with it, and
    every question on the page asked only after earlier answers, shown or not as they now say."""
    bound = {state.question.code: form} if form is not None else {}
    [block] = _question_blocks(request, assessment, [state], True, bound)
    return render(
        request,
        TEMPLATE.format("_question"),
        {
            "assessment": assessment,
            "block": block,
            "conflict": conflict,
            "saved": saved,
            "result": result,
            "announcement": announcement,
            "fragment": True,
            "followers": followers,
        },
    )


def _conditional_blocks(request, assessment, saved_question) -> list[dict]:
    """The saved question's domain's conditional questions after it, for out-of-band swaps.

    None (and no query) in a framework without conditions.
    """
    definition = framework_content(framework=assessment.cycle.framework).definition
    if not definition.has_conditions:
        return []
    [domain] = [d for d in definition.domains if d.code == saved_question.domain.code]
    codes = {q.code for q in domain.questions if q.shown_when is not None}
    if not codes - {saved_question.code}:
        return []
    states = [
        state
        for state in selectors.questions_with_answers(
            assessment=assessment, domain=saved_question.domain
        )
        if state.question.code in codes - {saved_question.code}
    ]
    return _question_blocks(
        request,
        assessment,
        states,
        True,
        not_asked=selectors.questions_not_asked(assessment=assessment),
    )


@login_required
@require_POST
def domain_confirm(request: HttpRequest, pk: int, domain_code: str) -> HttpResponse:
    """Confirm every carried-forward answer of a domain the person saw unchanged, at once."""
    assessment = _assessment(request, pk)
    domain = _domain(assessment, domain_code)
    if not policy.can_edit_domain(request.user, assessment, domain):
        raise PermissionDenied("You cannot change answers in this domain now.")
    states = selectors.questions_with_answers(assessment=assessment, domain=domain)
    form = ConfirmCarriedForwardForm(request.POST, states=states, action="")
    url = reverse("domain", args=[assessment.pk, domain.code])
    if not form.is_valid():
        return _bad_request(request, "The page was out of date. Open the domain again.")
    outcome = answer_services.domain_confirm_carried_forward(
        assessment=assessment, domain=domain, versions=form.versions(), user=request.user
    )
    if outcome.confirmed:
        count = len(outcome.confirmed)
        messages.success(
            request, f"{count} answer{'s' if count != 1 else ''} confirmed in {domain.name}."
        )
    if outcome.changed_by_others:
        messages.info(
            request,
            "Not confirmed, because someone else changed them after you opened the page: "
            f"{', '.join(outcome.changed_by_others)}. Read them again below.",
        )
    if not outcome.confirmed and not outcome.changed_by_others:
        messages.info(request, "There were no carried-forward answers left to confirm.")
    return redirect(url)


@login_required
@require_POST
def evidence_link(request: HttpRequest, pk: int, question_code: str) -> HttpResponse:
    return _evidence_add(request, pk, question_code, kind=EvidenceKind.LINK)


@login_required
@require_POST
def evidence_file(request: HttpRequest, pk: int, question_code: str) -> HttpResponse:
    return _evidence_add(request, pk, question_code, kind=EvidenceKind.FILE)


def _evidence_add(request, pk: int, question_code: str, *, kind: str) -> HttpResponse:
    found = _editable_question(request, pk, question_code)
    if isinstance(found, HttpResponse):
        return found
    assessment, state = found
    question = state.question
    code = question.code
    if kind == EvidenceKind.LINK:
        form = EvidenceLinkForm(
            request.POST,
            action=_question_url(assessment, code, "evidence-link"),
            prefix=f"{code}-link",
        )
    else:
        form = EvidenceFileForm(
            request.POST,
            request.FILES,
            action=_question_url(assessment, code, "evidence-file"),
            prefix=f"{code}-file",
        )
    if form.is_valid():
        try:
            if kind == EvidenceKind.LINK:
                evidence_services.evidence_add_link(
                    assessment=assessment,
                    question=question,
                    url=form.cleaned_data["url"],
                    user=request.user,
                )
            else:
                evidence_services.evidence_add_file(
                    assessment=assessment,
                    question=question,
                    upload=form.cleaned_data["file"],
                    user=request.user,
                )
        except answer_services.AnswerInvalidError as error:
            form.add_error("file", str(error))
    if form.errors:
        key = f"{code}-link" if kind == EvidenceKind.LINK else f"{code}-file"
        return _render_domain(request, assessment, question.domain, bound={key: form}, failed=form)
    messages.success(request, f"Evidence added to {code}.")
    url = reverse("domain", args=[assessment.pk, question.domain.code])
    return redirect(f"{url}#question-{code}")


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Files are only ever served here, after the policy says yes."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("assessment", "assessment__cycle"), pk=pk
    )
    if not policy.can_download_evidence(request.user, evidence):
        raise Http404("No such evidence.")
    if evidence.kind != EvidenceKind.FILE:
        return redirect(evidence.url)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is no longer stored.") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or "evidence",
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(
        Evidence.objects.select_related("assessment", "question__domain"), pk=pk
    )
    if not policy.can_view_assessment(request.user, evidence.assessment):
        raise Http404("No such evidence.")
    evidence_services.evidence_remove(evidence=evidence, user=request.user)
    messages.success(request, f"Evidence removed from {evidence.question.code}.")
    url = reverse("domain", args=[evidence.assessment_id, evidence.question.domain.code])
    return redirect(f"{url}#question-{evidence.question.code}")


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not policy.can_assign_domains(request.user, assessment):
        raise PermissionDenied("Only the digital lead can assign domains.")
    domains = list(Domain.objects.filter(framework_id=assessment.cycle.framework_id))
    people = organisation_selectors.assignable_people(organisation_id=assessment.organisation_id)
    current = dict(
        DomainAssignment.objects.filter(assessment=assessment).values_list(
            "domain_id", "assignee_id"
        )
    )
    form = AssignForm(posted(request), domains=domains, people=people, current=current)
    if request.method == "POST" and form.is_valid():
        for domain, assignee in form.assignments():
            workflow.domain_assign(
                assessment=assessment, domain=domain, assignee=assignee, user=request.user
            )
        messages.success(request, "Domain assignments saved.")
        return redirect("task-list", pk=assessment.pk)
    return render(
        request,
        TEMPLATE.format("assign"),
        {"assessment": assessment, "form": form, "title": "Assign domains to colleagues"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_answers(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers, then submit (NHS.UK pattern)."""
    assessment = _assessment(request, pk)
    can_submit = policy.can_submit(request.user, assessment)
    problems = []
    if request.method == "POST":
        if not can_submit:
            raise PermissionDenied("Only the digital lead can submit, while it is open.")
        try:
            workflow.assessment_submit(assessment=assessment, user=request.user)
        except workflow.SubmissionBlockedError as error:
            problems = error.problems
        else:
            messages.success(request, "Self-assessment submitted to the board for sign-off.")
            return redirect("task-list", pk=assessment.pk)
    states = selectors.questions_with_answers(assessment=assessment, provenance=False)
    if request.method == "GET" and can_submit:
        problems = workflow.submission_problems(assessment=assessment, states=states)
    not_asked = selectors.questions_not_asked(assessment=assessment)
    return render(
        request,
        TEMPLATE.format("check_answers"),
        {
            "assessment": assessment,
            "sections": _answer_sections(
                assessment, states, can_submit=can_submit, not_asked=not_asked
            ),
            "problems": problems,
            "can_submit": can_submit,
            "submit_attempted": request.method == "POST",
        },
        status=200,
    )


def _answer_sections(
    assessment, states, *, can_submit: bool, not_asked: dict[str, str]
) -> list[tuple[Domain, str]]:
    """Each domain with its answers' HTML, rendered again only when one of them has changed.

    Every change to an answer raises its version, and evidence changes its count, so the
    versions and counts of a domain's answers say whether its rows can be reused.
    """
    sections = []
    for domain, group in groupby(states, key=lambda state: state.question.domain):
        group = list(group)
        key = (
            "answers",
            assessment.pk,
            assessment.created_at,  # ids come round again when a database is rebuilt
            domain.pk,
            can_submit,
            tuple(
                (state.response.version if state.response else 0, len(state.evidence))
                for state in group
            ),
            # Answers elsewhere decide which of these are asked.
            tuple(state.question.code in not_asked for state in group),
        )
        context = {
            "states": group,
            "not_asked": not_asked,
            "can_submit": can_submit,
            "domain_url": reverse("domain", args=[assessment.pk, domain.code]),
        }
        sections.append(
            (
                domain,
                cached_fragment(
                    key=key,
                    render=lambda context=context: render_to_string(
                        TEMPLATE.format("_answer_rows"), context
                    ),
                ),
            )
        )
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not (
        policy.can_sign_off(request.user, assessment) or policy.can_return(request.user, assessment)
    ):
        if policy.is_board_member(request.user, assessment.organisation_id):
            messages.info(request, selectors.why_not_awaiting_sign_off(assessment=assessment))
            return redirect("task-list", pk=assessment.pk)
        raise PermissionDenied("Only a board member can sign off a submitted self-assessment.")
    form = SignOffForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["decision"] == "sign_off":
            workflow.assessment_sign_off(
                assessment=assessment, user=request.user, name=data["name"], role=data["role"]
            )
            messages.success(request, "Self-assessment signed off.")
        else:
            workflow.assessment_return(
                assessment=assessment, user=request.user, comment=data["comment"]
            )
            messages.success(request, "Self-assessment returned to the digital lead.")
        return redirect("task-list", pk=assessment.pk)
    context = {
        "assessment": assessment,
        "form": form,
        "title": "Sign off or return this self-assessment",
        "progress": selectors.task_list_for(assessment=assessment, editable_ids=set()),
        "result": getattr(assessment, "result", None),
    }
    return render(request, TEMPLATE.format("sign_off"), context)


@login_required
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not policy.can_reopen(request.user, assessment):
        raise PermissionDenied("Only a framework admin can reopen a signed-off assessment.")
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        workflow.assessment_reopen(
            assessment=assessment, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            f"{assessment.organisation.name}'s {assessment.cycle.name} self-assessment is "
            "reopened. Its digital lead can change answers and submit it again; NHS England "
            "sees it again once it is resubmitted.",
        )
        return redirect("home")
    return render(
        request,
        TEMPLATE.format("reopen"),
        {"assessment": assessment, "form": form, "title": "Reopen this self-assessment"},
    )


def _audited_assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = _assessment(request, pk)
    if not policy.can_view_audit(request.user, assessment):
        raise PermissionDenied("Only the digital lead and NHS England can read the audit trail.")
    return assessment


@login_required
@require_GET
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _audited_assessment(request, pk)
    page = selectors.audit_page_for(assessment=assessment, number=request.GET.get("page"))
    pages = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return render(
        request,
        TEMPLATE.format("audit"),
        {"assessment": assessment, "page": page, "pages": list(pages)},
    )


@login_required
@require_GET
def audit_csv(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _audited_assessment(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"audit-{assessment.organisation.ods_code}-{assessment.cycle.name.replace('/', '-')}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(["when", "who", "action", "subject", "old", "new", "reason"])
    for event in selectors.audit_events_for(assessment=assessment):
        writer.writerow(
            _csv_safe(value)
            for value in (
                timezone.localtime(event.at).isoformat(timespec="seconds"),
                event.actor.get_username() if event.actor else "",
                event.get_action_display(),
                event.subject,
                event.old_value,
                event.new_value,
                event.reason,
            )
        )
    return response


def _csv_safe(value: str) -> str:
    """Stop a spreadsheet running an answer that starts like a formula."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


# --- cycles: the framework admin's pages ---------------------------------------------------------


def _cycle_manager(request: HttpRequest) -> None:
    if not policy.can_manage_cycles(request.user):
        raise PermissionDenied("Only a framework admin can manage cycles.")


@login_required
@require_http_methods(["GET", "POST"])
def cycle_list(request: HttpRequest) -> HttpResponse:
    """Every cycle with its framework, dates and progress, and a form to open a new one."""
    _cycle_manager(request)
    form = CycleCreateForm(posted(request), frameworks=selectors.frameworks_for_new_cycles())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = workflow.cycle_create(
                name=data["name"],
                framework=data["framework"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                user=request.user,
            )
        except workflow.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Cycle {cycle.name} created.")
            return redirect("cycle-list")
    return render(
        request,
        TEMPLATE.format("cycles/list"),
        {"cycles": selectors.cycles_with_progress(), "form": form, "title": "Cycles"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_extend(request: HttpRequest, pk: int) -> HttpResponse:
    _cycle_manager(request)
    cycle = get_object_or_404(Cycle.objects.select_related("framework"), pk=pk)
    form = CycleExtendForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            workflow.cycle_extend(
                cycle=cycle, closes_on=form.cleaned_data["closes_on"], user=request.user
            )
        except workflow.WorkflowError as error:
            form.add_error("closes_on", str(error))
        else:
            messages.success(
                request,
                f"Cycle {cycle.name} now closes on {form.cleaned_data['closes_on']:%-d %B %Y}.",
            )
            return redirect("cycle-list")
    return render(
        request,
        TEMPLATE.format("cycles/extend"),
        {"cycle": cycle, "form": form, "title": f"Extend cycle {cycle.name}"},
    )


@login_required
@require_GET
def assessment_list(request: HttpRequest) -> HttpResponse:
    """Every self-assessment the user may read, by cycle and status, a page at a time."""
    cycles = list(Cycle.objects.order_by("-opens_on"))
    chosen_cycle = next((c for c in cycles if str(c.pk) == request.GET.get("cycle")), None)
    status = request.GET.get("status", "")
    page = selectors.assessments_page(
        user=request.user,
        cycle=chosen_cycle,
        status=status,
        number=request.GET.get("page"),
    )
    return render(
        request,
        TEMPLATE.format("list"),
        {
            "page": page,
            "pages": list(page.paginator.get_elided_page_range(page.number, on_each_side=2)),
            "cycles": cycles,
            "chosen_cycle": chosen_cycle,
            "statuses": AssessmentStatus.choices,
            "status": status if status in AssessmentStatus.values else "",
            "filters": _filters_without_page(request),
        },
    )
