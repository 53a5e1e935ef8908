"""Meetings: triggers, participants, place, date and evidence, with our own short sentences."""

from __future__ import annotations

import pytest

from kg.extract.meetings import MeetingExtractor

NAMES = {
    "Anna Weber": ("weber", "Person"),
    "Weber": ("weber", "Person"),
    "Per Olsen": ("olsen", "Person"),
    "Olsen": ("olsen", "Person"),
    "Lea Berg": ("berg", "Person"),
    "Oslo": ("oslo", "Place"),
    "Norwegen": ("norway", "State"),
    "Norway": ("norway", "State"),
    "NATO": ("nato", "Organization"),
}


def run(make_doc, text, **kwargs):
    doc, actors = make_doc(text, NAMES, **kwargs)
    found = MeetingExtractor().extract(doc, actors)
    for meeting in found:  # the evidence is the sentence, exactly
        assert doc.text[meeting.span[0] : meeting.span[1]] == meeting.evidence
    return found


@pytest.mark.parametrize(
    "text, language, kind",
    [
        ("Weber traf Olsen in Oslo.", "de", "meeting"),
        ("Weber trifft sich morgen mit Olsen.", "de", "meeting"),
        ("Olsen empfing Weber in Oslo.", "de", "meeting"),
        ("Weber führte Gespräche mit Olsen.", "de", "talks"),
        ("Weber und Olsen gaben eine Pressekonferenz in Oslo.", "de", "press conference"),
        ("Weber und Olsen trafen sich beim Gipfel in Oslo.", "de", "meeting"),
        ("Weber met Olsen in Oslo.", "en", "meeting"),
        ("Weber held talks with Olsen.", "en", "talks"),
        ("Olsen hosted Weber in Oslo.", "en", "meeting"),
        ("Weber and Olsen spoke at a press conference in Oslo.", "en", "press conference"),
        ("Weber had a phone call with Olsen.", "en", "call"),
    ],
)
def test_triggers(make_doc, text, language, kind):
    found = run(make_doc, text, language=language)
    assert found and found[0].kind == kind
    assert set(found[0].participants) >= {"weber", "olsen"}


@pytest.mark.parametrize(
    "text",
    [
        "Weber lobte Olsen.",  # no trigger
        "Weber und Olsen lobten das Treffen.",  # a bare definite noun pointing back (to a headline)
        "Der Besuch war lang.",  # nobody named
        "Weber will call the shots, Olsen said.",  # "call" is not a phone call here
    ],
)
def test_no_meeting(make_doc, text):
    assert run(make_doc, text) == []


def test_visit_participants_are_visitor_and_host_state(make_doc):
    found = run(make_doc, "Weber besuchte Norwegen.")
    assert [(m.kind, m.participants, m.place) for m in found] == [("visit", ["weber", "norway"], "norway")]


def test_place_is_the_most_specific_one(make_doc):
    found = run(make_doc, "Weber traf Olsen in Oslo, Norwegen.")
    assert found[0].place == "oslo"


def test_caption_date(make_doc):
    text = "Weber und Olsen bei einer Pressekonferenz in Oslo, 9.4.2025\nWeber sprach lange."
    found = run(make_doc, text, kinds={"Weber und": "caption"})
    assert [(m.kind, m.date, m.place) for m in found] == [("press conference", "2025-04-09", "oslo")]


@pytest.mark.parametrize(
    "text, language, date",
    [
        ("Weber traf am Dienstag Olsen.", "de", "2025-04-08"),
        ("Weber met Olsen on Wednesday.", "en", "2025-04-09"),
        ("Weber met Olsen today.", "en", "2025-04-10"),
        ("Weber traf Olsen.", "de", None),
    ],
)
def test_relative_dates(make_doc, text, language, date):
    found = run(make_doc, text, language=language, published="2025-04-10")
    assert found[0].date == date


def test_several_counterparts_give_one_meeting_each(make_doc):
    # the annotation convention: "met X, Y and Z" is one entry per counterpart
    found = run(make_doc, "Weber traf Olsen und Lea Berg in Oslo.")
    assert [(m.participants, m.place) for m in found] == [(["weber", "olsen"], "oslo"), (["weber", "berg"], "oslo")]
    joint = run(make_doc, "Weber und Olsen trafen Lea Berg in Oslo.")
    assert [sorted(m.participants) for m in joint] == [["berg", "olsen", "weber"]]


@pytest.mark.parametrize(
    "text",
    [
        "Die Sprecherin sagte, dass Weber mit Olsen und Lea Berg in Oslo Gespräche führen wird.",
        "Weber said she would meet with Olsen and Lea Berg in Oslo.",
        "Weber führte in Oslo Gespräche mit Olsen und Lea Berg.",
    ],
)
def test_counterparts_after_with_give_one_event_each(make_doc, text):
    # verb-final German and "meet with": the persons after "mit/with" are the counterparts
    found = run(make_doc, text)
    assert sorted(sorted(m.participants) for m in found) == [["berg", "weber"], ["olsen", "weber"]]


def test_role_noun_and_group_participants(make_doc):
    text = "Anna Weber kam an. Der Ministerpräsident traf Olsen.\nPer Olsen rief an. The two men held talks in Oslo."
    found = run(make_doc, text, roles={"weber": ["Ministerpräsident"]})
    assert [sorted(m.participants) for m in found] == [["olsen", "weber"], ["olsen", "weber"]]


def test_meeting_and_talks_of_the_same_day_are_one_event(make_doc):
    text = "Weber traf Olsen am 3. Mai 2025 in Oslo.\nAm 3. Mai 2025 führten Weber und Olsen auch Gespräche."
    assert [(m.kind, m.place) for m in run(make_doc, text)] == [("meeting", "oslo")]


def test_meeting_and_talks_on_different_days_stay_two(make_doc):
    text = "Weber traf Olsen am 3. Mai 2025 in Oslo. Am 9. Mai 2025 führten Weber und Olsen Gespräche."
    found = run(make_doc, text)
    assert [(m.kind, m.date) for m in found] == [("meeting", "2025-05-03"), ("talks", "2025-05-09")]


@pytest.mark.parametrize(
    "text",
    [
        "Nach dem Innenministertreffen in Oslo lobten Weber und Olsen die Einigung.",  # closed compound
        "Weber und Olsen verließen das Treffen in Oslo früh.",  # a definite first mention with its place
    ],
)
def test_definite_first_mention_is_an_event(make_doc, text):
    assert [sorted(m.participants) for m in run(make_doc, text)] == [["olsen", "weber"]]


def test_definite_mention_after_an_earlier_one_points_back(make_doc):
    found = run(make_doc, "Weber traf Olsen am 3. Mai 2025.\nNach dem Treffen in Oslo lobten beide die Einigung.")
    assert [m.date for m in found] == ["2025-05-03"]


@pytest.mark.parametrize(
    "text, language, kind",
    [
        ("Weber und Olsen einigten sich in Oslo auf einen Plan.", "de", "talks"),
        ("Weber unterhielt sich lange mit Olsen.", "de", "talks"),
        ("Beim Ministerratstreffen sprach Weber mit Olsen.", "de", "meeting"),
        ("Weber hosted Olsen for a working dinner in Oslo.", "en", "meeting"),
        ("Weber and Olsen chatted at the forum in Oslo.", "en", "talks"),
    ],
)
def test_lemma_compound_and_reflexive_triggers_from_data_files(make_doc, text, language, kind):
    found = run(make_doc, text, language=language)
    assert found and found[0].kind in (kind, "meeting") and sorted(found[0].participants) == ["olsen", "weber"]


def test_visit_to_several_states_is_one_visit_per_state(make_doc):
    names = dict(HELD_NAMES, Chile=("chile", "State"), Bolivia=("bolivia", "State"))
    doc, actors = make_doc(
        "Ida Falk visited Chile, Peru and Bolivia to meet with regional leaders.", names, language="en"
    )
    found = MeetingExtractor().extract(doc, actors)
    assert [(m.kind, m.participants, m.place) for m in found if m.kind == "visit"] == [
        ("visit", ["falk", "chile"], "chile"),
        ("visit", ["falk", "peru"], "peru"),
        ("visit", ["falk", "bolivia"], "bolivia"),
    ]


@pytest.mark.parametrize(
    "text, language, status",
    [
        ("Weber traf Olsen in Oslo.", "de", "held"),
        ("Weber wird Olsen in Oslo treffen.", "de", "planned"),
        ("Weber sagte das Treffen mit Olsen in Oslo ab.", "de", "cancelled"),
        ("Weber kündigte ein Treffen mit Olsen in Oslo an.", "de", "announced"),
        ("Weber will meet Olsen in Oslo.", "en", "planned"),
        ("The meeting between Weber and Olsen in Oslo was called off.", "en", "cancelled"),
    ],
)
def test_meeting_status_from_tense_and_cue_lemmas(make_doc, text, language, status):
    found = run(make_doc, text, language=language)
    assert found and found[0].status == status and 0 < found[0].confidence <= 1


def test_person_the_text_is_about_joins_a_meeting_with_one_name(make_doc):
    text = "Anna Weber reist nach Oslo. Nach einem Gespräch mit Per Olsen folgt ein Essen."
    found = run(make_doc, text)
    assert ["olsen", "weber"] in [sorted(m.participants) for m in found]


def test_own_words_make_the_speaker_a_participant(make_doc):
    text = "Anna Weber, Ministerin: Ich danke Ihnen.\nIch werde morgen Gespräche mit Olsen führen."
    found = run(make_doc, text)
    assert [sorted(m.participants) for m in found] == [["olsen", "weber"]]


def test_press_conference_of_one_person(make_doc):
    found = run(make_doc, "Press Conference by Anna Weber in Oslo", language="en", kinds={"Press": "heading"})
    assert [(m.kind, m.participants, m.place) for m in found] == [("press conference", ["weber"], "oslo")]
    assert run(make_doc, "Press Conference by Anna Weber", language="en", kinds={"Press": "heading"}) == []


def test_same_meeting_reported_twice_is_kept_once(make_doc):
    text = "Weber traf Olsen am 9. April 2025 in Oslo. Dort traf Weber Olsen am 9. April 2025 in Oslo."
    assert len(run(make_doc, text)) == 1


def test_quoted_words_are_not_meetings(make_doc):
    text = '"Wir trafen Olsen in Oslo", sagte Weber.'
    assert run(make_doc, text) == []


@pytest.mark.parametrize(
    "text, language, kind",
    [
        ("Anna Weber kam an. In Oslo traf sie Olsen.", "de", "meeting"),  # pronoun subject
        ("Per Olsen was in Oslo. He spoke by phone with Anna Weber.", "en", "call"),
    ],
)
def test_subject_pronoun_joins_the_meeting(make_doc, text, language, kind):
    found = run(make_doc, text, language=language)
    assert [(m.kind, sorted(m.participants)) for m in found] == [(kind, ["olsen", "weber"])]


@pytest.mark.parametrize(
    "text, language, kind, participants",
    [
        ("Weber hatte Olsen am Montag über ihre Pläne informiert.", "de", "meeting", ["olsen", "weber"]),
        ("Weber will hold a Foreign Ministers' Meeting with Olsen.", "en", "meeting", ["olsen", "weber"]),
        ("Die Norwegen-Reise von Anna Weber endet heute.", "de", "visit", ["norway", "weber"]),
        ("Weber and Olsen attended the NATO Summit in Oslo.", "en", "summit", ["nato", "olsen", "weber"]),
    ],
)
def test_more_meeting_forms(make_doc, text, language, kind, participants):
    found = run(make_doc, text, language=language)
    assert (found[0].kind, sorted(found[0].participants)) == (kind, participants)


def test_summit_without_organisation_is_not_recorded(make_doc):
    assert run(make_doc, "Weber and Olsen look ahead to the summit in Oslo.", language="en") == []


def test_a_role_two_persons_hold_names_neither(make_doc):
    text = "Anna Weber und Lea Berg kamen. Die Ministerin traf Olsen."
    found = run(make_doc, text, roles={"weber": ["Ministerin"], "berg": ["Ministerin"]})
    assert all("weber" not in m.participants and "berg" not in m.participants for m in found)


def test_pronoun_after_the_person_named_adds_nobody(make_doc):
    text = "Per Olsen kam an. Am Montag reist Weber nach Oslo, wo er Lea Berg treffen wird."
    found = run(make_doc, text)
    assert all("olsen" not in m.participants for m in found)


def test_who_reports_a_meeting_is_not_a_participant(make_doc):
    text = "Wie Anna Weber mitteilte, wird Lea Berg im Juli Olsen in Oslo treffen."
    found = run(make_doc, text)
    assert [sorted(m.participants) for m in found] == [["berg", "olsen"]]


def test_same_meeting_twice_keeps_the_precise_date(make_doc):
    text = "Weber besuchte Norwegen.\nAm 9. April 2025 besuchte Weber Norwegen."
    found = run(make_doc, text)
    assert [(m.participants, m.date) for m in found] == [(["weber", "norway"], "2025-04-09")]


@pytest.mark.parametrize("gap, date", [(" ", "2025-04-09"), ("\n\n", None)])
def test_undated_meeting_right_after_a_dated_one_happens_then(make_doc, gap, date):
    text = f"Am 9. April 2025 reist Weber nach Norwegen.{gap}Nach einem Gespräch mit Olsen folgt ein Essen."
    found = run(make_doc, text)
    assert found[-1].kind == "talks" and found[-1].date == date


def test_zusammentreffen(make_doc):
    found = run(make_doc, "Weber ist am Dienstag in Oslo mit Olsen zusammengetroffen.")
    assert [(m.kind, m.place) for m in found] == [("meeting", "oslo")]


@pytest.mark.parametrize(
    "text, kind, participants",
    [
        ("Weber spoke today with Olsen about energy.", "talks", ["olsen", "weber"]),
        ("Weber paid a courtesy call on Olsen.", "meeting", ["olsen", "weber"]),
        ("Weber sprach gestern mit Olsen über Energie.", "talks", ["olsen", "weber"]),
        ("The ministers prepared the meeting of the NATO in Oslo.", "meeting", ["nato"]),
        ("Olsen said the talks with Anna Weber went well.", "talks", ["olsen", "weber"]),
    ],
)
def test_readout_phrases(make_doc, text, kind, participants):
    language = "de" if " sprach " in text else "en"
    found = run(make_doc, text, language=language)
    assert [(m.kind, sorted(m.participants)) for m in found] == [(kind, participants)]


def test_place_of_a_topic_far_from_the_trigger_is_not_the_meeting_place(make_doc):
    text = "Weber and Olsen discussed efforts to secure the release of the hostages held in Oslo."
    found = run(make_doc, text, language="en")
    assert [(m.kind, m.place) for m in found] == [("talks", None)]


def test_call_in_a_readout_title(make_doc):
    found = run(make_doc, "Secretary Weber's Call with Minister Olsen", language="en", kinds={"Secretary": "heading"})
    assert [(m.kind, sorted(m.participants)) for m in found] == [("call", ["olsen", "weber"])]


HELD_NAMES = {
    "Ida Falk": ("falk", "Person"),
    "Falk": ("falk", "Person"),
    "Per Holm": ("holm", "Person"),
    "Lima": ("lima", "Place"),
    "Peru": ("peru", "State"),
    "EU": ("eu", "Organization"),
    "UNO": ("un", "Organization"),
    "UN": ("un", "Organization"),
}


@pytest.mark.parametrize(
    "text, language",
    [
        ("UNO-Generalsekretärin Ida Falk traf Per Holm in Lima.", "de"),
        ("EU-Kommissarin Ida Falk empfing Per Holm.", "de"),
        ("UN Secretary-General Ida Falk met Per Holm in Lima.", "en"),
        ("The EU's foreign policy chief Ida Falk met Per Holm.", "en"),
    ],
)
def test_organisation_inside_a_role_is_no_participant(make_doc, text, language):
    doc, actors = make_doc(text, HELD_NAMES, language=language)
    found = MeetingExtractor().extract(doc, actors)
    assert [sorted(m.participants) for m in found] == [["falk", "holm"]]


@pytest.mark.parametrize(
    "text, language",
    [
        ("Ida Falk is due to travel to Lima on Friday for talks with Per Holm.", "en"),
        ("Ida Falk wird am Freitag zu Gesprächen mit Per Holm nach Lima reisen.", "de"),
    ],
)
def test_a_trip_for_talks_is_one_event_and_a_city_no_participant(make_doc, text, language):
    doc, actors = make_doc(text, HELD_NAMES, language=language, published="2026-03-04")
    found = MeetingExtractor().extract(doc, actors)
    assert [(m.kind, sorted(m.participants), m.place, m.date) for m in found] == [
        ("talks", ["falk", "holm"], "lima", "2026-03-06")
    ]


@pytest.mark.parametrize(
    "text, language, participants",
    [
        ("Ida Falk ist zu einem unangekündigten Besuch in Lima eingetroffen.", "de", ["falk"]),
        ("Ida Falk arrived in Lima, Peru, on an unannounced visit.", "en", ["falk", "peru"]),
    ],
)
def test_arrival_on_a_visit_is_on_the_day_of_publication(make_doc, text, language, participants):
    doc, actors = make_doc(text, HELD_NAMES, language=language, published="2026-03-04")
    found = MeetingExtractor().extract(doc, actors)
    assert [(m.kind, m.participants, m.place, m.date) for m in found] == [("visit", participants, "lima", "2026-03-04")]


def test_after_the_talks_points_back(make_doc):
    doc, actors = make_doc("Ida Falk told reporters after the talks that the EU would help.", HELD_NAMES, language="en")
    assert MeetingExtractor().extract(doc, actors) == []


@pytest.mark.parametrize(
    "text, language",
    [
        ("Per Holm kam nach Lima. Ida Falk empfing ihn am Mittwoch.", "de"),
        ("Per Holm flew to Lima. Ida Falk met him on Wednesday.", "en"),
    ],
)
def test_object_pronoun_is_the_person_named_before(make_doc, text, language):
    doc, actors = make_doc(text, HELD_NAMES, language=language, published="2026-03-05")
    found = MeetingExtractor().extract(doc, actors)
    assert [(sorted(m.participants), m.date) for m in found] == [(["falk", "holm"], "2026-03-04")]


@pytest.mark.parametrize(
    "text",
    [
        "Peru hofft auf Hilfe. Ida Falk ist zu einem Besuch in Lima eingetroffen.",
        "Peru hopes for help. Ida Falk arrived in Lima on a visit.",
    ],
)
def test_visit_to_a_capital_has_its_state_as_host(text):
    from kg.extract.actors import StaticNames, recognise_actors
    from kg.extract.article import read_article

    names = StaticNames(
        [
            ("Peru", "Q419", "State", "de", "label"),
            ("Peru", "Q419", "State", "en", "label"),
            ("Lima", "Q419", "State", "de", "metonym"),
            ("Lima", "Q419", "State", "en", "metonym"),
            ("Ida Falk", "Q900001", "Person", "de", "label"),
        ]
    )
    doc = read_article(text, published="2026-03-04")
    actors = recognise_actors(doc, names)
    found = MeetingExtractor().extract(doc, actors)
    assert [(m.kind, m.participants, actors.get(m.place).type, m.date) for m in found] == [
        ("visit", ["ida-falk", "peru"], "Place", "2026-03-04")
    ]


def test_place_at_the_start_of_a_verb_final_sentence(make_doc):
    text = "In Lima wird Ida Falk am Mittwoch mit dem Minister Per Holm zusammentreffen."
    doc, actors = make_doc(text, HELD_NAMES, published="2026-03-03")
    found = MeetingExtractor().extract(doc, actors)
    assert [(m.place, m.date) for m in found] == [("lima", "2026-03-04")]


def test_place_right_after_a_participant_far_from_the_trigger(make_doc):
    text = "Falk sprach nach einem langen und schwierigen Treffen mit dem Minister Per Holm in Lima."
    doc, actors = make_doc(text, HELD_NAMES)
    found = MeetingExtractor().extract(doc, actors)
    assert [(sorted(m.participants), m.place) for m in found] == [(["falk", "holm"], "lima")]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Ida Falk hosted Per Holm in Lima on Tuesday for talks on trade.", "talks"),
        ("Ida Falk will travel on to Lima on Tuesday to meet Per Holm.", "meeting"),
    ],
)
def test_a_purpose_makes_one_event(make_doc, text, kind):
    doc, actors = make_doc(text, HELD_NAMES, language="en", published="2026-03-03")
    found = MeetingExtractor().extract(doc, actors)
    assert [(m.kind, sorted(m.participants), m.place, m.date) for m in found] == [
        (kind, ["falk", "holm"], "lima", "2026-03-03")
    ]


def test_telephone_call_in_the_present_perfect(make_doc):
    found = run(make_doc, "Weber hat am Dienstag mit Olsen telefoniert.", published="2025-04-10")
    assert [(m.kind, sorted(m.participants), m.date) for m in found] == [("call", ["olsen", "weber"], "2025-04-08")]


@pytest.mark.parametrize(
    "text, language",
    [
        ("Am Montag begann in Oslo die Konferenz.\n\nAm Rande der Konferenz traf Weber auch Olsen.", "de"),
        ("The summit opened in Oslo on Monday.\n\nOn the sidelines of the summit, Weber met Olsen.", "en"),
    ],
)
def test_meeting_at_an_event_reported_before_takes_its_date(make_doc, text, language):
    found = run(make_doc, text, language=language, published="2025-04-10")
    assert [(sorted(m.participants), m.date) for m in found if "olsen" in m.participants] == [
        (["olsen", "weber"], "2025-04-07")
    ]


@pytest.mark.parametrize(
    "text, language",
    [
        (
            "Die Außenminister der NATO-Staaten sind am Montag in Oslo zusammengekommen. "
            "Weber traf am Rande des Treffens auch Olsen.",
            "de",
        ),
        ("NATO foreign ministers met in Oslo on Monday. On the sidelines of the meeting, Weber met Olsen.", "en"),
    ],
)
def test_members_of_an_organisation_meeting_and_a_meeting_at_its_margins(make_doc, text, language):
    found = run(make_doc, text, language=language, published="2025-04-10")
    assert [(sorted(m.participants), m.place, m.date) for m in found] == [
        (["nato"], "oslo", "2025-04-07"),
        (["olsen", "weber"], None, "2025-04-07"),
    ]


def test_a_later_definite_mention_dates_the_event_reported_before(make_doc):
    text = "Telefonat zwischen Weber und Olsen\nEine Zusammenfassung des Telefonats vom 15. Oktober 2014 zwischen Weber und Olsen."
    found = run(make_doc, text, kinds={"Telefonat zwischen": "heading"})
    assert [(m.kind, m.date) for m in found] == [("call", "2014-10-15")]


def test_the_date_nearest_the_trigger_in_its_clause(make_doc):
    text = "OSLO (3. Mai 2025) - Weber, die im April 2024 gewählt wurde, trifft Olsen am 9. Mai 2025."
    assert [m.date for m in run(make_doc, text, published="2025-05-03")] == ["2025-05-09"]


def test_weekdays_fall_in_the_week_of_a_trip_reported_shortly_before(make_doc):
    text = "Weber bereiste vom 16. bis 20. Juni 2025 Norwegen.\nAm Mittwoch traf Weber Olsen in Oslo."
    found = run(make_doc, text, published="2025-06-27")
    assert [m.date for m in found if m.kind == "meeting"] == ["2025-06-18"]


@pytest.mark.parametrize(
    "text",
    [
        "Morsi's visit to Oslo was a success, Olsen said of Weber.",  # a possessive: the visit told before
        "In a statement summarizing the meeting, Weber said Olsen agreed.",  # a bare definite noun
    ],
)
def test_possessive_and_determined_nouns_point_back(make_doc, text):
    assert run(make_doc, "Weber traf Olsen am 3. Mai 2025.\n" + text, language="en") == run(
        make_doc, "Weber traf Olsen am 3. Mai 2025.", language="en"
    )


def test_persons_before_the_trigger_meet_each_counterpart_after_it(make_doc):
    doc, actors = make_doc(
        "Lea Berg and Weber met Per Olsen and Ida Falk in Oslo.",
        dict(NAMES, **{"Ida Falk": ("falk", "Person")}),
        language="en",
    )
    found = MeetingExtractor().extract(doc, actors)
    assert [sorted(m.participants) for m in found] == [["berg", "olsen", "weber"], ["berg", "falk", "weber"]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("„Mein Treffen mit Olsen in Oslo war sehr gut“, sagte Weber.", [(["olsen", "weber"], 0.6)]),
        ("„Ich will Olsen bald in Oslo treffen“, sagte Weber.", []),  # a plan in a quote is no event
        ("„Das Treffen war gut, Olsen hat recht“, sagte Weber.", []),  # a bare definite: told before
    ],
)
def test_event_in_the_speakers_own_quote_at_lower_confidence(make_doc, text, expected):
    doc, actors = make_doc(text, NAMES)
    from kg.extract.statements import statements_of

    said = statements_of(doc, actors)
    from kg.extract.meetings import quoted_meetings

    found = quoted_meetings(doc, actors, doc.sentences[0], said)
    assert [(sorted(m.participants), m.confidence) for m in found] == expected


def test_summit_of_the_one_organisation_named_at_a_place(make_doc):
    found = run(make_doc, "Auf ihrem Gipfeltreffen in Oslo wählten die Mitglieder der NATO einen neuen Vorsitz.")
    assert [(m.kind, m.participants, m.place) for m in found] == [("summit", ["nato"], "oslo")]


def test_the_same_dated_event_told_again_with_fewer_parties_is_one(make_doc):
    text = "Weber und Olsen trafen sich am 3. Mai 2025 in Oslo beim NATO-Gipfel.\nDer NATO-Gipfel in Oslo am 3. Mai 2025 war lang."
    found = run(make_doc, text)
    assert len([m for m in found if m.kind == "summit"]) <= 1


def test_a_later_mention_dates_an_undated_event(make_doc):
    text = "Weber bei einer Pressekonferenz mit Olsen\nDie Pressekonferenz fand in Oslo am 5. Januar 2022 statt."
    found = run(make_doc, text, kinds={"Weber bei": "heading"})
    assert [(m.kind, m.date) for m in found] == [("press conference", "2022-01-05")]


def test_planned_meeting_does_not_take_the_date_of_the_held_one_before(make_doc):
    text = "On 3 May 2025, Weber met Olsen in Oslo. Later, Weber will meet Lea Berg."
    found = {tuple(sorted(m.participants)): m for m in run(make_doc, text, language="en", published="2025-05-10")}
    assert found[("olsen", "weber")].date == "2025-05-03"
    assert found[("berg", "weber")].status in ("planned", "announced")
    assert found[("berg", "weber")].date is None


def test_unnamed_office_holder_is_the_holder_on_the_article_date():
    # "the <role> of <State>": the one person holding that office on the publication date (cache)
    import datetime as dt

    from kg.extract.pipeline import extract_factsheet

    text = "Talks in Oslo\n\nThe Norwegian minister Lea Aune met with the President of Russia in Oslo on Monday."
    sheet = extract_factsheet(text, published=dt.date(2009, 3, 4), link=False)
    holders = [a for a in sheet.actors if a.qid == "Q23530"]
    assert [a.type for a in holders] == ["Person"]
    assert any(holders[0].id in m.participants for m in sheet.meetings)
    later = extract_factsheet(text, published=dt.date(2015, 3, 4), link=False)
    assert "Q23530" not in {a.qid for a in later.actors}


def test_title_and_particle_surname_name_a_cached_person():
    # "Präsidentin von der Leyen": a title, name particles and a surname the cache knows once
    import datetime as dt

    from kg.extract.pipeline import extract_factsheet

    text = "Treffen in Oslo\n\nPräsidentin von der Leyen traf am Montag in Oslo die norwegische Ministerin Lea Aune."
    sheet = extract_factsheet(text, published=dt.date(2024, 3, 4), link=False)
    person = next(a for a in sheet.actors if a.qid == "Q60772")
    assert [sorted(m.participants) for m in sheet.meetings] == [sorted([person.id, "lea-aune"])]
    untitled = extract_factsheet("Treffen\n\nDie Mitschrift von der Leyen liegt in Oslo vor.", link=False)
    assert "Q60772" not in {a.qid for a in untitled.actors}  # no title before the particles


@pytest.mark.parametrize(
    "text", ["During her three-day tour of Norway, Weber opened a school.", "Weber toured Norway last spring."]
)
def test_a_tour_of_a_state_is_a_visit(make_doc, text):
    found = run(make_doc, text, language="en")
    assert [(m.kind, m.participants) for m in found] == [("visit", ["weber", "norway"])]


def test_a_visit_of_a_states_person_is_not_a_visit_to_that_state(make_doc):
    assert run(make_doc, "The visit of Norway's envoy Weber ended.", language="en") == []


@pytest.mark.parametrize(
    "text, language",
    [
        ("Weber traf Olsen in Oslo.\nDas sei gut, sagte Weber in der gemeinsamen Pressekonferenz in Oslo.", "de"),
        ("Weber met Olsen in Oslo.\nIt went well, Weber said at the joint press conference.", "en"),
    ],
)
def test_joint_event_with_one_name_has_the_parties_just_reported(make_doc, text, language):
    found = run(make_doc, text, language=language)
    assert [(m.kind, sorted(m.participants)) for m in found] == [
        ("meeting", ["olsen", "weber"]),
        ("press conference", ["olsen", "weber"]),
    ]


def test_a_headline_visit_told_again_with_its_host_is_one_visit(make_doc):
    text = "Weber visits Oslo\nDuring a visit to Oslo, Norway, Weber opened a school."
    found = run(make_doc, text, language="en", kinds={"Weber visits": "heading"})
    assert [(m.kind, m.participants, m.place) for m in found] == [("visit", ["weber", "norway"], "oslo")]


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("Weber began a visit outside Norway on Monday.", "en", []),
        ("Weber began a visit to Norway on Monday.", "en", [["weber", "norway"]]),
        ("Weber begann am Montag eine Reise außerhalb Norwegens.", "de", []),
    ],
)
def test_a_place_outside_which_an_event_happens_is_not_its_place(make_doc, text, language, expected):
    names = dict(NAMES, Norwegens=("norway", "State"))
    doc, actors = make_doc(text, names, language=language)
    assert [m.participants for m in MeetingExtractor().extract(doc, actors)] == expected


def test_an_unnamed_office_holder_of_an_organisation_is_a_counterpart_of_its_own(make_doc):
    found = run(make_doc, "Weber will meet with the commander of NATO as well as with Olsen.", language="en")
    assert sorted(sorted(m.participants) for m in found) == [["nato", "weber"], ["olsen", "weber"]]


def test_a_states_possessive_before_a_cached_person_name_is_that_person():
    import datetime as dt

    from kg.extract.pipeline import extract_factsheet

    text = (
        "Talks in Oslo\n\nThe Norwegian minister Lea Aune met with China’s Wang Yi and Germany's Deutsche Bank in Oslo."
    )
    sheet = extract_factsheet(text, published=dt.date(2019, 3, 4), link=False)
    # the person the recogniser read: its QID, or the one candidate it leaves to kg.link (a name
    # only the big tables know)
    persons = {a.name: a.qid or (a.extra.get("candidates") or [None])[0] for a in sheet.actors if a.type == "Person"}
    assert persons.get("Wang Yi") == "Q701801" and "Deutsche Bank" not in persons
    wang = next(a.id for a in sheet.actors if a.name == "Wang Yi")
    assert any(wang in m.participants for m in sheet.meetings)


def test_a_visit_opening_a_sentence_without_a_person_is_the_visit_of_the_person_just_named(make_doc):
    text = "In Oslo sagte Weber, sie sei dankbar.\nDer Besuch in Norwegen bot die Gelegenheit zu neuen Projekten."
    found = run(make_doc, text)
    assert [(m.kind, m.participants) for m in found] == [("visit", ["weber", "norway"])]
    alone = "Der Besuch in Norwegen bot die Gelegenheit zu neuen Projekten."
    assert run(make_doc, alone) == []


@pytest.mark.parametrize(
    "text, language",
    [
        ("The ministerial meeting in Oslo, co-convened by Norway and NATO, ended on Friday.", "en"),
        ("Das Treffen in Oslo, ausgerichtet von Norwegen und der NATO, endete am Freitag.", "de"),
    ],
)
def test_the_conveners_of_a_meeting_are_its_parties(make_doc, text, language):
    found = run(make_doc, text, language=language)
    assert [sorted(m.participants) for m in found] == [["nato", "norway"]]


@pytest.mark.parametrize(
    "text, language",
    [
        ("On 3 May 2025, Weber, who is visiting Norway, met Olsen.", "en"),
        ("Am 3. Mai 2025 traf Weber, die Norwegen besucht, Olsen.", "de"),
    ],
)
def test_a_visit_in_a_relative_clause_framing_a_dated_meeting_gets_the_month(make_doc, text, language):
    found = run(make_doc, text, language=language, published="2025-05-04")
    dates = {m.kind: m.date for m in found}
    assert dates.get("meeting") == "2025-05-03"
    assert dates.get("visit") == "2025-05"


def test_a_visit_dated_in_its_own_relative_clause_keeps_the_day(make_doc):
    found = run(make_doc, "Weber, who visited Norway on 3 May 2025, spoke to Olsen.", language="en")
    assert [(m.kind, m.date) for m in found if m.kind == "visit"] == [("visit", "2025-05-03")]


def test_a_tour_of_several_states_dates_each_stop_to_the_month(make_doc):
    names = dict(NAMES, Sweden=("sweden", "State"), Finland=("finland", "State"))
    doc, actors = make_doc(
        "Weber visited Norway, Sweden and Finland June 16-20, 2025.", names, language="en", published="2025-06-27"
    )
    found = MeetingExtractor().extract(doc, actors)
    visits = sorted((m.participants[-1], m.date) for m in found if m.kind == "visit")
    assert visits == [("finland", "2025-06"), ("norway", "2025-06"), ("sweden", "2025-06")]


@pytest.mark.parametrize(
    "text, language",
    [
        ("Weber reist nach Oslo, wo sie am 3. Mai 2025 Olsen trifft.", "de"),
        ("Weber travels to Oslo, where she meets Olsen on 3 May 2025.", "en"),
    ],
)
def test_a_date_in_a_clause_about_the_destination_is_not_the_trips(make_doc, text, language):
    found = run(make_doc, text, language=language, published="2025-04-30")
    assert [m.date for m in found if m.kind == "visit"] == [None]
    assert [m.date for m in found if m.kind == "meeting"] == ["2025-05-03"]
