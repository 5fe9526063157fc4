"""Admin for frameworks: drafts are editable; published and retired versions are read-only.

Loading, publishing, retiring and copying versions are the framework admin's portal pages
(``frameworks.views``), each an audited service; the Django admin only edits a draft's content.
"""

from django.contrib import admin
from django.http import HttpRequest

from frameworks.models import AnswerOption, Domain, Framework, Question, Stage, StageThreshold


class DraftOnlyMixin:
    """Content rows can change only while their framework is a draft (the models enforce it too)."""

    def framework_of(self, obj):
        return obj.owning_framework() if hasattr(obj, "owning_framework") else obj

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and not self.framework_of(obj).is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and not self.framework_of(obj).is_editable:
            return False
        return super().has_delete_permission(request, obj)


class StageInline(DraftOnlyMixin, admin.TabularInline):
    model = Stage
    extra = 0


class DomainInline(DraftOnlyMixin, admin.TabularInline):
    model = Domain
    extra = 0
    fields = ("order", "code", "name", "weight")


class ThresholdInline(DraftOnlyMixin, admin.TabularInline):
    model = StageThreshold
    extra = 0


class QuestionInline(DraftOnlyMixin, admin.TabularInline):
    model = Question
    extra = 0
    fields = ("order", "code", "type", "mandatory", "weight", "allows_na", "gate_stage")
    show_change_link = True


class AnswerOptionInline(DraftOnlyMixin, admin.TabularInline):
    model = AnswerOption
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "code", "version", "status", "overall_rule", "published_at")
    list_filter = ("status", "code")
    readonly_fields = ("status", "published_at", "created_at")
    inlines = (StageInline, DomainInline, ThresholdInline)


@admin.register(Domain)
class DomainAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "name", "framework", "order", "weight")
    list_filter = ("framework",)
    inlines = (QuestionInline,)


@admin.register(Question)
class QuestionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "type", "domain", "mandatory", "weight", "gate_stage")
    list_filter = ("framework", "domain__code", "type", "mandatory")
    search_fields = ("code", "text")
    list_select_related = ("domain", "gate_stage")
    inlines = (AnswerOptionInline,)


@admin.register(Stage)
class StageAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "ordinal", "framework")
    list_filter = ("framework",)


@admin.register(StageThreshold)
class StageThresholdAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "framework")
    list_filter = ("framework",)
    list_select_related = ("domain", "stage", "framework")


@admin.register(AnswerOption)
class AnswerOptionAdmin(DraftOnlyMixin, admin.ModelAdmin):
    list_display = ("label", "question", "score", "stage")
    list_filter = ("question__framework",)
    search_fields = ("label", "question__code")
    list_select_related = ("question", "stage")
