"""The drill-down page names the count it lists in words (issue 20 keys, issue 15 safety keys), and shows unknown keys
as stored."""

import pytest
from django.utils import translation

from endpoints.labels import group_label


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("mrd.flow1e-3.EOC1.all.NEG", "Flow MRD < 0.1 % at EOC1, all treated: negative"),
        (
            "mrd.flow1e-4.EOC2.rem.NE.INSUFFICIENT_SENSITIVITY",
            "Flow MRD < 0.01 % at EOC2, in CR, CRh or CRi: not evaluable or missing (insufficient sensitivity)",
        ),
        ("mrd.EOC2.PENDING", "EOC2: pending (landmark after the cut-off, no marrow yet)"),
        ("mrd.ngs.EOC1.band.GE_1E-4", "NGS MRD at EOC1: 10⁻⁴ or more"),
        ("mrd.ngs.EOC1.NE.NO_TRACKABLE_CLONE", "NGS MRD at EOC1: not evaluable or missing (no trackable clone)"),
        ("concord.EOC1.NEG.POS", "EOC1: flow MRD negative, NGS MRD positive"),
        ("CIR.competing", "Cumulative incidence of relapse: competing event (death in remission)"),
        ("safety.ae.any.any", "Any treatment-emergent adverse event, any grade"),
        ("safety.ae.g3.any", "Any treatment-emergent adverse event, worst grade 3 or higher"),
        ("safety.ae.any.grade3plus", "Treatment-emergent adverse event of grade 3 or higher"),
        ("safety.ae.g3.grade5", "Treatment-emergent adverse event of grade 5 (fatal)"),
        ("safety.ae.any.serious", "Serious treatment-emergent adverse event, any grade"),
        (
            "safety.ae.g3.related:blinatumomab",
            "Treatment-emergent adverse event related to blinatumomab, worst grade 3 or higher",
        ),
        ("safety.ae.any.related:venetoclax", "Treatment-emergent adverse event related to venetoclax, any grade"),
        ("safety.ae.any.aesi:tls", "Adverse event of special interest: Tumour lysis syndrome, any grade"),
        (
            "safety.ae.any.soc:Gastrointestinal disorders",
            "Treatment-emergent adverse event in Gastrointestinal disorders (system organ class), any grade",
        ),
        (
            "safety.ae.g3.term:Gastrointestinal disorders|Nausea",
            "Treatment-emergent Nausea (Gastrointestinal disorders), worst grade 3 or higher",
        ),
        (
            "safety.ae.any.term:Investigations|Alanine aminotransferase increased",
            "Treatment-emergent Alanine aminotransferase increased (Investigations), any grade",
        ),
        ("safety.crs.g3", "Cytokine release syndrome (CRS), worst grade 3 or higher (ASTCT 2019)"),
        (
            "safety.icans.any",
            "Immune effector cell-associated neurotoxicity syndrome (ICANS), any grade (ASTCT 2019)",
        ),
        ("safety.death.30", "Death within 30 days of the first dose (study day 1 to 30)"),
        ("safety.death.60", "Death within 60 days of the first dose (study day 1 to 60)"),
        ("safety.sae", "At least one serious treatment-emergent adverse event"),
        (
            "safety.boundary",
            "Safety stopping boundary: a treatment-emergent Cytokine release syndrome or Immune effector "
            "cell-associated neurotoxicity syndrome of grade 3 or higher",
        ),
        ("safety.ae.g3.related:aspirin", "safety.ae.g3.related:aspirin"),
        ("safety.ae.g4.any", "safety.ae.g4.any"),
        ("safety.death.45", "safety.death.45"),
        ("safety.crs.g2", "safety.crs.g2"),
        ("primary.EOC1.RESPONDER", "Primary endpoint at EOC1: responders"),
        ("primary.EOC1.NOT_EVALUABLE", "Primary endpoint at EOC1: not evaluable"),
        ("treated", "Treated participants"),
        ("response.EOC1.CR_CRI", "Response at EOC1: CR/CRh/CRi"),
        ("primary.BY_EOC2.RESPONDER", "Primary endpoint by EOC2: responders"),
        ("primary_cri.BY_EOC2.RESPONDER", "Primary endpoint (CR, CRh or CRi) by EOC2: responders"),
        ("response.BY_EOC2.CR", "Best response by EOC2: CR"),
        ("mrd.flow1e-3.EOC9", "mrd.flow1e-3.EOC9"),
    ],
)
def test_group_label_reads_the_key_in_words(key, label):
    assert group_label(key) == label


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("primary.BY_EOC2.RESPONDER", "至EOC2的主要终点：应答者"),
        ("response.BY_EOC2.CR", "至EOC2的最佳疗效：CR"),
    ],
)
def test_the_by_eoc2_groups_read_by_not_at_in_chinese(key, label):
    with translation.override("zh-hans"):
        assert group_label(key) == label
