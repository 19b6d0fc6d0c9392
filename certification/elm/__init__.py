"""The EU's official European Learning Model v3 files (EUPL 1.2, see ``license``) and the check of a
credential against them.

``violations(credential)`` expands the JSON-LD with the two local contexts (no network) and
validates the graph with pyshacl against the "EDC generic full" shapes, the ELM ontology as the
ontology graph: what the EU's issuer and viewer would refuse. ``code_list(name)`` reads the
controlled vocabularies (country, language, EQF, ISCED-F, …) from the official enumerations.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CONTEXTS = {
    "https://www.w3.org/2018/credentials/v1": HERE / "credentials-v1.jsonld",
    "http://data.europa.eu/snb/model/context/edc-ap": HERE / "edc-ap-context.jsonld",
}
#: The "generic full" profile and the profile it imports (``owl:imports``): the shapes the EU checks.
SHAPES = (HERE / "EDC-generic-full.ttl", HERE / "EDC-generic-no-cv.ttl")
ONTOLOGY = HERE / "ELM.ttl"


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the node, the property path, the shape's constraint and its message."""

    focus: str
    path: str
    shape: str
    message: str

    def __str__(self) -> str:
        return f"{self.focus} {self.path}: {self.message} [{self.shape}]"


@cache
def _context(url: str) -> Any:
    return json.loads(CONTEXTS[url].read_text(encoding="utf-8"))["@context"]


@cache
def _graphs():
    from rdflib import Graph

    shapes = Graph()
    for path in SHAPES:
        shapes.parse(path, format="turtle")
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    return shapes, ontology


def expand(credential: dict[str, Any]):
    """The credential as an RDF graph, its contexts read from the local copies (never fetched)."""
    from rdflib import Graph

    document = copy.deepcopy(credential)
    document.pop("proof", None)
    contexts = document.get("@context") or []
    if isinstance(contexts, str):
        contexts = [contexts]
    document["@context"] = [_context(c) if isinstance(c, str) else c for c in contexts]
    return Graph().parse(data=json.dumps(document), format="json-ld")


def _short(node: Any) -> str:
    text = str(node)
    for prefix, short in (
        ("http://data.europa.eu/snb/model/elm/", "elm:"),
        ("http://www.w3.org/ns/shacl#", "sh:"),
        ("http://data.europa.eu/snb/model/ap/edc-generic-no-cv/", "edc:"),
        ("http://data.europa.eu/snb/model/ap/edc-generic-full/", "edc-full:"),
        ("http://purl.org/dc/terms/", "dc:"),
        ("https://www.w3.org/2018/credentials#", "cred:"),
        ("http://www.w3.org/2004/02/skos/core#", "skos:"),
        ("http://www.w3.org/ns/adms#", "adms:"),
        ("http://xmlns.com/foaf/0.1/", "foaf:"),
    ):
        text = text.replace(prefix, short)
    return text


def violations(credential: dict[str, Any]) -> list[Violation]:
    """What the official shapes reject in ``credential`` (empty when it conforms)."""
    from pyshacl import validate
    from rdflib import Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    shapes, ontology = _graphs()
    _conforms, report, _text = validate(
        expand(credential),
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="rdfs",  # a LearningActivity is a Claim: the Claim shapes apply to it
        advanced=True,
        allow_warnings=True,
    )
    found = []
    for result in report.objects(None, sh.result):  # top-level results (details hang below them)
        if report.value(result, sh.resultSeverity) != sh.Violation:
            continue
        found.append(
            Violation(
                focus=_short(report.value(result, sh.focusNode)),
                path=_short(report.value(result, sh.resultPath) or ""),
                shape=_short(report.value(result, sh.sourceShape)),
                message=str(report.value(result, sh.resultMessage) or ""),
            )
        )
    return sorted(found, key=str)


@cache
def code_list(name: str) -> dict[str, str]:
    """An official controlled vocabulary: ``{concept URI: English label}`` (``code-lists/NAME.xsd``)."""
    text = (HERE / "code-lists" / f"{name}.xsd").read_text(encoding="utf-8")
    pattern = re.compile(
        r'<xs:enumeration value="([^"]+)">\s*<xs:annotation>\s*<xs:documentation(?:/>|>([^<]*)</xs:documentation>)',
        re.S,
    )
    return {uri: " ".join((label or "").split()) for uri, label in pattern.findall(text)}
