"""The end-of-stay questions every participant is asked (administrators edit them and add their own)."""

from __future__ import annotations

from typing import Any

from mobility.catalogue.activity_types import texts

QUESTIONS: list[dict[str, Any]] = [
    {
        "code": "welcome",
        "kind": "rating",
        "order": 10,
        "names": texts(
            "Welcome and induction at the host",
            "Accueil et intégration chez l'hôte",
            "Empfang und Einarbeitung beim Gastbetrieb",
            "Acogida e integración en la entidad de acogida",
            "Accoglienza e inserimento presso l'ospite",
        ),
    },
    {
        "code": "tasks",
        "kind": "rating",
        "order": 20,
        "names": texts(
            "Tasks matching your learning agreement",
            "Adéquation des tâches avec ton contrat pédagogique",
            "Übereinstimmung der Aufgaben mit deiner Lernvereinbarung",
            "Adecuación de las tareas a tu acuerdo de aprendizaje",
            "Corrispondenza dei compiti con il tuo accordo di apprendimento",
        ),
    },
    {
        "code": "tutoring",
        "kind": "rating",
        "order": 30,
        "names": texts(
            "Tutoring: your tutor was there for you",
            "Tutorat : ton tuteur a été disponible",
            "Betreuung: dein Betreuer war für dich da",
            "Tutoría: tu tutor estuvo disponible",
            "Tutoraggio: il tuo tutor è stato presente",
        ),
    },
    {
        "code": "accommodation",
        "kind": "rating",
        "order": 40,
        "names": texts(
            "Accommodation",
            "Hébergement",
            "Unterkunft",
            "Alojamiento",
            "Alloggio",
        ),
    },
    {
        "code": "safety",
        "kind": "rating",
        "order": 50,
        "names": texts(
            "Feeling of safety during the stay",
            "Sentiment de sécurité pendant le séjour",
            "Sicherheitsgefühl während des Aufenthalts",
            "Sensación de seguridad durante la estancia",
            "Sensazione di sicurezza durante il soggiorno",
        ),
    },
    {
        "code": "language",
        "kind": "rating",
        "order": 60,
        "names": texts(
            "Progress in the language",
            "Progrès dans la langue",
            "Fortschritte in der Sprache",
            "Progreso en el idioma",
            "Progressi nella lingua",
        ),
    },
    {
        "code": "overall",
        "kind": "rating",
        "order": 70,
        "names": texts(
            "Overall, your mobility",
            "Dans l'ensemble, ta mobilité",
            "Insgesamt, deine Mobilität",
            "En general, tu movilidad",
            "Nel complesso, la tua mobilità",
        ),
    },
    {
        "code": "recommend",
        "kind": "yes_no",
        "order": 80,
        "names": texts(
            "Would you recommend this host to another learner?",
            "Recommanderais-tu cet hôte à un autre apprenant ?",
            "Würdest du diesen Gastbetrieb anderen Lernenden empfehlen?",
            "¿Recomendarías esta entidad de acogida a otro estudiante?",
            "Consiglieresti questo ospite a un altro studente?",
        ),
    },
    {
        "code": "comments",
        "kind": "text",
        "order": 90,
        "required": False,
        "names": texts(
            "Your comments: what went well, what should change",
            "Tes commentaires : ce qui s'est bien passé, ce qui devrait changer",
            "Deine Anmerkungen: was gut lief, was sich ändern sollte",
            "Tus comentarios: lo que fue bien, lo que debería cambiar",
            "I tuoi commenti: cosa è andato bene, cosa dovrebbe cambiare",
        ),
    },
]


CHECK_ITEMS: list[dict[str, Any]] = [
    {
        "code": "induction",
        "order": 10,
        "names": texts(
            "An induction was given on the first day",
            "Un accueil et une présentation ont eu lieu le premier jour",
            "Am ersten Tag gab es eine Einführung",
            "Hubo una sesión de acogida el primer día",
            "Il primo giorno c'è stata un'accoglienza",
        ),
    },
    {
        "code": "named-tutor",
        "order": 20,
        "names": texts(
            "A named tutor was available",
            "Un tuteur nommé était disponible",
            "Ein benannter Betreuer war erreichbar",
            "Un tutor designado estuvo disponible",
            "Un tutor designato era disponibile",
        ),
    },
    {
        "code": "tasks-match",
        "order": 30,
        "names": texts(
            "The tasks matched the learning agreement",
            "Les tâches correspondaient au contrat pédagogique",
            "Die Aufgaben entsprachen der Lernvereinbarung",
            "Las tareas correspondían al acuerdo de aprendizaje",
            "I compiti corrispondevano all'accordo di apprendimento",
        ),
    },
    {
        "code": "safety-briefing",
        "order": 40,
        "names": texts(
            "A safety briefing was given",
            "Une information sur la sécurité a été donnée",
            "Es gab eine Sicherheitsunterweisung",
            "Se dio una información sobre seguridad",
            "È stata data un'informazione sulla sicurezza",
        ),
    },
    {
        "code": "language-support",
        "order": 50,
        "names": texts(
            "Language support was offered",
            "Un soutien linguistique a été proposé",
            "Sprachliche Unterstützung wurde angeboten",
            "Se ofreció apoyo lingüístico",
            "È stato offerto un supporto linguistico",
        ),
    },
    {
        "code": "evaluation-with-learner",
        "order": 60,
        "names": texts(
            "The evaluation was done with the learner",
            "L'évaluation a été faite avec l'apprenant",
            "Die Bewertung wurde mit dem Lernenden besprochen",
            "La evaluación se hizo con el estudiante",
            "La valutazione è stata fatta con lo studente",
        ),
    },
    {
        "code": "questions-welcome",
        "order": 70,
        "names": texts(
            "The learner's questions were welcome",
            "Les questions de l'apprenant étaient bienvenues",
            "Die Fragen des Lernenden waren willkommen",
            "Las preguntas del estudiante fueron bienvenidas",
            "Le domande dello studente erano benvenute",
        ),
    },
]


def install(apps: Any = None) -> None:
    """Creates the missing shared questions (works with historical models inside a migration)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    ReportQuestion = apps.get_model("mobility", "ReportQuestion")
    for row in QUESTIONS:
        ReportQuestion.objects.get_or_create(
            code=row["code"],
            network=None,
            defaults={
                "kind": row["kind"],
                "order": row["order"],
                "required": row.get("required", True),
                "name": row["names"]["en"],
                "name_translations": {k: v for k, v in row["names"].items() if k != "en"},
            },
        )
    CheckItem = apps.get_model("mobility", "CheckItem")
    for row in CHECK_ITEMS:
        CheckItem.objects.get_or_create(
            code=row["code"],
            network=None,
            defaults={"order": row["order"], "name": row["names"]["en"],
                      "name_translations": {k: v for k, v in row["names"].items() if k != "en"}},
        )  # fmt: skip
