"""The yes/no policy and the querysets of what a user may see agree, for every role.

On generated populations of trusts, cycles and assessments in every status, each user's list
(``assessments_visible_to``, ``organisations_visible_to``) holds exactly the rows its detail
check (``can_view_assessment``, ``can_view_organisation``) admits: a list can never show a row
its page would refuse, nor hide one it would show.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from access import policy
from access.scoping import assessments_visible_to, icbs_visible_to, organisations_visible_to
from assessments.models import AssessmentStatus
from organisations.models import NationalRole
from tests.factories import (
    IcbFactory,
    OrganisationFactory,
    UserFactory,
    assessment_in,
    closed_cycle,
    member,
    national,
    open_cycle,
    published_framework,
)

TRUST_ROLES = ("digital_lead", "contributor", "board_member")
NATIONAL_ROLES = ("analyst", "framework_admin")

population = st.fixed_dictionaries(
    {
        # each trust: its assessment status in each of two cycles (None: not started)
        "trusts": st.lists(
            st.tuples(
                st.none() | st.sampled_from(AssessmentStatus.values),
                st.none() | st.sampled_from(AssessmentStatus.values),
            ),
            min_size=1,
            max_size=5,
        ),
        # each person: trust roles (by trust index), national roles, and the ICB they view (by
        # the index of a trust in it), if any
        "people": st.lists(
            st.tuples(
                st.dictionaries(st.integers(0, 4), st.sampled_from(TRUST_ROLES), max_size=3),
                st.sets(st.sampled_from(NATIONAL_ROLES), max_size=2),
                st.booleans(),  # superuser
                st.none() | st.integers(0, 4),
            ),
            min_size=1,
            max_size=6,
        ),
    }
)


def build(example: dict):
    framework = published_framework()
    cycles = (closed_cycle(framework), open_cycle(framework))
    shared_icb = IcbFactory()
    # Every other trust shares an ICB, so an ICB holds several trusts and excludes others.
    trusts = [
        OrganisationFactory(**({"icb": shared_icb} if index % 2 else {}))
        for index, _ in enumerate(example["trusts"])
    ]
    assessments = [
        assessment_in(trust, cycle, status=status)
        for trust, statuses in zip(trusts, example["trusts"], strict=True)
        for cycle, status in zip(cycles, statuses, strict=True)
        if status is not None
    ]
    people = []
    for number, (trust_roles, national_roles, superuser, viewed) in enumerate(example["people"]):
        user = UserFactory(username=f"person{number}", is_superuser=superuser)
        for index, role in trust_roles.items():
            if index < len(trusts):
                member(trusts[index], role, user.username)
        for role in national_roles:
            NationalRole.objects.create(user=user, role=role)
        if viewed is not None and viewed < len(trusts):
            NationalRole.objects.create(user=user, role="icb_viewer", icb=trusts[viewed].icb)
        people.append(user)
    return trusts, assessments, people


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(example=population)
def test_lists_show_exactly_what_detail_pages_admit(example):
    with transaction.atomic():
        trusts, assessments, people = build(example)
        for user in people:
            listed = set(assessments_visible_to(user=user).values_list("pk", flat=True))
            admitted = {a.pk for a in assessments if policy.can_view_assessment(user, a)}
            assert listed == admitted
            organisations = set(organisations_visible_to(user=user).values_list("pk", flat=True))
            assert organisations == {t.pk for t in trusts if policy.can_view_organisation(user, t)}
            icbs = set(icbs_visible_to(user=user).values_list("pk", flat=True))
            every_icb = {t.icb_id for t in trusts}
            assert icbs & every_icb == {
                i for i in every_icb if policy.can_view_icb_summary(user, i)
            }
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_each_role_sees_what_its_rules_say():
    framework = published_framework()
    cycle = open_cycle(framework)
    own, other = OrganisationFactory(), OrganisationFactory()
    own_draft = assessment_in(own, cycle)
    other_draft = assessment_in(other, cycle)
    other_submitted = assessment_in(other, closed_cycle(framework), status="submitted")
    lead = member(own, "digital_lead", "lead")
    board = member(own, "board_member", "board")
    analyst = national("analyst", "analyst")
    nobody = UserFactory(username="nobody")

    def visible(user):
        return set(assessments_visible_to(user=user))

    assert visible(lead) == visible(board) == {own_draft}
    assert visible(analyst) == {other_submitted}
    assert visible(nobody) == set()
    assert other_draft not in visible(analyst)
    assert set(organisations_visible_to(user=lead)) == {own}
    assert set(organisations_visible_to(user=analyst)) == {own, other}
    assert not organisations_visible_to(user=nobody).exists()


@pytest.mark.django_db
def test_an_icb_viewer_sees_its_icbs_trusts_once_they_share():
    framework = published_framework()
    cycle = open_cycle(framework)
    inside, outside = OrganisationFactory(), OrganisationFactory()
    draft = assessment_in(inside, cycle)
    submitted = assessment_in(inside, closed_cycle(framework), status="submitted")
    elsewhere = assessment_in(outside, cycle, status="signed_off")
    viewer = national("icb_viewer", "viewer", icb=inside.icb)
    assert set(assessments_visible_to(user=viewer)) == {submitted}
    assert draft not in set(assessments_visible_to(user=viewer))
    assert elsewhere not in set(assessments_visible_to(user=viewer))
    assert set(organisations_visible_to(user=viewer)) == {inside}
    assert set(icbs_visible_to(user=viewer)) == {inside.icb}
    assert not policy.can_view_national_dashboard(viewer)
    assert not policy.can_download_national(viewer)
    assert not policy.can_run_benchmarks(viewer)
