"""The frameworks shipped with the portal, one per target kind (version 1).

Written for this portal from the 2015 decree's external/internal split, the civic pilot's
three external criteria (local problem solving, openness, respect for rights and the law) and
the PEEL habit of a published question with "what good looks like" for each criterion.
Loaded by a data migration; `frameworks_load()` reloads them after a test flush.
"""

EXT, INT = "external", "internal"

# code: (question, what good looks like, track, evidence expected, weight, graded)
CRITERIA = {
    "openness": (
        "How open is the unit to the public?",
        "The head and officers meet residents regularly, take part in the platform's meetings, "
        "publish their contacts, plans and figures, and answer requests for information in time.",
        EXT,
        "Meeting attendance, published contacts and reports, answers to information requests.",
        3,
        True,
    ),
    "responsiveness": (
        "How well does the unit respond to the platform's proposals?",
        "Every proposal addressed to the unit gets a reasoned answer before its deadline; "
        "accepted proposals are carried out and reported back.",
        EXT,
        "The unit's record on proposals (answer rate, days to answer, overdue), the answers.",
        3,
        True,
    ),
    "problem_solving": (
        "Does the unit solve local security problems together with the community?",
        "Problems raised by residents are analysed with them, joint measures agreed with local "
        "self-government, and results checked; repeat problems decline.",
        EXT,
        "Problem records of the forum, meeting notes, before-and-after figures.",
        3,
        True,
    ),
    "rights": (
        "Does the unit respect rights and the law?",
        "Detentions, searches and questioning follow the law; no reports of ill-treatment, "
        "extortion or unlawful detention; complaints are investigated openly.",
        EXT,
        "Reports of NGOs and the ombudsman, complaints, residents' accounts.",
        3,
        True,
    ),
    "fairness": (
        "Does the unit treat everyone fairly?",
        "Women, young people, ethnic minorities and migrants are treated as others are; "
        "services are in Kyrgyz and Russian, and in Uzbek where needed.",
        EXT,
        "Poll results by group where large enough, NGO observations.",
        2,
        True,
    ),
    "visibility": (
        "Are the police visible and patrolling where and when residents need them?",
        "Patrols cover the places and hours residents name as unsafe (schools, bazaars, bus "
        "stops after dark); the neighbourhood inspector keeps published office hours.",
        EXT,
        "Patrol schedules, residents' observations, poll: relied on to be there when needed.",
        2,
        True,
    ),
    "youth": (
        "How well does the unit work with young people?",
        "Juvenile inspectors work with schools, parents and youth committees on prevention; "
        "racket and violence in schools are answered quickly and without stigma.",
        EXT,
        "School and youth committee accounts, prevention activities, cases handled.",
        2,
        True,
    ),
    "domestic_violence": (
        "How does the unit handle domestic violence?",
        "Calls are answered, protection orders issued and enforced, victims referred to crisis "
        "centres; no pressure to reconcile.",
        EXT,
        "Crisis centre and women's council accounts, protection orders issued.",
        2,
        True,
    ),
    "integrity": (
        "Do residents and partners trust the unit's integrity?",
        "No bribes asked for services; gifts and conflicts of interest declared; misconduct "
        "reported and dealt with.",
        EXT,
        "Poll results, complaints, NGO monitoring.",
        2,
        True,
    ),
    "complaints": (
        "Complaints against officers and their outcome (official data)",
        "Every complaint is registered, investigated within the legal time and its outcome "
        "published in figures.",
        INT,
        "The unit's complaint register for the period: received, upheld, sanctions.",
        2,
        True,
    ),
    "call_response": (
        "Time to attend emergency calls (official data)",
        "Calls are attended within the norm in town and village alike.",
        INT,
        "Dispatch records for the period: median and 90th percentile minutes.",
        2,
        True,
    ),
    "transparency_data": (
        "Publication of structure, staff, budget and staff assessment system",
        "The unit's structure, staff numbers by service, budget lines and staff assessment "
        "system are public, sourced and dated on its profile.",
        INT,
        "The unit's profile on this portal.",
        1,
        True,
    ),
    "caseload": (
        "The inspector's caseload and preventive work (official data)",
        "Residents per inspector within the norm; preventive visits and registered families "
        "followed up.",
        INT,
        "Register of the local department.",
        1,
        False,
    ),
}

FRAMEWORKS = {
    "ministry": (
        "Assessment of the Ministry of Internal Affairs",
        [
            "openness",
            "responsiveness",
            "rights",
            "fairness",
            "integrity",
            "domestic_violence",
            "complaints",
            "transparency_data",
        ],
    ),
    "territorial": (
        "Assessment of a territorial police unit",
        [
            "openness",
            "responsiveness",
            "problem_solving",
            "rights",
            "fairness",
            "visibility",
            "domestic_violence",
            "integrity",
            "complaints",
            "call_response",
            "transparency_data",
        ],
    ),
    "local": (
        "Assessment of a local police department",
        [
            "openness",
            "responsiveness",
            "problem_solving",
            "rights",
            "fairness",
            "visibility",
            "youth",
            "domestic_violence",
            "integrity",
            "complaints",
            "call_response",
        ],
    ),
    "neighbourhood": (
        "Assessment of a neighbourhood inspector",
        [
            "openness",
            "problem_solving",
            "rights",
            "fairness",
            "visibility",
            "domestic_violence",
            "integrity",
            "caseload",
        ],
    ),
    "juvenile": (
        "Assessment of a juvenile inspector",
        ["openness", "youth", "problem_solving", "rights", "fairness", "integrity", "caseload"],
    ),
}


def frameworks_load(framework_model=None, criterion_model=None) -> int:
    """Create version 1 of every shipped framework that is missing; returns how many."""
    if framework_model is None:
        from assessments.models import Criterion, Framework

        framework_model, criterion_model = Framework, Criterion
    created = 0
    for kind, (title, codes) in FRAMEWORKS.items():
        framework, new = framework_model.objects.get_or_create(
            target_kind=kind, version=1, defaults={"title": title}
        )
        if not new:
            continue
        created += 1
        for position, code in enumerate(codes, start=1):
            question, guidance, track, evidence, weight, graded = CRITERIA[code]
            criterion_model.objects.create(
                framework=framework,
                position=position,
                code=code,
                question=question,
                guidance=guidance,
                track=track,
                evidence_expected=evidence,
                weight=weight,
                graded=graded,
            )
    return created
