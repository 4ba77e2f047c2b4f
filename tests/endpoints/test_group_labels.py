"""The drill-down page names the count it lists in words (issue 20 keys), and shows unknown keys as stored."""

import pytest

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
        ("primary.EOC1.RESPONDER", "primary.EOC1.RESPONDER"),
        ("mrd.flow1e-3.EOC9", "mrd.flow1e-3.EOC9"),
    ],
)
def test_group_label_reads_the_key_in_words(key, label):
    assert group_label(key) == label
