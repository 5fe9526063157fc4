"""A published framework is frozen in the model layer, whatever path tries to change it."""

from __future__ import annotations

import pytest

from frameworks.models import (
    AnswerOption,
    Domain,
    Framework,
    FrameworkFrozenError,
    FrameworkStatus,
    Question,
    Stage,
)
from frameworks.selectors import framework_definition
from frameworks.services import (
    FrameworkLifecycleError,
    framework_copy_as_draft,
    framework_load,
    framework_publish,
    framework_retire,
)

from .conftest import SHIPPED

pytestmark = pytest.mark.django_db


@pytest.fixture
def published() -> Framework:
    return framework_load(path=SHIPPED, publish=True, user=None).framework


def test_question_text_of_published_framework_cannot_be_saved(published):
    question = Question.objects.filter(framework=published).first()
    question.text = "Rewritten after trusts answered it"
    with pytest.raises(FrameworkFrozenError):
        question.save()


def test_bulk_update_of_published_options_is_refused(published):
    with pytest.raises(FrameworkFrozenError):
        AnswerOption.objects.filter(question__framework=published).update(score=4)


def test_published_content_cannot_be_deleted(published):
    with pytest.raises(FrameworkFrozenError):
        Domain.objects.filter(framework=published).delete()
    with pytest.raises(FrameworkFrozenError):
        Stage.objects.filter(framework=published).first().delete()
    with pytest.raises(FrameworkFrozenError):
        published.delete()


def test_published_framework_fields_cannot_change(published):
    published.name = "Renamed"
    with pytest.raises(FrameworkFrozenError):
        published.save()


def test_published_framework_cannot_go_back_to_draft(published):
    published.status = FrameworkStatus.DRAFT
    with pytest.raises(FrameworkFrozenError):
        published.save()


def test_published_framework_can_be_retired_and_then_stays_frozen(published):
    retired = framework_retire(framework=published, user=None)
    assert Framework.objects.get(pk=retired.pk).status == FrameworkStatus.RETIRED
    retired.status = FrameworkStatus.PUBLISHED
    with pytest.raises(FrameworkFrozenError):
        retired.save()


def test_draft_content_can_be_edited():
    draft = framework_load(path=SHIPPED, user=None).framework
    question = Question.objects.filter(framework=draft).first()
    question.text = "Clearer wording"
    question.save()
    assert Question.objects.get(pk=question.pk).text == "Clearer wording"


def test_new_version_is_an_editable_copy(published):
    copy = framework_copy_as_draft(framework=published, version="2027.1", user=None)
    assert copy.status == FrameworkStatus.DRAFT
    original, copied = (
        framework_definition(framework=published),
        framework_definition(framework=copy),
    )
    assert copied.domains == original.domains
    assert copied.version == "2027.1"
    Question.objects.filter(framework=copy).update(mandatory=False)
    assert Question.objects.filter(framework=published, mandatory=False).count() == sum(
        not q.mandatory for d in original.domains for q in d.questions
    )


def test_lifecycle_steps_out_of_order_are_refused(published):
    with pytest.raises(FrameworkLifecycleError):
        framework_publish(framework=published, user=None)
    draft = framework_copy_as_draft(framework=published, version="2027.1", user=None)
    with pytest.raises(FrameworkLifecycleError):
        framework_retire(framework=draft, user=None)
    with pytest.raises(FrameworkLifecycleError):
        framework_copy_as_draft(framework=published, version="2027.1", user=None)
