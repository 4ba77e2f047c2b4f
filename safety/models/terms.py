"""The CTCAE term list (reference data, not clinical records)."""

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Reference data: the CTCAE term list -------------------------------------------------------------------


class GradingScale(models.TextChoices):
    CTCAE_5 = "CTCAE_5.0", _("CTCAE v5.0")
    ASTCT_2019 = "ASTCT_2019", _("ASTCT 2019 consensus")


@pghistory.track()
class CtcaeTerm(models.Model):
    """One CTCAE term with its system organ class, allowed grades and grade descriptions (reference data, not a
    clinical record). Filled from the shipped term file by a data migration, or from the official NCI workbook by
    ``manage.py load_ctcae_workbook``."""

    code = models.CharField("Term code", max_length=100, unique=True, help_text="Slug of the term (safety.ctcae).")
    meddra_code = models.CharField("MedDRA code", max_length=12, blank=True)
    term = models.CharField(max_length=200)
    soc = models.CharField("System organ class", max_length=200)
    allowed_grades = models.JSONField(default=list, help_text="The grades the term allows, e.g. [1, 2, 3, 4, 5].")
    grade_descriptions = models.JSONField(default=dict, blank=True, help_text='Grade ("1".."5") -> description.')
    definition = models.TextField(blank=True)
    is_other_specify = models.BooleanField('"Other, specify" term of its SOC', default=False)
    source = models.CharField(max_length=300, help_text="Where the term comes from (file and its origin).")
    version = models.CharField(max_length=20, default="5.0")

    class Meta:
        ordering = ["soc", "is_other_specify", "term"]
        verbose_name = "CTCAE term"

    def __str__(self) -> str:
        return f"{self.term} ({self.soc})"

    def allows(self, grade: int | None) -> bool:
        return grade is not None and int(grade) in {int(g) for g in self.allowed_grades}
