from django.db import models
from django.db.models import Q

from apps.core.choices import Ethnicity, Sex
from apps.core.fields import code_in, ends_after_starts

from .choices import AuditKind, Employment, FamilyRole, Grade, PostStatus, SupervisionKind


class Worker(models.Model):
    """A case-holding worker (caseload = open allocated cases / FTE)."""

    worker_id = models.CharField("worker ID", max_length=40, unique=True)
    name = models.CharField(max_length=200)
    team = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="workers")
    fte = models.DecimalField("FTE", max_digits=4, decimal_places=2, null=True, blank=True)
    employment = models.CharField(max_length=10, choices=Employment.choices, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(worker_id=""), name="worker_id_not_blank"),
            models.CheckConstraint(
                condition=code_in("employment", Employment), name="worker_employment_valid"
            ),
            models.CheckConstraint(
                condition=Q(fte__isnull=True) | Q(fte__gt=0, fte__lte=2), name="worker_fte_range"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | ends_after_starts("end_date", "start_date"),
                name="worker_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.worker_id})"


class Post(models.Model):
    """An establishment post: funded or not, filled by a permanent or agency worker, or vacant."""

    post_id = models.CharField("post ID", max_length=40, unique=True)
    team = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="posts")
    funded = models.BooleanField()
    status = models.CharField(max_length=10, choices=PostStatus.choices)
    fte = models.DecimalField("FTE", max_digits=4, decimal_places=2, null=True, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["post_id"]
        constraints = [
            models.CheckConstraint(condition=~Q(post_id=""), name="post_id_not_blank"),
            models.CheckConstraint(
                condition=code_in("status", PostStatus, blank_ok=False), name="post_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(fte__isnull=True) | Q(fte__gt=0, fte__lte=2), name="post_fte_range"
            ),
            models.CheckConstraint(
                condition=ends_after_starts("end_date", "start_date"), name="post_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self):
        return self.post_id


class Allocation(models.Model):
    """Which team (and worker) holds a child's case from start to end."""

    allocation_id = models.CharField("allocation ID", max_length=40, unique=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="allocations")
    team = models.ForeignKey("core.OrgUnit", on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations"
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["child", "start_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(allocation_id=""), name="allocation_id_not_blank"),
            models.CheckConstraint(
                condition=ends_after_starts("end_date", "start_date"), name="allocation_end_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["start_date", "end_date"]),
            # A team's open cases (case tracking): the few not yet ended, not every case it ever held.
            models.Index(fields=["team", "end_date"]),
            # The allocation open at a date for a child, latest started first (every record's team when it
            # names none): read in the index's order rather than sorted per row.
            models.Index(fields=["child", "start_date"]),
        ]

    def __str__(self):
        return self.allocation_id


class Supervision(models.Model):
    """A case supervision (about one child) or a group supervision (about a team)."""

    supervision_id = models.CharField("supervision ID", max_length=40, unique=True)
    child = models.ForeignKey(
        "people.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="supervisions"
    )
    team = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="supervisions"
    )
    held_date = models.DateField()
    kind = models.CharField(max_length=10, choices=SupervisionKind.choices)

    class Meta:
        ordering = ["-held_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(supervision_id=""), name="supervision_id_not_blank"),
            models.CheckConstraint(
                condition=code_in("kind", SupervisionKind, blank_ok=False), name="supervision_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["held_date"])]

    def __str__(self):
        return self.supervision_id


class Audit(models.Model):
    """A case audit with its grade and the grade of management oversight."""

    audit_id = models.CharField("audit ID", max_length=40, unique=True)
    child = models.ForeignKey(
        "people.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    team = models.ForeignKey(
        "core.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    completed_date = models.DateField()
    kind = models.CharField(max_length=10, choices=AuditKind.choices)
    grade = models.CharField(max_length=24, choices=Grade.choices, blank=True)
    oversight_grade = models.CharField(max_length=24, choices=Grade.choices, blank=True)

    class Meta:
        ordering = ["-completed_date"]
        constraints = [
            models.CheckConstraint(condition=~Q(audit_id=""), name="audit_id_not_blank"),
            models.CheckConstraint(
                condition=code_in("kind", AuditKind, blank_ok=False), name="audit_kind_valid"
            ),
            models.CheckConstraint(condition=code_in("grade", Grade), name="audit_grade_valid"),
            models.CheckConstraint(
                condition=code_in("oversight_grade", Grade), name="audit_oversight_grade_valid"
            ),
        ]
        indexes = [models.Index(fields=["completed_date"])]

    def __str__(self):
        return self.audit_id


class Family(models.Model):
    """A family attached to the Families First (Troubled Families) programme."""

    family_id = models.CharField("family ID", max_length=40, unique=True)
    attached_date = models.DateField()
    outcome_met_date = models.DateField(null=True, blank=True)
    claimed_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "families"
        ordering = ["family_id"]
        constraints = [
            models.CheckConstraint(condition=~Q(family_id=""), name="family_id_not_blank"),
            models.CheckConstraint(
                condition=ends_after_starts("outcome_met_date", "attached_date"),
                name="family_outcome_after_attached",
            ),
            models.CheckConstraint(
                condition=ends_after_starts("claimed_date", "attached_date"),
                name="family_claim_after_attached",
            ),
        ]
        indexes = [models.Index(fields=["attached_date"]), models.Index(fields=["claimed_date"])]

    def __str__(self):
        return self.family_id


class FamilyMember(models.Model):
    """A person in a Families First family (not necessarily a child known to social care)."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    person_id = models.CharField("person ID", max_length=40)
    role = models.CharField(max_length=10, choices=FamilyRole.choices)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)

    class Meta:
        ordering = ["family", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["family", "person_id"], name="family_member_unique"),
            models.CheckConstraint(condition=~Q(person_id=""), name="family_member_id_not_blank"),
            models.CheckConstraint(
                condition=code_in("role", FamilyRole, blank_ok=False), name="family_member_role_valid"
            ),
            models.CheckConstraint(condition=code_in("sex", Sex), name="family_member_sex_valid"),
            models.CheckConstraint(
                condition=code_in("ethnicity", Ethnicity), name="family_member_ethnicity_valid"
            ),
        ]

    def __str__(self):
        return f"{self.family_id}/{self.person_id}"
