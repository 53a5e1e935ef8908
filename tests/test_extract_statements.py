"""Statements: one test per linguistic phenomenon, with our own short sentences."""

from __future__ import annotations

import pytest

from kg.extract.statements import StatementExtractor, find_quotes

WEBER = {"Anna Weber": ("weber", "Person"), "Weber": ("weber", "Person")}
OLSEN = {"Per Olsen": ("olsen", "Person"), "Olsen": ("olsen", "Person")}
BOTH = {**WEBER, **OLSEN}


def run(make_doc, text, names=BOTH, **kwargs):
    doc, actors = make_doc(text, names, **kwargs)
    found = StatementExtractor().extract(doc, actors)
    for statement in found:  # every span points at exactly the quote it claims
        assert doc.text[statement.span[0] : statement.span[1]] == statement.quote
    return found


def triples(found):
    return [(s.speaker, s.quote, s.direct) for s in found]


@pytest.mark.parametrize(
    "opening, closing",
    [
        ("„", "“"),
        ('"', '"'),
        ("»", "«"),
        ("«", "»"),
        ("“", "”"),
        ("‚", "‘"),
        ("'", "'"),
        ("‘", "’"),
    ],
)
def test_every_quotation_style(make_doc, opening, closing):
    text = f"{opening}Wir bleiben hart{closing}, sagte Weber."
    assert triples(run(make_doc, text)) == [("weber", "Wir bleiben hart", True)]


def test_quote_keeps_inner_punctuation_and_apostrophes(make_doc):
    text = "“We won't stop, it's Olsen's plan,” Weber said."
    found = run(make_doc, text, language="en")
    assert triples(found) == [("weber", "We won't stop, it's Olsen's plan,", True)]
    assert found[0].cue == "said"


def test_quote_spanning_several_sentences(make_doc):
    text = '"Wir bleiben. Das ist sicher. Niemand geht." sagte Olsen.'
    assert triples(run(make_doc, text)) == [("olsen", "Wir bleiben. Das ist sicher. Niemand geht.", True)]


def test_split_quote_gives_two_statements_of_one_speaker(make_doc):
    text = 'Anna Weber sprach in Bonn. "Wir bleiben hart", sagte Weber. "Das ist sicher."'
    assert triples(run(make_doc, text)) == [("weber", "Wir bleiben hart", True), ("weber", "Das ist sicher.", True)]


def test_quote_continues_in_next_paragraph(make_doc):
    text = '"We will stay," Olsen said.\n"Nobody leaves."'
    assert [s.speaker for s in run(make_doc, text, language="en")] == ["olsen", "olsen"]


@pytest.mark.parametrize(
    "text, pronouns, language",
    [
        ('Anna Weber kam spät. "Wir bleiben hart", sagte sie.', {"sie": "weber"}, "de"),
        ('Per Olsen arrived late. "We stay," he said.', {}, "en"),  # pronoun without a mention
    ],
)
def test_pronoun_speaker(make_doc, text, pronouns, language):
    found = run(make_doc, text, pronouns=pronouns, language=language)
    assert [s.speaker for s in found] == ["weber" if language == "de" else "olsen"]


def test_role_noun_speaker(make_doc):
    text = 'Per Olsen opened the session. "We stay," the secretary said.'
    found = run(make_doc, text, language="en", roles={"olsen": ["Secretary of Defense"]})
    assert triples(found) == [("olsen", "We stay,", True)]


@pytest.mark.parametrize(
    "text, quote, cue",
    [
        ("Die Regierung unterstütze den Plan, sagte Weber.", "Die Regierung unterstütze den Plan", "sagte"),
        ("Weber erklärte, sie wolle weitermachen.", "sie wolle weitermachen", "erklärte"),
        ("Weber betonte, dass der Plan gut sei.", "der Plan gut sei", "betonte"),
        ("So bestätigte auch Anna Weber nach der Sitzung, sie werde bleiben.", "sie werde bleiben", "bestätigte"),
        ("Das sei ein Fehler, so Weber.", "Das sei ein Fehler", "so"),
        ("Weber zufolge ist der Plan gescheitert.", "ist der Plan gescheitert.", "zufolge"),
        # an opinion by source phrase: the whole sentence is the reported view (the gold convention)
        (
            "Nach Ansicht von Weber ist der Plan gescheitert.",
            "Nach Ansicht von Weber ist der Plan gescheitert.",
            "nach ansicht von",
        ),
        ("Die Lage dürfte sich bessern, nimmt Weber an.", "Die Lage dürfte sich bessern", "nimmt an"),
        (
            "Die Mittel dürften nicht sinken, sagte Weber am Donnerstag nach einem langen Treffen mit dem "
            "norwegischen Finanzminister Per Olsen in der Hauptstadt.",
            "Die Mittel dürften nicht sinken",
            "sagte",
        ),
    ],
)
def test_german_reported_speech(make_doc, text, quote, cue):
    found = run(make_doc, text)
    assert triples(found) == [("weber", quote, False)]
    assert found[0].cue == cue


@pytest.mark.parametrize(
    "text, quote, cue",
    [
        (
            "Nach Ansicht des Politologen Per Olsen von der Universität Bergen ist die Lage ernst.",
            "Nach Ansicht des Politologen Per Olsen von der Universität Bergen ist die Lage ernst.",
            "nach ansicht des",
        ),
        (
            "Laut dem Politologen Per Olsen von der Universität Bergen ist die Lage ernst.",
            "ist die Lage ernst.",
            "laut",
        ),
    ],
)
def test_source_phrase_with_role_and_affiliation(make_doc, text, quote, cue):
    names = {**OLSEN, "Universität Bergen": ("uib", "Organization")}
    found = run(make_doc, text, names=names)
    assert [(s.speaker, s.quote, s.direct, s.cue) for s in found] == [("olsen", quote, False, cue)]


@pytest.mark.parametrize(
    "follower, expected",
    [
        ("Die Lage sei ernst.", [("weber", "Die Lage sei ernst.", False)]),  # Konjunktiv I
        ("Berlin unterstütze den Plan.", [("weber", "Berlin unterstütze den Plan.", False)]),
        ("Die Lage ist ernst.", []),  # indicative
        ("Die Lage dürfte sich bessern.", []),  # author's conjecture
    ],
)
def test_konjunktiv_continuation(make_doc, follower, expected):
    text = f'"Wir bleiben hart", sagte Weber. {follower}'
    found = run(make_doc, text)
    assert triples(found)[1:] == expected


@pytest.mark.parametrize(
    "text, quote, speaker",
    [
        ("Olsen said that the plan failed.", "the plan failed", "olsen"),
        ("Olsen said the plan failed.", "the plan failed", "olsen"),
        ("Olsen told Anna Weber that the plan failed.", "the plan failed", "olsen"),
        ("Olsen warned that the plan could fail.", "the plan could fail", "olsen"),
        ("Olsen agreed, saying through an aide that the plan failed.", "the plan failed", "olsen"),
        ("According to Olsen, the plan failed.", "the plan failed", "olsen"),
        ("The plan failed, according to Olsen.", "The plan failed", "olsen"),
        ("The plan failed, Olsen said.", "The plan failed", "olsen"),
        ("Weber welcomed the decision of the council.", "the decision of the council", "weber"),
    ],
)
def test_english_reported_speech(make_doc, text, quote, speaker):
    found = run(make_doc, text, language="en")
    assert triples(found) == [(speaker, quote, False)]


def test_english_coordinated_cues_give_two_statements(make_doc):
    text = "Olsen said the plan failed and added that the talks would go on."
    found = run(make_doc, text, language="en")
    assert triples(found) == [("olsen", "the plan failed", False), ("olsen", "the talks would go on", False)]


def test_partial_quote_stays_inside_reported_speech(make_doc):
    text = 'Olsen said the talks would go on, "with or without them."'
    found = run(make_doc, text, language="en")
    assert triples(found) == [("olsen", 'the talks would go on, "with or without them."', False)]


@pytest.mark.parametrize(
    "text",
    [
        'Die sogenannte "Zeitenwende" ist vorbei.',  # scare quotes
        "Olsen's 'plan' is dead.",  # apostrophe and scare quotes
        "Weber fuhr nach Bonn. Die Lage sei ernst.",  # Konjunktiv without a statement before
    ],
)
def test_no_statement(make_doc, text):
    assert run(make_doc, text) == []


@pytest.mark.parametrize(
    "cue, published, date",
    [
        ("sagt", "2025-04-10", "2025-04-10"),  # present tense in a news article: the day it appeared
        ("sagte", "2025-04-10", None),  # past tense, undated
        ("sagt", None, None),
    ],
)
def test_statement_date(make_doc, cue, published, date):
    found = run(make_doc, f'"Wir bleiben hart", {cue} Weber.', published=published)
    assert found[0].date == date


def test_dated_attribution(make_doc):
    found = run(make_doc, '"Wir bleiben hart", sagte Weber am 3. März 2024.')
    assert found[0].date == "2024-03-03"


def test_caption_quote_is_not_a_statement(make_doc):
    text = '"Wir bleiben hart": Anna Weber in Bonn, sagte sie\nWeber sprach.'
    assert run(make_doc, text, kinds={'"Wir bleiben': "caption"}) == []


def test_transcript_paragraphs_are_direct_speech(make_doc):
    text = "Anna Weber, Ministerin: Ich danke Ihnen.\nWir werden das gemeinsam schaffen.\nDas Wetter war gut."
    found = run(make_doc, text)
    assert triples(found) == [
        ("weber", "Ich danke Ihnen.", True),
        ("weber", "Wir werden das gemeinsam schaffen.", True),
    ]


def test_about_lists_actors_in_the_quote(make_doc):
    found = run(make_doc, '"Olsen hat recht", sagte Weber.')
    assert found[0].about == ["olsen"]


def test_find_quotes_ignores_unclosed_and_empty_marks():
    text = 'Ein "offenes Zitat\nund "" leer, dann „gut“.'
    assert [text[a:b] for a, b in find_quotes(text)] == ["gut"]


@pytest.mark.parametrize(
    "text, language, name",
    [
        (
            "Anna Weber und Per Olsen betonten die Bedeutung der Gespräche. "
            "Beide Seiten bekräftigten ihre Unterstützung für den Plan.",
            "de",
            "Weber und Olsen",
        ),
        (
            "Secretary Anna Weber and Minister Per Olsen welcomed the decision of the council. "
            "Both sides underscored the importance of the talks.",
            "en",
            "Weber and Olsen",
        ),
    ],
)
def test_speakers_named_together_are_one_group(make_doc, text, language, name):
    doc, actors = make_doc(text, BOTH, language=language)
    found = StatementExtractor().extract(doc, actors)
    assert len(found) == 2 and found[0].speaker == found[1].speaker
    group = actors.get(found[0].speaker)
    assert (group.name, group.type) == (name, "Other")


def test_pronoun_subject_continues_the_previous_speaker(make_doc):
    text = "Olsen stated that the plan failed and praised Anna Weber. He also stated that talks go on."
    found = run(make_doc, text, language="en", pronouns={"He": "weber"})  # resolver's guess: Weber
    assert [(s.speaker, s.quote) for s in found] == [("olsen", "the plan failed"), ("olsen", "talks go on")]


@pytest.mark.parametrize(
    "text, date",
    [
        ('"Wir bleiben", sagt Weber. Das sei klar, so Weber.', "2025-04-10"),  # "so X" as before
        ("Pressesprecher Olsen kündigte am 3. März 2025 die Reise von Weber an.", "2025-03-03"),
    ],
)
def test_dates_of_source_phrases_and_announcements(make_doc, text, date):
    found = run(make_doc, text, published="2025-04-10")
    assert found[-1].date == date


def test_separable_cue_with_a_clause(make_doc):
    found = run(make_doc, "Weber kündigte zudem an, Berlin werde mehr Geld bereitstellen.")
    assert [(s.quote, s.cue) for s in found] == [("Berlin werde mehr Geld bereitstellen", "kündigte an")]


def test_agreeing_to_act_is_a_decision_not_a_statement(make_doc):
    # FACTSHEET.md: a statement is something said; "agreed to <do>" reports a decision
    text = "Olsen met Anna Weber in Oslo. Both sides agreed to work together on energy."
    doc, actors = make_doc(text, BOTH, language="en")
    assert StatementExtractor().extract(doc, actors) == []


def test_both_sides_agreeing_that_is_a_statement_of_the_two(make_doc):
    text = "Olsen met Anna Weber in Oslo. Both sides agreed that energy prices were too high."
    doc, actors = make_doc(text, BOTH, language="en")
    found = StatementExtractor().extract(doc, actors)
    assert [s.quote for s in found] == ["energy prices were too high"]
    assert actors.get(found[0].speaker).name in ("Olsen and Weber", "Weber and Olsen")


def test_pledge_to_act_is_not_a_statement(make_doc):
    assert run(make_doc, "Olsen pledged to make the alliance stronger.", language="en") == []


@pytest.mark.parametrize(
    "text, quote, speaker",
    [
        (
            "OSLO — Weber and Olsen agreed to hold talks, Olsen told the BBC.",
            "Weber and Olsen agreed to hold talks",
            "olsen",
        ),
        ("Olsen, speaking to a newspaper, said the truce could hold.", "the truce could hold", "olsen"),
        ("Anna Weber, who led the talks, said she was grateful.", "she was grateful", "weber"),
    ],
)
def test_english_attribution_after_and_around(make_doc, text, quote, speaker):
    assert triples(run(make_doc, text, language="en")) == [(speaker, quote, False)]


def test_definite_description_after_the_cue_is_the_person_named_before(make_doc):
    text = "Anna Weber sprach im Parlament. Der Plan sei gut, sagte die Politikerin im Parlament."
    names = {**WEBER, "Parlament": ("parl", "Organization")}
    assert [s.speaker for s in run(make_doc, text, names=names)] == ["weber"]


@pytest.mark.parametrize(
    "text, quote, speaker, cue",
    [
        (
            "Wie Anna Weber mitteilte, wird Olsen im Juli nach Oslo reisen.",
            "wird Olsen im Juli nach Oslo reisen",
            "weber",
            "mitteilte",
        ),
        (
            "Olsen told Anna Weber that talks would go on, according to a ministry.",
            "talks would go on",
            "olsen",
            "told",
        ),
        ("The talks went well, Olsen said in a statement.", "The talks went well", "olsen", "said"),
    ],
)
def test_reporting_clauses_in_front_and_behind(make_doc, text, quote, speaker, cue):
    language = "de" if text.startswith("Wie") else "en"
    found = run(make_doc, text, language=language)
    assert [(s.quote, s.speaker, s.cue) for s in found] == [(quote, speaker, cue)]


def test_source_phrase_inside_the_sentence_is_no_quote(make_doc):
    assert run(make_doc, "The talks, according to Olsen, lasted an hour.", language="en") == []


@pytest.mark.parametrize(
    "text, language",
    [
        ('Olsen said, "We will win."', "en"),
        ("Weber sagte: »Wir gewinnen.«", "de"),
        ('"Wir gewinnen", sagte Weber. "Ganz sicher", fügte sie hinzu.', "de"),
    ],
)
def test_attribution_before_the_quote_or_with_a_particle(make_doc, text, language):
    found = run(make_doc, text, language=language)
    assert found and all(s.direct for s in found)
    assert {s.speaker for s in found} == {"olsen" if language == "en" else "weber"}


@pytest.mark.parametrize(
    "text, quote, cue",
    [
        (
            "Weber teilte mit, die Lieferung der neuen Systeme aus Oslo sei beschlossen.",
            "die Lieferung der neuen Systeme aus Oslo sei beschlossen",
            "teilte mit",
        ),
        (
            "Weber rief die Abgeordneten auf, das Paket rasch zu verabschieden.",
            "das Paket rasch zu verabschieden",
            "rief auf",
        ),
    ],
)
def test_separable_cues_with_late_konjunktiv_or_an_appeal(make_doc, text, quote, cue):
    assert [(s.quote, s.cue) for s in run(make_doc, text)] == [(quote, cue)]


@pytest.mark.parametrize(
    "intro, expected",
    [
        ("Wir dokumentieren die Erklärung von Anna Weber im Wortlaut.", 1),
        ("Anna Weber gab eine Pressekonferenz in Bonn.", 0),  # no "von/by X": no transcript
    ],
)
def test_introduced_statement_makes_first_person_paragraphs_direct_speech(make_doc, intro, expected):
    text = f"{intro}\nWir werden die Hilfe fortsetzen und ausbauen."
    assert len(run(make_doc, text)) == expected


def test_coordinated_cue_after_a_non_cue_verb_has_the_sentence_subject(make_doc):
    text = "The Secretary thanked Anna Weber and underscored the importance of close coordination."
    found = run(
        make_doc,
        text,
        language="en",
        roles={"olsen": ["Secretary of State"]},
        names={**BOTH, "Secretary Olsen": ("olsen", "Person")},
    )
    assert [(s.speaker, s.quote) for s in found] == [("olsen", "the importance of close coordination")]


@pytest.mark.parametrize(
    "text, language",
    [
        (
            "Die Außenministerin Ida Falk traf am Montag in Lima ihren Amtskollegen Per Holm. "
            "„Wir sind uns einig“, sagte Falk nach dem Treffen. „Der Handel wächst.“",
            "de",
        ),
        (
            "Foreign Minister Ida Falk met her counterpart Per Holm in Lima on Monday. "
            'Falk told reporters after the talks that trade was growing. "We agree," she said.',
            "en",
        ),
    ],
)
def test_statement_after_the_meeting_takes_its_date(text, language):
    from kg.extract.actors import StaticNames
    from kg.extract.pipeline import extract_factsheet

    sheet = extract_factsheet(
        f"Handel im Blick\n\n{text}\n" if language == "de" else f"Trade in focus\n\n{text}\n",
        published="2026-03-04",
        cache=StaticNames([]),
        link=False,
    )
    assert sheet.meetings and sheet.meetings[0].date == "2026-03-02"
    assert len(sheet.statements) == 2
    assert [s.date for s in sheet.statements] == ["2026-03-02", "2026-03-02"]


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("Anna Weber lobte ihren norwegischen Amtskollegen Per Olsen.", "de", []),
        ("Anna Weber praised her counterpart Per Olsen.", "en", []),
        (
            "Anna Weber lobte die enge Zusammenarbeit mit Per Olsen.",
            "de",
            [("weber", "die enge Zusammenarbeit mit Per Olsen", False)],
        ),
    ],
)
def test_praising_a_person_is_no_statement(make_doc, text, language, expected):
    assert triples(run(make_doc, text, language=language)) == expected


def test_according_to_skips_the_sources_apposition(make_doc):
    names = {**OLSEN, "Nordic Institute": ("ni", "Organization")}
    text = "According to Per Olsen, an analyst at the Nordic Institute, the talks will fail."
    assert triples(run(make_doc, text, names=names, language="en")) == [("olsen", "the talks will fail", False)]


def test_said_on_arrival_takes_the_visits_date_and_the_continuation_too():
    from kg.extract.actors import StaticNames
    from kg.extract.pipeline import extract_factsheet

    text = (
        "Hilfe für Peru\n\nDie Außenministerin Ida Falk ist am Montag zu einem Besuch in Peru eingetroffen. "
        "Am Freitag wird sie den Minister Per Holm treffen.\n\n„Wir helfen“, sagte Falk bei ihrer Ankunft. "
        "Die Regierung werde weitere Mittel bereitstellen.\n"
    )
    sheet = extract_factsheet(
        text, published="2026-03-04", link=False, cache=StaticNames([("Peru", "Q419", "State", "de", "label")])
    )
    assert [(m.kind, m.date) for m in sheet.meetings] == [("visit", "2026-03-02"), ("meeting", "2026-03-06")]
    assert [(s.direct, s.date) for s in sheet.statements] == [(True, "2026-03-02"), (False, "2026-03-02")]


def test_speaker_is_the_person_not_the_place_ending_their_affiliation(make_doc):
    names = {**OLSEN, "Queen's College": ("qc", "Organization"), "Oslo": ("norway", "State")}
    text = "Security analyst Per Olsen of Queen's College Oslo said the plan showed concern."
    assert triples(run(make_doc, text, names=names, language="en")) == [("olsen", "the plan showed concern", False)]


@pytest.mark.parametrize(
    "text",
    [
        "Anna Weber told reporters the government planned to buy two ships.",
        "Anna Weber told Reuters the government planned to buy two ships.",
        "Anna Weber told reporters that the government planned to buy two ships.",
    ],
)
def test_told_addressee_is_no_part_of_the_clause(make_doc, text):
    assert triples(run(make_doc, text, language="en")) == [("weber", "the government planned to buy two ships", False)]


def test_quote_attributed_through_an_apposition(make_doc):
    text = '"We stay as long as needed," the head of the delegation, Per Olsen, said in a statement.'
    assert triples(run(make_doc, text, language="en")) == [("olsen", "We stay as long as needed,", True)]


def test_zufolge_after_a_long_source_phrase(make_doc):
    names = {**OLSEN, "Norwegischen Institut für Verteidigungsstudien": ("nifs", "Organization")}
    text = "Dem Sicherheitsexperten Per Olsen vom Norwegischen Institut für Verteidigungsstudien zufolge reicht das nicht aus."
    assert triples(run(make_doc, text, names=names)) == [("olsen", "reicht das nicht aus.", False)]


@pytest.mark.parametrize(
    "text, quote, language",
    [
        (
            "The fleet will stay until May, according to Anna Weber, a former general.",
            "The fleet will stay until May",
            "en",
        ),
        ("Laut Anna Weber, einer früheren Generalin, bleibt die Flotte bis Mai.", "bleibt die Flotte bis Mai.", "de"),
    ],
)
def test_source_with_an_apposition(make_doc, text, quote, language):
    assert triples(run(make_doc, text, language=language)) == [("weber", quote, False)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The plan will work, Olsen told a news conference in Oslo on Monday, adding that funding was secured.",
            [("olsen", "The plan will work", False), ("olsen", "funding was secured", False)],
        ),
        ("The plan will work, Olsen said on Monday, adding that funding was secured.", None),
        ("The plan will work, Olsen told reporters in Oslo on Monday.", [("olsen", "The plan will work", False)]),
    ],
)
def test_trailing_attribution_with_adjuncts_and_an_adding_clause(make_doc, text, expected):
    expected = expected or [("olsen", "The plan will work", False), ("olsen", "funding was secured", False)]
    assert triples(run(make_doc, text, language="en")) == expected


@pytest.mark.parametrize(
    "text",
    ["Olsen said on Tuesday the plan would work.", "Olsen said on Tuesday that the plan would work."],
)
def test_a_date_after_the_cue_dates_the_statement_and_is_not_said(make_doc, text):
    found = run(make_doc, text, language="en", published="2025-04-10")
    assert [(s.quote, s.date) for s in found] == [("the plan would work", "2025-04-08")]
