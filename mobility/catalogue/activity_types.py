"""The seeded activity types: Erasmus+ VET activities and the centres' own schemes, with duration bounds
and guidance, in every interface language.
"""

from __future__ import annotations

from typing import Any

LANGS = ("en", "fr", "de", "es", "it")


def texts(en: str, fr: str, de: str, es: str, it: str) -> dict[str, str]:
    return {"en": en, "fr": fr, "de": de, "es": es, "it": it}


_GUIDE_LEARNER = {
    "en": {
        "objectives": "Carry out, in a real work setting abroad, tasks of the trade prepared, with growing autonomy; "
        "discover another way of organising the work; practise the host language in the workplace.",
        "outcomes_hint": "Write each outcome as an observable action with its conditions and quality criteria: "
        "\u201cPrepares a yeast dough following the recipe and hygiene rules of the host bakery\u201d, not \u201cLearns baking\u201d.",
        "assessment": "The host tutor assesses each outcome at the end of the placement with the evaluation grid "
        "(achieved, partly achieved, not achieved), from observation at work; a mid-term check-in with the referent.",
    },
    "fr": {
        "objectives": "Réaliser, en situation réelle de travail à l'étranger, des activités du métier préparé avec une "
        "autonomie croissante ; découvrir une autre organisation du travail ; pratiquer la langue du pays dans un cadre professionnel.",
        "outcomes_hint": "Rédigez chaque acquis comme une action observable avec ses conditions et critères : "
        "« Réalise une pâte levée en respectant la recette et les règles d'hygiène de la boulangerie d'accueil », et non « Apprend la boulangerie ».",
        "assessment": "Le tuteur d'accueil évalue chaque acquis en fin de stage avec la grille d'évaluation (acquis, "
        "partiellement acquis, non acquis), par observation en situation de travail ; un point à mi-parcours avec le référent.",
    },
    "de": {
        "objectives": "In einer realen Arbeitssituation im Ausland Tätigkeiten des erlernten Berufs mit wachsender "
        "Selbstständigkeit ausführen; eine andere Arbeitsorganisation kennenlernen; die Landessprache im Beruf üben.",
        "outcomes_hint": "Formulieren Sie jedes Lernergebnis als beobachtbare Handlung mit Bedingungen und "
        "Qualitätskriterien: „Stellt einen Hefeteig nach Rezept und Hygieneregeln der Gastbäckerei her“, nicht „Lernt backen“.",
        "assessment": "Die betreuende Person im Gastbetrieb bewertet jedes Lernergebnis am Ende des Praktikums mit dem "
        "Bewertungsraster (erreicht, teilweise erreicht, nicht erreicht) anhand der Beobachtung bei der Arbeit; Zwischengespräch mit der Mobilitätsbeauftragten.",
    },
    "es": {
        "objectives": "Realizar, en una situación real de trabajo en el extranjero, tareas del oficio que se prepara con "
        "autonomía creciente; descubrir otra organización del trabajo; practicar el idioma del país en el entorno profesional.",
        "outcomes_hint": "Redacte cada resultado como una acción observable con sus condiciones y criterios: "
        "«Elabora una masa fermentada siguiendo la receta y las normas de higiene de la panadería de acogida», no «Aprende panadería».",
        "assessment": "El tutor de la empresa de acogida evalúa cada resultado al final de las prácticas con la tabla de "
        "evaluación (logrado, parcialmente logrado, no logrado), mediante observación en el trabajo; seguimiento intermedio con el referente.",
    },
    "it": {
        "objectives": "Svolgere, in una situazione reale di lavoro all'estero, attività del mestiere preparato con "
        "autonomia crescente; scoprire un'altra organizzazione del lavoro; praticare la lingua del paese in ambito professionale.",
        "outcomes_hint": "Scrivete ogni risultato come un'azione osservabile con condizioni e criteri: «Prepara un impasto "
        "lievitato seguendo la ricetta e le norme igieniche del panificio ospitante», non «Impara a panificare».",
        "assessment": "Il tutor dell'azienda ospitante valuta ogni risultato alla fine del tirocinio con la griglia di "
        "valutazione (raggiunto, parzialmente raggiunto, non raggiunto), tramite osservazione sul lavoro; un colloquio intermedio con il referente.",
    },
}

_GUIDE_STAFF = {
    "en": {
        "objectives": "Observe and compare practices of training and of work organisation; bring back ideas for the centre's teaching.",
        "outcomes_hint": "Name what you will observe, with whom, and what you will bring back.",
        "assessment": "A report shared with the team within a month of the return.",
    },
    "fr": {
        "objectives": "Observer et comparer des pratiques de formation et d'organisation du travail ; rapporter des idées pour l'enseignement du centre.",
        "outcomes_hint": "Précisez ce que vous observerez, avec qui, et ce que vous rapporterez.",
        "assessment": "Un compte rendu partagé avec l'équipe dans le mois qui suit le retour.",
    },
    "de": {
        "objectives": "Ausbildungs- und Arbeitspraktiken beobachten und vergleichen; Ideen für den Unterricht des Zentrums mitbringen.",
        "outcomes_hint": "Nennen Sie, was Sie beobachten, mit wem und was Sie mitbringen.",
        "assessment": "Ein Bericht für das Team innerhalb eines Monats nach der Rückkehr.",
    },
    "es": {
        "objectives": "Observar y comparar prácticas de formación y de organización del trabajo; traer ideas para la enseñanza del centro.",
        "outcomes_hint": "Indique qué observará, con quién y qué traerá de vuelta.",
        "assessment": "Un informe compartido con el equipo en el mes siguiente al regreso.",
    },
    "it": {
        "objectives": "Osservare e confrontare pratiche di formazione e di organizzazione del lavoro; riportare idee per la didattica del centro.",
        "outcomes_hint": "Indicate cosa osserverete, con chi e cosa riporterete.",
        "assessment": "Una relazione condivisa con il gruppo entro un mese dal rientro.",
    },
}

LEARNER_DOCS = ["insurance", "ehic", "parental-authorisation", "identity"]

ACTIVITY_TYPES: list[dict[str, Any]] = [
    {
        "code": "vet-skills-competition",
        "order": 10,
        "kind": "learner",
        "min": 1,
        "max": 10,
        "erasmus_code": "VET learners - Participation in skills competitions",
        "docs": LEARNER_DOCS,
        "guidance": _GUIDE_LEARNER,
        "checklist": "learner_short",
        "names": texts(
            "Participation in skills competitions",
            "Participation à des compétitions de métiers",
            "Teilnahme an Berufswettbewerben",
            "Participación en competiciones de destrezas profesionales",
            "Partecipazione a competizioni professionali",
        ),
    },
    {
        "code": "vet-short-term",
        "order": 20,
        "kind": "learner",
        "min": 10,
        "max": 89,
        "erasmus_code": "VET learners - Short-term learning mobility",
        "docs": LEARNER_DOCS,
        "guidance": _GUIDE_LEARNER,
        "checklist": "learner",
        "names": texts(
            "Short-term learning mobility of VET learners",
            "Mobilité de courte durée des apprenants de l'EFP",
            "Kurzzeit-Lernmobilität von Lernenden der Berufsbildung",
            "Movilidad de corta duración de estudiantes de FP",
            "Mobilità di breve durata dei discenti dell'IFP",
        ),
    },
    {
        "code": "vet-group",
        "order": 25,
        "kind": "learner",
        "min": 2,
        "max": 30,
        "erasmus_code": "VET learners - Group mobility",
        "docs": LEARNER_DOCS,
        "guidance": _GUIDE_LEARNER,
        "checklist": "learner_short",
        "names": texts(
            "Group mobility of VET learners",
            "Mobilité de groupe des apprenants de l'EFP",
            "Gruppenmobilität von Lernenden der Berufsbildung",
            "Movilidad en grupo de estudiantes de FP",
            "Mobilità di gruppo dei discenti dell'IFP",
        ),
    },
    {
        "code": "vet-long-term",
        "order": 30,
        "kind": "learner",
        "min": 90,
        "max": 365,
        "long_term": 90,
        "erasmus_code": "VET learners - Long-term learning mobility (ErasmusPro)",
        "docs": LEARNER_DOCS,
        "guidance": _GUIDE_LEARNER,
        "checklist": "learner_long",
        "followup": 30,
        "names": texts(
            "Long-term learning mobility of VET learners (ErasmusPro)",
            "Mobilité de longue durée des apprenants de l'EFP (ErasmusPro)",
            "Langzeit-Lernmobilität von Lernenden der Berufsbildung (ErasmusPro)",
            "Movilidad de larga duración de estudiantes de FP (ErasmusPro)",
            "Mobilità di lunga durata dei discenti dell'IFP (ErasmusPro)",
        ),
    },
    {
        "code": "staff-job-shadowing",
        "order": 40,
        "kind": "staff",
        "min": 2,
        "max": 60,
        "erasmus_code": "Staff - Job shadowing",
        "docs": ["insurance"],
        "guidance": _GUIDE_STAFF,
        "checklist": "staff",
        "names": texts(
            "Job shadowing",
            "Période d'observation (job shadowing)",
            "Job-Shadowing (Hospitation)",
            "Aprendizaje por observación (job shadowing)",
            "Job shadowing (osservazione sul lavoro)",
        ),
    },
    {
        "code": "staff-teaching",
        "order": 50,
        "kind": "staff",
        "min": 2,
        "max": 365,
        "erasmus_code": "Staff - Teaching or training assignments",
        "docs": ["insurance"],
        "guidance": _GUIDE_STAFF,
        "checklist": "staff",
        "names": texts(
            "Teaching or training assignment",
            "Mission d'enseignement ou de formation",
            "Lehr- oder Ausbildungsaufenthalt",
            "Misión de docencia o formación",
            "Incarico di insegnamento o formazione",
        ),
    },
    {
        "code": "staff-courses",
        "order": 60,
        "kind": "staff",
        "credential_activity_type": "http://data.europa.eu/snb/learning-activity/ff436ea7c9",
        "min": 2,
        "max": 30,
        "erasmus_code": "Staff - Courses and training",
        "docs": ["insurance"],
        "guidance": _GUIDE_STAFF,
        "checklist": "staff",
        "names": texts(
            "Courses and training",
            "Cours et formations",
            "Kurse und Fortbildungen",
            "Cursos y formación",
            "Corsi e formazione",
        ),
    },
    {
        "code": "staff-preparatory-visit",
        "order": 70,
        "kind": "staff",
        "min": 1,
        "max": None,
        "erasmus_code": "Preparatory visits",
        "docs": ["insurance"],
        "guidance": _GUIDE_STAFF,
        "checklist": "staff",
        "names": texts(
            "Preparatory visit",
            "Visite préparatoire",
            "Vorbereitender Besuch",
            "Visita preparatoria",
            "Visita preparatoria",
        ),
    },
    {
        "code": "invited-expert",
        "order": 80,
        "kind": "staff",
        "min": 1,
        "max": None,
        "erasmus_code": "Invited experts",
        "docs": [],
        "guidance": _GUIDE_STAFF,
        "checklist": "staff",
        "names": texts(
            "Invited expert",
            "Expert invité",
            "Eingeladene Fachperson",
            "Experto invitado",
            "Esperto invitato",
        ),
    },
    {
        "code": "hosting-teachers",
        "order": 90,
        "kind": "staff",
        "min": 1,
        "max": None,
        "erasmus_code": "Hosting teachers and educators in training",
        "docs": [],
        "guidance": _GUIDE_STAFF,
        "checklist": "staff",
        "names": texts(
            "Hosting teachers and educators in training",
            "Accueil d'enseignants et de formateurs en formation",
            "Aufnahme von Lehrkräften und Ausbildenden in Ausbildung",
            "Acogida de docentes y formadores en formación",
            "Accoglienza di docenti e formatori in formazione",
        ),
    },
    {
        "code": "group-exploration",
        "order": 100,
        "kind": "learner",
        "min": 3,
        "max": 8,
        "erasmus": False,
        "docs": LEARNER_DOCS,
        "guidance": _GUIDE_LEARNER,
        "checklist": "learner_short",
        "names": texts(
            "One-week group exploration",
            "Exploration pédagogique en groupe (une semaine)",
            "Einwöchige Gruppenerkundung",
            "Exploración pedagógica en grupo (una semana)",
            "Esplorazione pedagogica di gruppo (una settimana)",
        ),
    },
    {
        "code": "placement-outside-europe",
        "order": 110,
        "kind": "learner",
        "min": 14,
        "max": 180,
        "erasmus": False,
        "docs": ["insurance", "parental-authorisation", "identity"],
        "guidance": _GUIDE_LEARNER,
        "checklist": "learner",
        "names": texts(
            "Placement outside Europe (own or regional programme)",
            "Stage hors d'Europe (programme propre ou régional)",
            "Praktikum außerhalb Europas (eigenes oder regionales Programm)",
            "Prácticas fuera de Europa (programa propio o regional)",
            "Tirocinio fuori dall'Europa (programma proprio o regionale)",
        ),
    },
]
