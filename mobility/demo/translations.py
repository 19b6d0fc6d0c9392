"""The demo's learning agreements translated for German and Spanish host tutors: what a referent types
on the translation page (fictional texts). Outcomes not listed here stay in French, as a referent
who has not finished would leave them."""

from __future__ import annotations

from mobility.agreements import services as agreements_services
from mobility.agreements.models import LearningAgreement
from mobility.mobilities.models import Mobility
from partners.accounts.models import User

#: The fixed texts of the demo's agreements (see ``placements._agreement_and_signatures``), per language.
TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "tasks": "Vorbereitung des Arbeitsplatzes nach den Gewohnheiten des Gastbetriebs.\n"
        "Mitarbeit in der täglichen Produktion an der Seite des Betreuers.\n"
        "Reinigen und Aufräumen am Ende des Tages nach dem Hygieneplan.",
        "working_schedule": "Montag bis Freitag, nach den Arbeitszeiten des Betriebs",
        "assessor": "{tutor}, Betreuer im Aufnahmebetrieb",
        "assessment_timing": "Letzte Woche des Praktikums",
        "recognition_arrangements": "Die im Ausland bewerteten Einheiten werden vom Prüfungsausschuss des "
        "Ausbildungszentrums anhand des unterzeichneten Bewertungsrasters berücksichtigt.",
    },
    "es": {
        "tasks": "Preparación del puesto de trabajo según las costumbres de la empresa de acogida.\n"
        "Participación en la producción diaria junto al tutor.\n"
        "Limpieza y orden al final de la jornada según el plan de higiene.",
        "working_schedule": "de lunes a viernes, en el horario de la empresa",
        "assessor": "{tutor}, tutor de acogida",
        "assessment_timing": "Última semana de las prácticas",
        "recognition_arrangements": "El tribunal del centro de formación tiene en cuenta las unidades evaluadas "
        "en el extranjero a la vista de la tabla de evaluación firmada.",
    },
}

#: The bakers' outcomes (CAP Boulanger), per language; other trades' outcomes stay in French.
OUTCOMES: dict[str, dict[str, str]] = {
    "de": {
        "Réceptionne et range les matières premières en respectant la chaîne du froid": "Nimmt Rohstoffe an und "
        "lagert sie unter Einhaltung der Kühlkette",
        "Pèse et prépare les ingrédients d'une fournée à partir de la fiche technique": "Wiegt und bereitet die "
        "Zutaten eines Backgangs nach dem technischen Datenblatt vor",
        "Réalise une pâte levée en respectant la recette et les règles d'hygiène de l'entreprise d'accueil": "Stellt "
        "einen Hefeteig nach Rezept und Hygieneregeln des Gastbetriebs her",
        "Façonne des pains réguliers aux formes de la boulangerie d'accueil": "Formt gleichmäßige Brote in den "
        "Formen der Gastbäckerei",
        "Conduit la cuisson d'une fournée en contrôlant la coloration et le développement": "Führt das Backen "
        "eines Backgangs durch und kontrolliert Bräunung und Volumen",
    },
    "es": {
        "Réceptionne et range les matières premières en respectant la chaîne du froid": "Recibe y almacena las "
        "materias primas respetando la cadena de frío",
        "Pèse et prépare les ingrédients d'une fournée à partir de la fiche technique": "Pesa y prepara los "
        "ingredientes de una hornada a partir de la ficha técnica",
        "Réalise une pâte levée en respectant la recette et les règles d'hygiène de l'entreprise d'accueil": "Elabora "
        "una masa fermentada respetando la receta y las normas de higiene de la empresa de acogida",
        "Façonne des pains réguliers aux formes de la boulangerie d'accueil": "Forma panes regulares con las "
        "formas de la panadería de acogida",
        "Conduit la cuisson d'une fournée en contrôlant la coloration et le développement": "Dirige la cocción de "
        "una hornada controlando el color y el desarrollo",
    },
}


def agreement_translate_for_host(*, agreement: LearningAgreement, mobility: Mobility, referent: User) -> None:
    """Translates the agreement into the host tutor's German or Spanish, as a referent would."""
    language = agreement.placement_language
    if language not in TEXTS:
        return
    guide = mobility.activity_type.guidance_in(language)
    tutor = mobility.host_tutor.full_name if mobility.host_tutor_id else ""
    texts = {
        **{name: text.format(tutor=tutor) for name, text in TEXTS[language].items()},
        "objectives": guide.get("objectives", ""),
        "assessment_method": guide.get("assessment", ""),
    }
    if not tutor:
        texts.pop("assessor")
    agreements_services.agreement_translation_save(
        agreement=agreement,
        language=language,
        texts=texts,
        outcomes=[OUTCOMES[language].get(o.description, "") for o in agreement.outcomes.all()],
        acting_user=referent,
    )
