"""Who exists and who acts for whom: NHS regions, ICBs, trusts, people's roles and invitations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class TrustType(models.TextChoices):
    ACUTE = "acute", "Acute"
    ACUTE_SPECIALIST = "acute-specialist", "Acute specialist"
    MENTAL_HEALTH = "mental-health", "Mental health"
    COMMUNITY = "community", "Community"
    AMBULANCE = "ambulance", "Ambulance"


class Region(models.Model):
    code = models.CharField(max_length=8, unique=True, help_text="ODS code, e.g. Y56.")
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class IntegratedCareBoard(models.Model):
    code = models.CharField(max_length=8, unique=True, help_text="ODS code, e.g. QE1.")
    gss_code = models.CharField(max_length=9, unique=True, help_text="ONS GSS code.")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = "integrated care board"

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """An NHS trust. Trust type and ICB are editable: they are judgements and they change."""

    ods_code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=200)
    trust_type = models.CharField(max_length=20, choices=TrustType.choices)
    type_basis = models.CharField(
        max_length=20,
        blank=True,
        help_text="How the trust type was decided: 'name', 'knowledge' or 'admin'.",
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organisations")
    icb = models.ForeignKey(
        IntegratedCareBoard, on_delete=models.PROTECT, related_name="organisations"
    )
    icb_set_by_admin = models.BooleanField(
        default=False, help_text="An administrator chose the ICB; reloading the files keeps it."
    )
    postcode = models.CharField(max_length=10, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(trust_type__in=TrustType.values), name="organisation_trust_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"


class MembershipRole(models.TextChoices):
    DIGITAL_LEAD = "digital_lead", "Trust digital lead"
    CONTRIBUTOR = "contributor", "Contributor"
    BOARD_MEMBER = "board_member", "Board member"


class Membership(models.Model):
    """A person's role in one trust: what they may do there and nowhere else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_membership_per_user_and_trust"
            ),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation.name}"


class NationalRoleName(models.TextChoices):
    ANALYST = "analyst", "NHS England analyst"
    FRAMEWORK_ADMIN = "framework_admin", "Framework admin"
    ICB_VIEWER = "icb_viewer", "ICB viewer"


class NationalRole(models.Model):
    """A role above single trusts, as opposed to a membership of one trust.

    NHS England's roles reach every trust; an ICB viewer's reaches the trusts of one ICB, so it
    names that ICB and no other role does.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="national_roles"
    )
    role = models.CharField(max_length=20, choices=NationalRoleName.choices)
    icb = models.ForeignKey(
        IntegratedCareBoard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="viewers",
        help_text="The ICB whose trusts an ICB viewer sees; empty for every other role.",
    )

    class Meta:
        ordering = ["user__username", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_national_role_each"),
            models.CheckConstraint(
                condition=Q(role__in=NationalRoleName.values), name="national_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(role=NationalRoleName.ICB_VIEWER, icb__isnull=False)
                | (~Q(role=NationalRoleName.ICB_VIEWER) & Q(icb__isnull=True)),
                name="icb_viewer_names_its_icb",
                violation_error_message="An ICB viewer needs its ICB; no other role has one.",
            ),
        ]

    def __str__(self) -> str:
        if self.icb_id is not None:
            return f"{self.user} — {self.get_role_display()} of {self.icb}"
        return f"{self.user} — {self.get_role_display()}"


class Invitation(models.Model):
    """A one-time link that lets a colleague join a trust with a role."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.get_role_display()} at {self.organisation.name}"
