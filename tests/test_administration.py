"""A framework admin who is not a superuser runs cycles and frameworks from the portal's pages.

Every action goes through an audited service that asks the policy; nobody else may take them,
and the Django admin is a superuser's tool only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.models import Cycle
from assessments.services.workflow import cycle_create, cycle_extend
from audit.models import AuditAction, AuditEvent
from frameworks.models import Framework, FrameworkStatus
from frameworks.schema import dump_framework
from frameworks.selectors import framework_definition
from frameworks.services import framework_copy_as_draft, framework_publish, framework_retire
from tests.factories import (
    OrganisationFactory,
    member,
    national,
    published_framework,
    small_framework_definition,
)


@pytest.fixture
def admin(db):
    user = national("framework_admin", "fran")
    assert not user.is_superuser and not user.is_staff
    return user


@pytest.fixture
def admin_client(admin) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def date_fields(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def yaml_upload(text: str, name: str = "framework.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="application/yaml")


# --- cycles ---------------------------------------------------------------------------------------


def test_framework_admin_creates_a_cycle_from_a_published_framework(admin, admin_client):
    framework = published_framework()
    draft = framework_copy_as_draft(framework=framework, version="2", user=admin)
    page = admin_client.get(reverse("cycle-list")).content.decode()
    assert f'value="{framework.pk}"' in page
    assert f'value="{draft.pk}"' not in page
    response = admin_client.post(
        reverse("cycle-list"),
        {
            "name": "2027/28",
            "framework": framework.pk,
            **date_fields("opens_on", dt.date(2027, 4, 1)),
            **date_fields("closes_on", dt.date(2028, 3, 31)),
        },
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(name="2027/28")
    assert (cycle.opens_on, cycle.closes_on) == (dt.date(2027, 4, 1), dt.date(2028, 3, 31))
    event = AuditEvent.objects.get(action=AuditAction.CYCLE_CREATED)
    assert event.assessment is None
    assert event.actor == admin
    assert event.subject == "cycle 2027/28"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"opens_on_0": "31", "opens_on_1": "2", "opens_on_2": "2027"}, "must be a real date"),
        ({"closes_on_0": "", "closes_on_1": "", "closes_on_2": ""}, "Enter the closing date"),
        ({"closes_on_2": ""}, "must include a year"),
        (date_fields("closes_on", dt.date(2027, 1, 1)), "closing date must be after"),
        ({"name": "2026/27"}, "already a cycle called 2026/27"),
        ({"framework": "999999"}, "Choose one of the published frameworks"),
    ],
)
def test_a_bad_cycle_is_refused_with_a_clear_message_and_nothing_created(
    admin_client, fields, message
):
    framework = published_framework()
    Cycle.objects.create(
        name="2026/27",
        framework=framework,
        opens_on=dt.date(2026, 4, 1),
        closes_on=dt.date(2027, 3, 31),
    )
    data = {
        "name": "2027/28",
        "framework": framework.pk,
        **date_fields("opens_on", dt.date(2027, 4, 1)),
        **date_fields("closes_on", dt.date(2028, 3, 31)),
        **fields,
    }
    response = admin_client.post(reverse("cycle-list"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert Cycle.objects.count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.CYCLE_CREATED).exists()


def test_framework_admin_extends_a_cycle_and_never_shortens_it(admin, admin_client):
    cycle = Cycle.objects.create(
        name="2026/27",
        framework=published_framework(),
        opens_on=dt.date(2026, 4, 1),
        closes_on=dt.date(2027, 3, 31),
    )
    url = reverse("cycle-extend", args=[cycle.pk])
    refused = admin_client.post(url, date_fields("closes_on", dt.date(2027, 3, 1)))
    assert "must be after 31 March 2027" in refused.content.decode()
    cycle.refresh_from_db()
    assert cycle.closes_on == dt.date(2027, 3, 31)
    assert admin_client.post(url, date_fields("closes_on", dt.date(2027, 4, 30))).status_code == 302
    cycle.refresh_from_db()
    assert cycle.closes_on == dt.date(2027, 4, 30)
    event = AuditEvent.objects.get(action=AuditAction.CYCLE_EXTENDED)
    assert (event.old_value, event.new_value, event.actor) == (
        "31 March 2027",
        "30 April 2027",
        admin,
    )


def test_cycle_services_refuse_anyone_but_a_framework_admin(db):
    framework = published_framework()
    trust = OrganisationFactory()
    for user in (
        member(trust, "digital_lead", "lead"),
        national("analyst", "analyst"),
    ):
        with pytest.raises(PermissionDenied):
            cycle_create(
                name="2030/31",
                framework=framework,
                opens_on=dt.date(2030, 4, 1),
                closes_on=dt.date(2031, 3, 31),
                user=user,
            )
    assert not Cycle.objects.exists()
    cycle = Cycle.objects.create(
        name="2030/31",
        framework=framework,
        opens_on=dt.date(2030, 4, 1),
        closes_on=dt.date(2031, 3, 31),
    )
    with pytest.raises(PermissionDenied):
        cycle_extend(cycle=cycle, closes_on=dt.date(2031, 6, 1), user=national("analyst", "a2"))
    cycle.refresh_from_db()
    assert cycle.closes_on == dt.date(2031, 3, 31)


# --- frameworks -----------------------------------------------------------------------------------


def test_framework_admin_loads_publishes_copies_and_retires_a_framework(admin, admin_client):
    text = dump_framework(small_framework_definition(version="3"))
    response = admin_client.post(reverse("framework-list"), {"file": yaml_upload(text)})
    assert response.status_code == 302
    framework = Framework.objects.get(code="test-framework", version="3")
    assert framework.status == FrameworkStatus.DRAFT

    page = admin_client.get(reverse("framework-list")).content.decode()
    assert reverse("framework-publish", args=[framework.pk]) in page
    assert reverse("framework-retire", args=[framework.pk]) not in page

    admin_client.post(reverse("framework-publish", args=[framework.pk]))
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.PUBLISHED

    admin_client.post(reverse("framework-copy", args=[framework.pk]), {"version": "4"})
    copy = Framework.objects.get(code="test-framework", version="4")
    assert copy.status == FrameworkStatus.DRAFT
    assert (
        framework_definition(framework=copy).domains
        == framework_definition(framework=framework).domains
    )

    admin_client.post(reverse("framework-retire", args=[framework.pk]))
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.RETIRED

    download = admin_client.get(reverse("framework-download", args=[copy.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="test-framework-4.yaml"'
    assert download.content.decode() == dump_framework(framework_definition(framework=copy))

    actions = list(
        AuditEvent.objects.filter(actor=admin).order_by("pk").values_list("action", "subject")
    )
    assert actions == [
        (AuditAction.FRAMEWORK_LOADED, "framework test-framework 3"),
        (AuditAction.FRAMEWORK_PUBLISHED, "framework test-framework 3"),
        (AuditAction.FRAMEWORK_COPIED, "framework test-framework 4"),
        (AuditAction.FRAMEWORK_RETIRED, "framework test-framework 3"),
    ]
    assert not AuditEvent.objects.filter(assessment__isnull=False).exists()


def test_a_bad_framework_file_lists_every_problem_and_loads_nothing(admin_client):
    text = dump_framework(small_framework_definition()).replace("type: scale", "type: guess", 1)
    text = text.replace("name: Test framework", "name: ''", 1)
    response = admin_client.post(reverse("framework-list"), {"file": yaml_upload(text)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "nothing was loaded" in page
    assert "domains[0].questions[0].type" in page
    assert "framework.yaml: name" in page
    assert not Framework.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not text", "must be a YAML text file"),
        (b"code: [unclosed", "not valid YAML"),
        (b"", "The selected file is empty"),
    ],
)
def test_an_unreadable_framework_file_is_refused_plainly(admin_client, content, message):
    upload = SimpleUploadedFile("broken.yaml", content, content_type="application/yaml")
    response = admin_client.post(reverse("framework-list"), {"file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Framework.objects.exists()


def test_a_lifecycle_step_the_status_does_not_allow_is_refused(admin, admin_client):
    framework = published_framework()
    response = admin_client.post(reverse("framework-publish", args=[framework.pk]), follow=True)
    assert "Only a draft can be published" in response.content.decode()
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.PUBLISHED
    taken = admin_client.post(reverse("framework-copy", args=[framework.pk]), {"version": "1"})
    assert "test-framework 1 already exists" in taken.content.decode()
    assert Framework.objects.count() == 1


def test_framework_services_refuse_anyone_but_a_framework_admin(db):
    framework = published_framework()
    analyst = national("analyst", "analyst")
    for service in (framework_publish, framework_retire):
        with pytest.raises(PermissionDenied):
            service(framework=framework, user=analyst)
    with pytest.raises(PermissionDenied):
        framework_copy_as_draft(framework=framework, version="9", user=analyst)
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.PUBLISHED
    assert Framework.objects.count() == 1
    assert not AuditEvent.objects.filter(actor=analyst).exists()


# --- who reaches what -----------------------------------------------------------------------------


def test_framework_admin_home_links_to_the_pages_they_use(admin_client):
    page = admin_client.get(reverse("home")).content.decode()
    for name in ("cycle-list", "framework-list", "assessment-list"):
        assert reverse(name) in page


def test_the_django_admin_is_for_superusers_only(admin, admin_client, django_user_model):
    admin.is_staff = True  # even a staff flag set by mistake opens nothing
    admin.save()
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    superuser = django_user_model.objects.create_superuser("root", "root@example.nhs.uk", "x")
    client = Client()
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
