"""The word "participant" as a name (a model's, a field's) and as a counted noun ("12 名受试者") are two entries
of the catalogue: a Chinese page names the participant field 受试者, and counts participants with the measure word."""

from django.template import Context, Template
from django.utils import translation

from assessments.models import BloodCount
from enrollment.models import Participant
from integrity.labels import field_label, model_label


def test_the_participant_field_and_model_are_named_without_a_measure_word():
    with translation.override("zh-hans"):
        assert field_label(BloodCount, "participant") == "受试者"
        assert model_label(Participant) == "受试者"


def test_a_count_of_participants_keeps_its_measure_word():
    template = Template(
        '{% load i18n %}{% blocktranslate trimmed count n=n context "a number of" %}participant{% plural %}'
        "participants{% endblocktranslate %}"
    )
    with translation.override("zh-hans"):
        assert template.render(Context({"n": 12})) == "名受试者"
    with translation.override("en-gb"):
        assert template.render(Context({"n": 12})) == "participants"
        assert template.render(Context({"n": 1})) == "participant"
