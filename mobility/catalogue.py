"""The seeded catalogue: activity types, document types and checklist templates, in five languages.

It is data, editable by administrators afterwards (the programmes change their rules every call
year). ``install()`` is idempotent: it creates what is missing and never overwrites an edit.
"""

from __future__ import annotations

from typing import Any

LANGS = ("en", "fr", "de", "es", "it")


def _t(en: str, fr: str, de: str, es: str, it: str) -> dict[str, str]:
    return {"en": en, "fr": fr, "de": de, "es": es, "it": it}


DOCUMENT_TYPES: list[dict[str, Any]] = [
    {
        "code": "insurance",
        "order": 10,
        "names": _t(
            "Insurance certificate",
            "Attestation d'assurance",
            "Versicherungsnachweis",
            "Certificado de seguro",
            "Certificato di assicurazione",
        ),
    },
    {
        "code": "ehic",
        "order": 20,
        "names": _t(
            "European health insurance card",
            "Carte européenne d'assurance maladie",
            "Europäische Krankenversicherungskarte",
            "Tarjeta sanitaria europea",
            "Tessera europea di assicurazione malattia",
        ),
    },
    {
        "code": "parental-authorisation",
        "order": 30,
        "minors": True,
        "names": _t(
            "Parental authorisation",
            "Autorisation parentale",
            "Einverständniserklärung der Eltern",
            "Autorización parental",
            "Autorizzazione dei genitori",
        ),
    },
    {
        "code": "identity",
        "order": 40,
        "names": _t(
            "Identity card or passport",
            "Carte d'identité ou passeport",
            "Personalausweis oder Reisepass",
            "Documento de identidad o pasaporte",
            "Carta d'identità o passaporto",
        ),
    },
    {
        "code": "travel",
        "order": 50,
        "retention": 365,
        "names": _t(
            "Travel tickets",
            "Titres de transport",
            "Reisetickets",
            "Billetes de viaje",
            "Biglietti di viaggio",
        ),
    },
    {
        "code": "signed-agreement",
        "order": 60,
        "names": _t(
            "Signed learning agreement (scan)",
            "Contrat pédagogique signé (scan)",
            "Unterschriebene Lernvereinbarung (Scan)",
            "Acuerdo de aprendizaje firmado (escaneado)",
            "Accordo di apprendimento firmato (scansione)",
        ),
    },
    {
        "code": "attendance",
        "order": 70,
        "names": _t(
            "Attendance certificate from the host",
            "Attestation de présence de l'accueil",
            "Anwesenheitsbescheinigung der Aufnahmeeinrichtung",
            "Certificado de asistencia de la entidad de acogida",
            "Attestato di presenza dell'ente ospitante",
        ),
    },
    {
        "code": "other",
        "order": 90,
        "names": _t(
            "Other document", "Autre document", "Sonstiges Dokument", "Otro documento", "Altro documento"
        ),
    },
]

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
        "names": _t(
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
        "names": _t(
            "Short-term learning mobility of VET learners",
            "Mobilité de courte durée des apprenants de l'EFP",
            "Kurzzeit-Lernmobilität von Lernenden der Berufsbildung",
            "Movilidad de corta duración de estudiantes de FP",
            "Mobilità di breve durata dei discenti dell'IFP",
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
        "names": _t(
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
        "names": _t(
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
        "names": _t(
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
        "min": 2,
        "max": 30,
        "erasmus_code": "Staff - Courses and training",
        "docs": ["insurance"],
        "guidance": _GUIDE_STAFF,
        "checklist": "staff",
        "names": _t(
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
        "names": _t(
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
        "names": _t(
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
        "names": _t(
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
        "names": _t(
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
        "names": _t(
            "Placement outside Europe (own or regional programme)",
            "Stage hors d'Europe (programme propre ou régional)",
            "Praktikum außerhalb Europas (eigenes oder regionales Programm)",
            "Prácticas fuera de Europa (programa propio o regional)",
            "Tirocinio fuori dall'Europa (programma proprio o regionale)",
        ),
    },
]

# Checklist templates: (step, days, anchor, assignee, document code, names)
_B, _S, _E = "before_start", "after_start", "after_end"
CHECKLISTS: dict[str, list[tuple]] = {
    "learner": [
        (
            "promote",
            90,
            _B,
            "referent",
            None,
            _t(
                "Present the mobility to the learner and the employer",
                "Présenter la mobilité à l'apprenant et à l'employeur",
                "Die Mobilität dem Lernenden und dem Betrieb vorstellen",
                "Presentar la movilidad al aprendiz y a la empresa",
                "Presentare la mobilità all'apprendista e al datore di lavoro",
            ),
        ),
        (
            "recruit",
            60,
            _B,
            "referent",
            None,
            _t(
                "Collect the application and the employer's agreement",
                "Recueillir la candidature et l'accord de l'employeur",
                "Bewerbung und Zustimmung des Betriebs einholen",
                "Recoger la candidatura y el acuerdo de la empresa",
                "Raccogliere la candidatura e l'accordo del datore di lavoro",
            ),
        ),
        (
            "prepare",
            30,
            _B,
            "referent",
            None,
            _t(
                "Book travel and accommodation",
                "Réserver le transport et l'hébergement",
                "Reise und Unterkunft buchen",
                "Reservar el viaje y el alojamiento",
                "Prenotare viaggio e alloggio",
            ),
        ),
        (
            "prepare",
            21,
            _B,
            "referent",
            "signed-agreement",
            _t(
                "Have the learning agreement signed by every party",
                "Faire signer le contrat pédagogique par toutes les parties",
                "Die Lernvereinbarung von allen Parteien unterschreiben lassen",
                "Hacer firmar el acuerdo de aprendizaje por todas las partes",
                "Far firmare l'accordo di apprendimento da tutte le parti",
            ),
        ),
        (
            "prepare",
            14,
            _B,
            "learner",
            "insurance",
            _t(
                "Provide the insurance certificate",
                "Fournir l'attestation d'assurance",
                "Versicherungsnachweis vorlegen",
                "Entregar el certificado de seguro",
                "Fornire il certificato di assicurazione",
            ),
        ),
        (
            "prepare",
            14,
            _B,
            "learner",
            "ehic",
            _t(
                "Provide the European health insurance card",
                "Fournir la carte européenne d'assurance maladie",
                "Europäische Krankenversicherungskarte vorlegen",
                "Entregar la tarjeta sanitaria europea",
                "Fornire la tessera europea di assicurazione malattia",
            ),
        ),
        (
            "prepare",
            14,
            _B,
            "learner",
            "parental-authorisation",
            _t(
                "Parental authorisation (minors)",
                "Autorisation parentale (mineurs)",
                "Einverständnis der Eltern (Minderjährige)",
                "Autorización parental (menores)",
                "Autorizzazione dei genitori (minorenni)",
            ),
        ),
        (
            "prepare",
            10,
            _B,
            "referent",
            None,
            _t(
                "Language and cultural preparation",
                "Préparation linguistique et culturelle",
                "Sprachliche und interkulturelle Vorbereitung",
                "Preparación lingüística y cultural",
                "Preparazione linguistica e culturale",
            ),
        ),
        (
            "prepare",
            7,
            _B,
            "referent",
            None,
            _t(
                "Departure meeting with the learner (and family)",
                "Réunion de départ avec l'apprenant (et sa famille)",
                "Abreisetreffen mit dem Lernenden (und der Familie)",
                "Reunión de salida con el aprendiz (y su familia)",
                "Incontro di partenza con l'apprendista (e la famiglia)",
            ),
        ),
        (
            "monitor",
            2,
            _S,
            "referent",
            None,
            _t(
                "Call on arrival",
                "Appel à l'arrivée",
                "Anruf nach der Ankunft",
                "Llamada a la llegada",
                "Chiamata all'arrivo",
            ),
        ),
        (
            "evaluate",
            7,
            _E,
            "tutor",
            None,
            _t(
                "Collect the host tutor's evaluation",
                "Recueillir l'évaluation du tuteur d'accueil",
                "Bewertung der betreuenden Person einholen",
                "Recoger la evaluación del tutor de acogida",
                "Raccogliere la valutazione del tutor ospitante",
            ),
        ),
        (
            "evaluate",
            14,
            _E,
            "referent",
            None,
            _t(
                "Debrief with the learner",
                "Débriefing avec l'apprenant",
                "Nachbesprechung mit dem Lernenden",
                "Sesión de balance con el aprendiz",
                "Debriefing con l'apprendista",
            ),
        ),
        (
            "evaluate",
            21,
            _E,
            "referent",
            None,
            _t(
                "Send the debrief to the employer and collect their feedback",
                "Envoyer le bilan à l'employeur et recueillir son avis",
                "Dem Betrieb die Bilanz senden und seine Rückmeldung einholen",
                "Enviar el balance a la empresa y recoger su opinión",
                "Inviare il bilancio al datore di lavoro e raccoglierne il parere",
            ),
        ),
        (
            "evaluate",
            30,
            _E,
            "referent",
            None,
            _t(
                "Decide the recognition of the units",
                "Décider la reconnaissance des unités",
                "Über die Anerkennung der Einheiten entscheiden",
                "Decidir el reconocimiento de las unidades",
                "Decidere il riconoscimento delle unità",
            ),
        ),
        (
            "evaluate",
            30,
            _E,
            "referent",
            None,
            _t(
                "Issue the Europass certificate",
                "Délivrer l'attestation Europass",
                "Europass-Nachweis ausstellen",
                "Expedir el certificado Europass",
                "Rilasciare il certificato Europass",
            ),
        ),
    ],
    "learner_short": [
        (
            "promote",
            60,
            _B,
            "referent",
            None,
            _t(
                "Present the trip to the learners",
                "Présenter le séjour aux apprenants",
                "Die Reise den Lernenden vorstellen",
                "Presentar el viaje a los aprendices",
                "Presentare il viaggio agli apprendisti",
            ),
        ),
        (
            "recruit",
            45,
            _B,
            "referent",
            None,
            _t(
                "Collect the applications and the employers' agreement",
                "Recueillir les candidatures et l'accord des employeurs",
                "Bewerbungen und Zustimmung der Betriebe einholen",
                "Recoger las candidaturas y el acuerdo de las empresas",
                "Raccogliere le candidature e l'accordo dei datori di lavoro",
            ),
        ),
        (
            "prepare",
            21,
            _B,
            "referent",
            "signed-agreement",
            _t(
                "Have the learning agreement signed",
                "Faire signer le contrat pédagogique",
                "Die Lernvereinbarung unterschreiben lassen",
                "Hacer firmar el acuerdo de aprendizaje",
                "Far firmare l'accordo di apprendimento",
            ),
        ),
        (
            "prepare",
            14,
            _B,
            "learner",
            "insurance",
            _t(
                "Provide the insurance certificate",
                "Fournir l'attestation d'assurance",
                "Versicherungsnachweis vorlegen",
                "Entregar el certificado de seguro",
                "Fornire il certificato di assicurazione",
            ),
        ),
        (
            "prepare",
            14,
            _B,
            "learner",
            "parental-authorisation",
            _t(
                "Parental authorisation (minors)",
                "Autorisation parentale (mineurs)",
                "Einverständnis der Eltern (Minderjährige)",
                "Autorización parental (menores)",
                "Autorizzazione dei genitori (minorenni)",
            ),
        ),
        (
            "prepare",
            5,
            _B,
            "referent",
            None,
            _t(
                "Departure meeting",
                "Réunion de départ",
                "Abreisetreffen",
                "Reunión de salida",
                "Incontro di partenza",
            ),
        ),
        (
            "evaluate",
            7,
            _E,
            "referent",
            None,
            _t(
                "Debrief with the group",
                "Bilan avec le groupe",
                "Nachbesprechung mit der Gruppe",
                "Balance con el grupo",
                "Bilancio con il gruppo",
            ),
        ),
        (
            "evaluate",
            21,
            _E,
            "referent",
            None,
            _t(
                "Issue the Europass certificates",
                "Délivrer les attestations Europass",
                "Europass-Nachweise ausstellen",
                "Expedir los certificados Europass",
                "Rilasciare i certificati Europass",
            ),
        ),
    ],
    "staff": [
        (
            "prepare",
            30,
            _B,
            "referent",
            None,
            _t(
                "Agree the programme with the host",
                "Convenir du programme avec l'accueil",
                "Das Programm mit der Aufnahmeeinrichtung abstimmen",
                "Acordar el programa con la entidad de acogida",
                "Concordare il programma con l'ente ospitante",
            ),
        ),
        (
            "prepare",
            21,
            _B,
            "referent",
            None,
            _t(
                "Book travel and accommodation",
                "Réserver le transport et l'hébergement",
                "Reise und Unterkunft buchen",
                "Reservar el viaje y el alojamiento",
                "Prenotare viaggio e alloggio",
            ),
        ),
        (
            "prepare",
            14,
            _B,
            "learner",
            "insurance",
            _t(
                "Provide the insurance certificate",
                "Fournir l'attestation d'assurance",
                "Versicherungsnachweis vorlegen",
                "Entregar el certificado de seguro",
                "Fornire il certificato di assicurazione",
            ),
        ),
        (
            "evaluate",
            30,
            _E,
            "learner",
            None,
            _t(
                "Share the report with the team",
                "Partager le compte rendu avec l'équipe",
                "Den Bericht mit dem Team teilen",
                "Compartir el informe con el equipo",
                "Condividere la relazione con il gruppo",
            ),
        ),
    ],
}
CHECKLISTS["learner_long"] = [
    *CHECKLISTS["learner"][:3],
    (
        "prepare",
        45,
        _B,
        "referent",
        None,
        _t(
            "Find accommodation for the whole stay",
            "Trouver un logement pour toute la durée du séjour",
            "Unterkunft für den gesamten Aufenthalt finden",
            "Encontrar alojamiento para toda la estancia",
            "Trovare un alloggio per tutto il soggiorno",
        ),
    ),
    *CHECKLISTS["learner"][3:10],
    (
        "monitor",
        45,
        _S,
        "referent",
        None,
        _t(
            "Mid-term review with the host tutor",
            "Bilan à mi-parcours avec le tuteur d'accueil",
            "Zwischenbilanz mit der betreuenden Person",
            "Balance intermedio con el tutor de acogida",
            "Bilancio intermedio con il tutor ospitante",
        ),
    ),
    *CHECKLISTS["learner"][10:],
]


def install(apps: Any = None) -> None:
    """Creates the missing catalogue rows (works with historical models inside a migration)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    DocumentType = apps.get_model("mobility", "DocumentType")
    ActivityType = apps.get_model("mobility", "ActivityType")
    ChecklistTemplateItem = apps.get_model("mobility", "ChecklistTemplateItem")

    doc_types = {}
    for row in DOCUMENT_TYPES:
        obj, _ = DocumentType.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["names"]["en"],
                "name_translations": row["names"],
                "order": row["order"],
                "required_for_minors_only": row.get("minors", False),
                "retention_days": row.get("retention"),
            },
        )
        doc_types[row["code"]] = obj

    for row in ACTIVITY_TYPES:
        activity, created = ActivityType.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["names"]["en"],
                "name_translations": row["names"],
                "participant_kind": row["kind"],
                "min_days": row["min"],
                "max_days": row["max"],
                "is_erasmus": row.get("erasmus", True),
                "erasmus_code": row.get("erasmus_code", ""),
                "long_term_from_days": row.get("long_term"),
                "followup_every_days": row.get("followup"),
                "guidance": row["guidance"],
                "order": row["order"],
            },
        )
        if not created:
            continue
        activity.required_documents.set([doc_types[c] for c in row["docs"]])
        ChecklistTemplateItem.objects.bulk_create(
            [
                ChecklistTemplateItem(
                    activity_type=activity,
                    step=step,
                    days=days,
                    anchor=anchor,
                    assignee=assignee,
                    document_type=doc_types.get(doc) if doc else None,
                    name=names["en"],
                    name_translations=names,
                    order=index,
                )
                for index, (step, days, anchor, assignee, doc, names) in enumerate(
                    CHECKLISTS[row["checklist"]]
                )
            ]
        )
