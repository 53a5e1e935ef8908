"""Missions: names, kinds, lead, participants, place and status, with our own short sentences."""

from __future__ import annotations

import pytest

from kg.extract.missions import MissionExtractor

NAMES = {
    "Norwegen": ("no", "State"),
    "Norway": ("no", "State"),
    "norwegischen": ("no", "State"),
    "Dänemark": ("dk", "State"),
    "Denmark": ("dk", "State"),
    "dänischen": ("dk", "State"),
    "dänische": ("dk", "State"),
    "Danish": ("dk", "State"),
    "US": ("us", "State"),
    "Kanada": ("ca", "State"),
    "Canada": ("ca", "State"),
    "Moldau": ("md", "State"),
    "Moldova": ("md", "State"),
    "NATO": ("nato", "Organization"),
    "EU": ("eu", "Organization"),
    "Ostsee": ("baltic", "Place"),
    "Riga": ("riga", "Place"),
    "Seeadler": ("seeadler", "Ship"),
    "norwegische Marine": ("no-navy", "Organization"),
    "Royal Danish Navy": ("dk-navy", "Organization"),
}


def run(make_doc, text, **kwargs):
    doc, actors = make_doc(text, NAMES, **kwargs)
    found = MissionExtractor().extract(doc, actors)
    for mission in found:
        assert doc.text[mission.span[0] : mission.span[1]] == mission.evidence
    return found


@pytest.mark.parametrize(
    "text, language, name, lead",
    [
        (
            "Die NATO leitet die Ausbildungsinitiative für Moldau (AIM) in Riga.",
            "de",
            "Ausbildungsinitiative für Moldau (AIM)",
            "nato",
        ),
        (
            "Canada joined NATO's Joint Training Initiative (JTI) for Moldova.",
            "en",
            "Joint Training Initiative (JTI) for Moldova",
            "nato",
        ),
    ],
)
def test_named_programme_with_acronym(make_doc, text, language, name, lead):
    found = run(make_doc, text, language=language)
    assert [(m.name, m.lead) for m in found] == [(name, lead)]
    assert "training" in found[0].kind


def test_organisation_acronym_is_not_a_mission(make_doc):
    assert run(make_doc, "Die Nordatlantische Vertragsorganisation (NATO) tagte mit Kanada.") == []


def test_coordinated_adjectives_give_every_state(make_doc):
    text = "Manöver der norwegischen, dänischen und der US-Marine in der Ostsee, April 2024."
    found = run(make_doc, text, published="2025-04-10", kinds={"Manöver": "caption"})
    assert [(m.kind, m.participants, m.place, m.status) for m in found] == [
        ("exercise", ["no", "dk", "us"], "baltic", "completed")
    ]


@pytest.mark.parametrize(
    "text, language, status",
    [
        ("Die dänische Regierung kündigte die Entsendung einer Fregatte an.", "de", "announced"),
        ("Denmark announced the deployment of a frigate with Norway.", "en", "announced"),
        ("Norwegen wird im Sommer Übungen mit Dänemark durchführen.", "de", "planned"),
        ("Norway will hold exercises with Denmark.", "en", "planned"),
        ("Norwegen erwägt, sich der Ausbildungsmission mit Kanada anzuschließen.", "de", "intended"),
        ("Norwegen hat den Wunsch geäußert, sich an der Unterstützungsmission der EU zu beteiligen.", "de", "intended"),
        ("Norway considers joining the training mission with Canada.", "en", "intended"),
        ("Norwegen und Dänemark haben Übungen abgehalten.", "de", "completed"),
    ],
)
def test_status(make_doc, text, language, status):
    found = run(make_doc, text, language=language, published="2025-04-10")
    assert [m.status for m in found] == [status]


def test_announced_deployment_has_its_lead(make_doc):
    found = run(make_doc, "Die dänische Regierung kündigte die Entsendung einer Fregatte an.")
    assert [(m.kind, m.lead, m.participants) for m in found] == [("deployment", "dk", ["dk"])]


@pytest.mark.parametrize(
    "text",
    [
        "Der Einsatz in Norwegen war lang.",  # a generic word with one state
        "Soldaten haben in Norwegen Übungen abgehalten.",  # a state named in passing
        "Norwegen unterstützt Dänemark.",  # support is no mission by itself
    ],
)
def test_no_mission(make_doc, text):
    assert run(make_doc, text) == []


@pytest.mark.parametrize(
    "text, language, name",
    [
        ("Norway and Denmark will hold the Northern Shield exercises in May.", "en", "Northern Shield exercises"),
        ("Dänemark beteiligt sich mit Norwegen an der Operation Nordwind.", "de", "Operation Nordwind"),
    ],
)
def test_named_exercises_and_operations(make_doc, text, language, name):
    assert [m.name for m in run(make_doc, text, language=language)] == [name]


def test_quoted_mission_name(make_doc):
    found = run(make_doc, "Norwegen und Dänemark beteiligen sich an der NATO-Mission „Nordlicht“.")
    assert [(m.name, m.lead) for m in found] == [("Nordlicht", "no")]


def test_state_where_a_mission_takes_place(make_doc):
    found = run(make_doc, "Im Januar beginnt eine Ausbildungsmission der EU für Soldaten aus Moldau in Dänemark.")
    assert [(m.kind, m.place) for m in found] == [("training mission", "dk")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Die NATO hat am Montag eine Übung mit Norwegen in der Ostsee begonnen.", [("exercise", "ongoing")]),
        ("Norwegen begrüßte die Übung.", []),  # the one already reported
        ("An der Übung „Nordlicht“ nehmen 9000 Soldaten teil.", []),  # named, but nobody taking part
    ],
)
def test_started_pointing_back_and_named_without_participants(make_doc, text, expected):
    found = run(make_doc, text, published="2025-04-10")
    assert [(m.kind, m.status) for m in found] == expected


@pytest.mark.parametrize(
    "text, language, name, status",
    [
        (
            "Die EU-Ausbildungsmission EUMOR bildet seit 2021 moldauische Offiziere in Riga aus.",
            "de",
            "EUMOR",
            "ongoing",
        ),
        (
            "Dänemark beteiligt sich seit 2020 an der Mission Nordwacht in der Ostsee.",
            "de",
            "Mission Nordwacht",
            "ongoing",
        ),
        (
            "The EU has been training Danish divers since 2022 in an operation called Grey Seal.",
            "en",
            "Grey Seal",
            "ongoing",
        ),
        ("Norway ended the operation called Grey Seal in 2021.", "en", "Grey Seal", "completed"),
        (
            "Die EU-Ausbildungsmission EUNOR Baltikum bildet seit 2021 Soldaten in Riga aus.",
            "de",
            "EUNOR Baltikum",
            "ongoing",
        ),
        (
            "Norway has been training Danish divers since 2022 under a programme known as the Cold Water Centre.",
            "en",
            "Cold Water Centre",
            "ongoing",
        ),
    ],
)
def test_names_after_the_mission_noun_and_ongoing_since(make_doc, text, language, name, status):
    found = run(make_doc, text, language=language, published="2026-03-04")
    assert [(m.name, m.status) for m in found] == [(name, status)]


def test_definite_mission_word_after_a_reported_one_points_back(make_doc):
    text = (
        "Norway and Denmark hold an exercise named Cold Fjord in the Ostsee. "
        "According to analysts at NATO, the exercise sends a message to Canada."
    )
    found = run(make_doc, text, language="en")
    assert [m.name for m in found] == ["Cold Fjord"]


@pytest.mark.parametrize(
    "text, language, name",
    [
        ("Danish and Norwegian ships joined on Monday for Cold Fjord, a two-week naval exercise.", "en", "Cold Fjord"),
        ("Norwegen und Dänemark beginnen Nordlicht, eine gemeinsame Übung in der Ostsee.", "de", "Nordlicht"),
    ],
)
def test_mission_name_in_apposition(make_doc, text, language, name):
    found = run(make_doc, text, language=language)
    assert [m.name for m in found] == [name]


@pytest.mark.parametrize(
    "text, language",
    [
        (
            "The EU extended the training mission in Moldova with Canada. The mission, known as EUMOL, began in 2021.",
            "en",
        ),
        (
            "Die EU verlängerte die Ausbildungsmission in Moldau mit Kanada. Die Mission mit dem Namen EUMOL begann 2021.",
            "de",
        ),
    ],
)
def test_a_name_given_later_names_the_mission_just_reported(make_doc, text, language):
    found = run(make_doc, text, language=language)
    assert [m.name for m in found] == ["EUMOL"]


@pytest.mark.parametrize(
    "text, language, kind, lead",
    [
        ("Die Fregatte Seeadler lief am Montag mit Kurs auf die Ostsee aus.", "de", "deployment", "seeadler"),
        ("Die norwegische Marine brach mit zwei Schiffen in die Ostsee auf.", "de", "deployment", "no-navy"),
        ("Norwegen entsandte 200 Soldaten nach Riga.", "de", "deployment", "no"),
        ("The Royal Danish Navy sailed for the Baltic with the Seeadler.", "en", "deployment", "dk-navy"),
        ("Canada deployed two frigates to Riga.", "en", "deployment", "ca"),
    ],
)
def test_deployment_and_voyage_told_by_a_verb(make_doc, text, language, kind, lead):
    found = run(make_doc, text, language=language)
    assert [(m.kind, m.lead) for m in found] == [(kind, lead)] and 0 < found[0].confidence < 1


@pytest.mark.parametrize(
    "text, language",
    [
        ("Norwegen sagte, es könnte Soldaten nach Riga entsenden.", "de"),  # a possibility
        ("Neben ihnen wurden Offiziere ins dänische Riga entsandt.", "de"),  # passive, no agent named
        ("Canada sailed through the debate.", "en"),  # a voyage needs a vessel or a navy
    ],
)
def test_no_mission_from_a_verb_without_a_fitting_agent(make_doc, text, language):
    assert run(make_doc, text, language=language) == []


@pytest.mark.parametrize(
    "text, language, name",
    [
        (
            "Norwegen und Dänemark beteiligen sich im Rahmen des NATO-Einsatzes „Nordwacht“ an der Überwachung.",
            "de",
            "Nordwacht",
        ),
        ("Norway and Denmark took part in Ice Exercise 2030 in the Ostsee.", "en", None),
    ],
)
def test_inflected_and_capitalised_mission_words(make_doc, text, language, name):
    found = run(make_doc, text, language=language)
    assert found and {"no", "dk"} <= set(found[0].participants)
    if name:
        assert found[0].name == name


def test_programme_named_without_an_acronym(make_doc):
    found = run(make_doc, "The EU extended the Coastal Support Initiative for Moldova until 2030.", language="en")
    assert [(m.name, m.participants) for m in found] == [("Coastal Support Initiative for Moldova", ["eu", "md"])]


def test_participants_of_the_mission_just_before(make_doc):
    text = "Dänemark entsandte zwei Fregatten in die Ostsee. Dort beginnt am Montag eine Übung namens Nordlicht."
    found = run(make_doc, text)
    assert [(m.name, m.participants) for m in found][-1] == ("Nordlicht", ["dk"])
