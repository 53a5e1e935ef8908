"""The quotation layer and the statement rules built on it, with invented sentences."""

from __future__ import annotations

from kg.extract.quotes import quotation_spans
from kg.extract.statements import StatementExtractor

ORTIZ = {"Lena Ortiz": ("ortiz", "Person"), "Ortiz": ("ortiz", "Person")}
ROTH = {"Mia Roth": ("roth", "Person"), "Roth": ("roth", "Person")}
BOTH = {**ORTIZ, **ROTH}


def texts(text):
    return [text[q.start : q.end] for q in quotation_spans(text)]


def run(make_doc, text, names=BOTH, **kwargs):
    doc, actors = make_doc(text, names, **kwargs)
    found = StatementExtractor().extract(doc, actors)
    for statement in found:
        assert doc.text[statement.span[0] : statement.span[1]] == statement.quote
    return [(s.speaker, s.quote, s.direct) for s in found]


def test_marks_of_different_kinds_pair_by_direction():
    assert texts('"We stay the course,” she said.') == ["We stay the course,"]
    assert texts('„Wir bleiben" und »gehen«.') == ["Wir bleiben", "gehen"]


def test_nested_quotes_keep_the_outer_one():
    text = "Sie sagte: „Der Plan „Nordwind“ gilt weiter.“"
    assert texts(text) == ["Der Plan „Nordwind“ gilt weiter."]


def test_closing_mark_after_a_space():
    assert texts('"Wir gehen jetzt heim ", sagte sie.') == ["Wir gehen jetzt heim "]


def test_multi_paragraph_quote_continues_with_the_same_speaker(make_doc):
    text = '"We trained hard for months.\n"Now we go home," Ortiz said.'
    spans = quotation_spans(text)
    assert [(q.unclosed, q.continues) for q in spans] == [(True, False), (False, True)]
    found = run(make_doc, text, language="en")
    assert found == [("ortiz", "We trained hard for months.", True), ("ortiz", "Now we go home,", True)]


def test_closing_mark_without_opener_starts_at_the_paragraph(make_doc):
    text = "Wir bleiben an der Seite der Partner“, sagte Ortiz."
    assert run(make_doc, text) == [("ortiz", "Wir bleiben an der Seite der Partner", True)]


def test_quoted_names_do_not_block_reported_speech(make_doc):
    text = "Ortiz sagte, die Korvette „Möwe“ werde bald auslaufen."
    assert run(make_doc, text) == [("ortiz", "die Korvette „Möwe“ werde bald auslaufen", False)]
    assert quotation_spans(text)[0].kind == "name"


def test_capitalised_partial_quote_does_not_block_reported_speech(make_doc):
    text = "Ortiz betonte, dass das „Prinzip der offenen Tür“ weiter bestehe."
    assert run(make_doc, text) == [("ortiz", "das „Prinzip der offenen Tür“ weiter bestehe", False)]


def test_unattributed_quote_after_a_sentence_introducing_one_person(make_doc):
    text = "Oberstin Mia Roth blickt auf die Karte. „Wir liegen gut im Plan.“"
    assert run(make_doc, text) == [("roth", "Wir liegen gut im Plan.", True)]


def test_a_new_sentence_after_a_quote_is_no_attribution(make_doc):
    text = "Ortiz sagte: „Wir gehen.“ „Der Plan ist gut.“ Zwar habe sich Roth geäußert."
    found = run(make_doc, text)
    assert ("ortiz", "Der Plan ist gut.", True) in found


def test_inverted_trailing_attribution(make_doc):
    text = "The harbour will reopen in the spring, said Ortiz."
    assert run(make_doc, text, language="en") == [("ortiz", "The harbour will reopen in the spring", False)]


def test_cue_inside_a_that_clause_belongs_to_it(make_doc):
    text = "Ortiz stated that she warmly welcomed the visit by Roth."
    assert run(make_doc, text, language="en") == [("ortiz", "she warmly welcomed the visit by Roth", False)]


def test_cue_found_by_lemma(make_doc):
    text = "Ortiz recognised that the talks had been difficult."
    assert run(make_doc, text, language="en") == [("ortiz", "the talks had been difficult", False)]
    text = "Roth hat erläutert, dass die Brigade wachsen werde."
    assert run(make_doc, text) == [("roth", "die Brigade wachsen werde", False)]


def test_paragraph_after_said_colon_is_direct_speech(make_doc):
    text = "Minister Lena Ortiz said:\nThe exercise shows that our partnership works at sea and on land."
    assert run(make_doc, text, language="en") == [
        ("ortiz", "The exercise shows that our partnership works at sea and on land.", True)
    ]


def test_owned_remarks_introduce_first_person_paragraphs(make_doc):
    text = (
        "The overview of Minister Ortiz’s opening remarks is as follows.\n1. I welcome the delegation to our capital."
    )
    assert run(make_doc, text, language="en") == [("ortiz", "1. I welcome the delegation to our capital.", True)]


def test_source_phrase_inside_the_sentence(make_doc):
    text = "Ein Treffen im Mai ist nach Angaben von Ortiz unwahrscheinlich."
    assert run(make_doc, text) == [("ortiz", text, False)]


def test_trailing_cue_with_its_own_clause_is_a_leading_cue(make_doc):
    text = "Ortiz, Vorsitzende der Stiftung, sagte gegenüber Reportern, dass Roth Führung gezeigt habe."
    assert run(make_doc, text) == [("ortiz", "Roth Führung gezeigt habe", False)]


def test_source_after_laut_ends_at_the_verb(make_doc):
    text = "Laut der Stiftung habe Ortiz die Rechte betont."
    assert run(make_doc, text) == []


def test_multi_word_cue_and_a_group_that_goes_on(make_doc):
    text = (
        "Ortiz met Roth in Oslo. Both ministers shared the view that the talks were useful. "
        "They expressed their hope for a second round in spring."
    )
    found = run(make_doc, text, language="en")
    assert [(s, q) for s, q, _ in found] == [
        ("group-ortiz-roth", "the talks were useful"),
        ("group-ortiz-roth", "their hope for a second round in spring"),
    ]


def test_konjunktiv_chain_across_a_paragraph_break(make_doc):
    text = "Ortiz sagte, die Lage sei ernst.\n\nDemnach solle die Brigade im Herbst wachsen."
    assert run(make_doc, text) == [
        ("ortiz", "die Lage sei ernst", False),
        ("ortiz", "Demnach solle die Brigade im Herbst wachsen.", False),
    ]


def test_indicative_paragraph_after_a_statement_is_no_continuation(make_doc):
    text = "Ortiz sagte, die Lage sei ernst.\n\nDie Brigade wächst im Herbst."
    assert run(make_doc, text) == [("ortiz", "die Lage sei ernst", False)]


def test_anaphoric_attribution_takes_the_sentence_before(make_doc):
    text = "Die Brigade wird im Herbst aufgestockt. Das kündigte Ortiz am Montag an."
    assert run(make_doc, text) == [("ortiz", "Die Brigade wird im Herbst aufgestockt.", False)]
    text = "Die Hilfe wird verdoppelt. Das hat Ortiz am Wochenende zugesagt."
    assert run(make_doc, text) == [("ortiz", "Die Hilfe wird verdoppelt.", False)]


def test_german_subject_after_the_verb_when_an_adverbial_comes_first(make_doc):
    text = "Nach dem Treffen mit Roth sagte Ortiz, die Gespräche seien gut gewesen."
    assert run(make_doc, text) == [("ortiz", "die Gespräche seien gut gewesen", False)]


def test_trailing_attribution_with_a_long_subject(make_doc):
    text = "The ships arrived on time, Navy Chief of Staff Rear Admiral Lena Ortiz said here today."
    assert run(make_doc, text, language="en") == [("ortiz", "The ships arrived on time", False)]


def test_role_phrase_subject_resolves_through_recorded_roles(make_doc):
    text = "Lena Ortiz met Mia Roth in Oslo. The Special Envoy said the talks were useful."
    found = run(make_doc, text, language="en", roles={"roth": ["Special Envoy"], "ortiz": ["Minister"]})
    assert found == [("roth", "the talks were useful", False)]


def test_role_phrase_matching_no_role_is_no_speaker(make_doc):
    text = "Lena Ortiz met Mia Roth in Oslo. The Vice-President said the talks were useful."
    found = run(make_doc, text, language="en", roles={"roth": ["Special Envoy"], "ortiz": ["Minister"]})
    assert found == []


def test_wie_x_mitteilte_and_as_x_said(make_doc):
    text = "Die Brigade wird im Herbst verlegt, wie Ortiz am Montag mitteilte."
    assert run(make_doc, text) == [("ortiz", "Die Brigade wird im Herbst verlegt", False)]
    text = "The brigade will move in the autumn, as Ortiz said on Monday."
    assert run(make_doc, text, language="en") == [("ortiz", "The brigade will move in the autumn", False)]


def test_naming_verb_gives_the_statement_and_the_quoted_fragment(make_doc):
    text = "Zuvor hatte Ortiz die Einigung als „historischen Schritt“ bezeichnet."
    assert run(make_doc, text) == [
        ("ortiz", "die Einigung als „historischen Schritt“ bezeichnet", False),
        ("ortiz", "historischen Schritt", True),
    ]
    text = 'Ortiz called the plan "a historic step" for the region.'
    assert run(make_doc, text, language="en") == [("ortiz", "a historic step", True)]


def test_leading_said_beats_a_trailing_she_said(make_doc):
    text = "Lena Ortiz said the harbour would reopen in spring, Roth said."
    assert run(make_doc, text, language="en") == [("ortiz", "the harbour would reopen in spring", False)]


def test_object_of_an_object_cue_may_start_with_a_quote(make_doc):
    text = "Am Montag lobte Ortiz „die ruhige Arbeit der Besatzung“ in schwierigen Zeiten."
    found = run(make_doc, text)
    assert found[0][:2] == ("ortiz", "„die ruhige Arbeit der Besatzung“ in schwierigen Zeiten")


def test_participle_cue_after_a_clause_takes_the_subject(make_doc):
    text = "Ortiz met the harbour master on Tuesday, reiterating the strong commitment to the region."
    assert run(make_doc, text, language="en") == [("ortiz", "the strong commitment to the region", False)]


def test_apposition_before_a_separable_cue_is_not_what_was_said(make_doc):
    text = "Auch die Chefin der Opposition, Mia Roth, sprach den Familien ihr Beileid aus."
    assert all(quote != "Auch die Chefin der Opposition, Mia Roth" for _, quote, _ in run(make_doc, text))


def test_speech_noun_with_its_clause(make_doc):
    text = "Trotz der Warnung von Ortiz, die Lage könne eskalieren, hielt Roth an dem Plan fest."
    assert run(make_doc, text) == [("ortiz", "die Lage könne eskalieren", False)]
    text = "Roth dismissed Ortiz's warning that the talks would fail."
    assert run(make_doc, text, language="en") == [("ortiz", "the talks would fail", False)]


def test_speech_noun_without_a_clause_is_nothing(make_doc):
    assert run(make_doc, "Die Warnung von Ortiz kam spät.") == []


def test_object_cue_with_people_as_object_is_no_statement(make_doc):
    assert run(make_doc, "Ortiz welcomed the visiting delegation at the airport.", language="en") == []
    assert run(make_doc, "Ortiz begrüßte die Gäste am Flughafen von Oslo.") == []
    found = run(make_doc, "Ortiz welcomed the agreement on fishing rights.", language="en")
    assert found == [("ortiz", "the agreement on fishing rights", False)]


def test_a_quote_line_repeated_later_is_a_heading(make_doc):
    text = '"We stay the course"\nLena Ortiz spoke in Oslo. "We stay the course," Ortiz said.'
    assert run(make_doc, text, language="en") == [("ortiz", "We stay the course,", True)]


def test_stance_adjectives(make_doc):
    text = "Ortiz hat sich enttäuscht über die Entscheidung der Regierung gezeigt."
    assert run(make_doc, text) == [("ortiz", "enttäuscht über die Entscheidung der Regierung gezeigt", False)]
    text = "Ortiz was confident that the ships would return in May."
    assert run(make_doc, text, language="en") == [("ortiz", "the ships would return in May", False)]


def test_promises_of_deeds_are_no_statements(make_doc):
    assert run(make_doc, "Ortiz sicherte der Ukraine weitere Hilfe zu.") == []
    assert run(make_doc, "Ortiz pledged new patrol boats to the coast guard.", language="en") == []
    assert run(make_doc, "Ortiz hat bei einem Besuch die Stationierung einer Brigade bekräftigt.") == []


def test_sprechen_von_gives_the_fragment(make_doc):
    found = run(make_doc, "Ortiz sprach am Montag von einem „Durchbruch“.")
    assert ("ortiz", "Durchbruch", True) in found


def test_warnen_vor_is_a_statement(make_doc):
    assert run(make_doc, "Ortiz warnte vor einer raschen Eskalation.") == [
        ("ortiz", "vor einer raschen Eskalation", False)
    ]


def test_for_whom_frame_gives_the_quoted_words(make_doc):
    text = "Für Ortiz war das Treffen „ein wichtiger Schritt nach vorn“."
    assert run(make_doc, text) == [("ortiz", "ein wichtiger Schritt nach vorn", True)]


def test_introductory_phrase_before_a_leading_cue(make_doc):
    text = "Speaking to reporters in Oslo, Ortiz said the harbour would reopen."
    assert run(make_doc, text, language="en") == [("ortiz", "the harbour would reopen", False)]


def test_that_after_a_short_adverbial(make_doc):
    text = "Ortiz said on Monday that the harbour would reopen."
    assert run(make_doc, text, language="en") == [("ortiz", "the harbour would reopen", False)]


def test_subject_with_a_relative_clause_before_the_cue(make_doc):
    text = "Mia Roth, die am Montag die Basis besuchte, sagte, die Flotte sei bereit."
    assert run(make_doc, text) == [("roth", "die Flotte sei bereit", False)]


def test_deutlich_machen_and_verweisen_auf(make_doc):
    assert run(make_doc, "Ortiz machte deutlich, dass die Flotte zu klein sei.") == [
        ("ortiz", "die Flotte zu klein sei", False)
    ]
    assert run(make_doc, "Ortiz verwies auf die schwierige Lage im Norden.") == [
        ("ortiz", "auf die schwierige Lage im Norden", False)
    ]


def test_welcoming_a_titled_person_is_no_statement(make_doc):
    assert run(make_doc, "Ortiz welcomed Admiral Mia Roth at the airport.", language="en") == []


def test_inverted_trailing_attribution_with_an_added_clause(make_doc):
    text = "The harbour is ready, said Ortiz, adding that it would reopen in May."
    assert run(make_doc, text, language="en") == [
        ("ortiz", "The harbour is ready", False),
        ("ortiz", "it would reopen in May", False),
    ]


def test_pronoun_prefers_the_previous_subject_over_a_name_in_a_prepositional_phrase(make_doc):
    text = (
        "Lena Ortiz asked about the plans of the fleet.\n"
        "In response to explanations by Mia Roth, she indicated that the budget would grow."
    )
    found = run(make_doc, text, language="en", pronouns={"she": "roth"})
    assert found == [("ortiz", "the budget would grow", False)]


def test_group_named_by_the_names_the_text_uses(make_doc):
    names = {
        "Lena Ortiz": ("ortiz", "Person"),
        "Ortiz": ("ortiz", "Person"),
        "Xie Ming": ("xie", "Person"),
        "Xie": ("xie", "Person"),
    }
    text = (
        "Lena Ortiz met Xie Ming in Oslo. Xie arrived late. Both the minister and the envoy said the talks were useful."
    )
    doc, actors = make_doc(text, names, language="en")
    found = StatementExtractor().extract(doc, actors)
    assert actors.get(found[0].speaker).name == "Ortiz and Xie"  # the family name comes first


def test_a_role_anaphor_keeps_its_resolution_after_another_speaker(make_doc):
    text = "Ortiz visited the port, Roth said. The minister said the port would grow."
    found = run(make_doc, text, language="en", pronouns={"The minister": "ortiz"})
    assert ("ortiz", "the port would grow", False) in found
