"""Who may do what: one row per action, the actors it allows. The matrix test reads it and
`manage.py permissions_doc` renders it into docs/permissions.md, so the table, the tests and the
documentation cannot drift apart.

Each row names the URL it goes through (the route name); the test module keeps, per row, how to
build the URL, the posted data and the probe that tells whether anything changed.
"""

from dataclasses import dataclass

# (key, label in the document)
ACTORS = [
    ("anonymous", "Anonymous visitor"),
    ("citizen", "Registered citizen (no role)"),
    ("member", "Member"),
    ("secretariat", "Secretariat (in term)"),
    ("secretariat_past", "Secretariat (term ended)"),
    ("coordinator", "Thematic group coordinator"),
    ("liaison", "Police liaison of the addressed unit"),
    ("liaison_other", "Police liaison of another unit"),
    ("unit_head", "Head of the addressed unit"),
    ("admin", "Platform admin (this platform)"),
    ("admin_other", "Platform admin (another platform)"),
    ("sysadmin", "System administrator"),
]
ACTOR_KEYS = [key for key, _ in ACTORS]

SIGNED_IN = frozenset(ACTOR_KEYS) - {"anonymous"}
# who holds a current membership of the forum
MEMBERS = frozenset({"member", "secretariat", "secretariat_past", "coordinator", "admin"})
SECRETARIAT = frozenset({"secretariat", "sysadmin"})
ADMINS = frozenset({"admin", "sysadmin"})
# members take part; a system administrator holds every platform permission
PARTICIPANTS = MEMBERS | {"sysadmin"}
POLICE = frozenset({"liaison", "unit_head", "sysadmin"})


@dataclass(frozen=True)
class Row:
    key: str
    app: str
    kind: str  # the object kind, e.g. "proposal"
    action: str  # what is done, in a few words
    url: str  # the route name ("namespace:name") it goes through
    allowed: frozenset
    note: str = ""


def row(key, app, kind, action, url, allowed, note=""):
    return Row(key, app, kind, action, url, frozenset(allowed), note)


TABLE = [
    # accounts: self-service, the signed-in person's own data
    row("profile", "accounts", "profile", "edit own profile", "accounts:profile", SIGNED_IN),
    row(
        "notification_settings",
        "accounts",
        "notifications",
        "change own notification settings",
        "accounts:notification_settings",
        SIGNED_IN,
    ),
    row(
        "notifications_read",
        "accounts",
        "notifications",
        "mark own notifications read",
        "accounts:notifications_read",
        SIGNED_IN,
    ),
    row(
        "account_delete",
        "accounts",
        "account",
        "delete own account (contributions stay, as a former member)",
        "accounts:privacy",
        SIGNED_IN,
    ),
    # platforms
    row(
        "forum_register",
        "platforms",
        "platform",
        "start a community forum registration",
        "platforms:register",
        SIGNED_IN,
    ),
    row(
        "forum_register_step",
        "platforms",
        "platform",
        "edit a draft registration",
        "platforms:register_step",
        {"citizen"},
        "the citizen is the draft's initiator",
    ),
    row(
        "forum_register_remove_contact",
        "platforms",
        "platform",
        "remove an invited contact from a draft registration",
        "platforms:register_remove_contact",
        {"citizen"},
        "the citizen is the draft's initiator",
    ),
    row(
        "forum_invitation",
        "platforms",
        "platform",
        "answer an invitation to a registration",
        "platforms:invitation",
        {"liaison_other"},
        "only the holder of the invited e-mail address (here the other unit's liaison)",
    ),
    row(
        "forum_answer",
        "platforms",
        "platform",
        "acknowledge a submitted registration (LSG, police)",
        "platforms:answer",
        {"liaison", "unit_head", "admin"},
        "police and local self-government of the forum's territory (the admin here is LSG)",
    ),
    row(
        "join",
        "platforms",
        "membership",
        "ask to join",
        "platforms:join",
        SIGNED_IN - MEMBERS,
    ),
    row("leave", "platforms", "membership", "leave", "platforms:leave", MEMBERS),
    row(
        "request_approve",
        "platforms",
        "membership",
        "approve a join request",
        "platforms:requests",
        {"secretariat", "admin", "sysadmin"},
    ),
    row(
        "delegate_name",
        "platforms",
        "delegate",
        "name a delegate to the parent platform",
        "platforms:delegates",
        SECRETARIAT,
    ),
    row(
        "group_new",
        "platforms",
        "thematic group",
        "create a thematic group",
        "platforms:group_new",
        {"secretariat", "admin", "sysadmin"},
    ),
    row(
        "group_join",
        "platforms",
        "thematic group",
        "join a thematic group",
        "platforms:group",
        MEMBERS - {"coordinator"},
        "the coordinator already belongs to it",
    ),
    row(
        "group_coordinator",
        "platforms",
        "thematic group",
        "name the coordinator",
        "platforms:group",
        {"secretariat", "admin", "sysadmin"},
    ),
    row(
        "rules_set",
        "platforms",
        "decision rule",
        "set a decision rule",
        "platforms:rules",
        {"secretariat", "admin", "sysadmin"},
    ),
    row(
        "decision_new",
        "platforms",
        "decision",
        "open a decision",
        "platforms:decision_new",
        SECRETARIAT,
    ),
    row(
        "decision_vote",
        "platforms",
        "decision",
        "vote",
        "platforms:decision",
        MEMBERS | {"sysadmin"},
    ),
    row(
        "decision_close",
        "platforms",
        "decision",
        "close a vote",
        "platforms:decision",
        SECRETARIAT,
    ),
    # forums: proposals
    row(
        "proposal_new",
        "forums",
        "proposal",
        "submit (members) or raise (residents)",
        "forums:proposal_new",
        SIGNED_IN,
        "a verified resident who is not a member raises it for screening",
    ),
    row(
        "proposal_record",
        "forums",
        "proposal",
        "record for a citizen",
        "forums:proposal_record",
        SECRETARIAT,
    ),
    row(
        "proposal_edit",
        "forums",
        "proposal",
        "edit own draft",
        "forums:proposal_edit",
        {"member"},
        "the member is the draft's author",
    ),
    row("proposal_support", "forums", "proposal", "support", "forums:proposal", SIGNED_IN),
    row("proposal_comment", "forums", "proposal", "comment", "forums:proposal", PARTICIPANTS),
    row(
        "proposal_hide_comment",
        "forums",
        "proposal",
        "hide a comment",
        "forums:proposal",
        SECRETARIAT,
    ),
    row(
        "proposal_screen",
        "forums",
        "proposal",
        "screen a resident's problem in",
        "forums:proposal",
        SECRETARIAT,
    ),
    row(
        "proposal_agenda",
        "forums",
        "proposal",
        "put on a meeting's agenda",
        "forums:proposal",
        SECRETARIAT,
    ),
    row("proposal_vote", "forums", "proposal", "open a vote on it", "forums:proposal", SECRETARIAT),
    row(
        "proposal_escalate",
        "forums",
        "proposal",
        "escalate an adopted proposal",
        "forums:proposal",
        SECRETARIAT,
    ),
    row(
        "proposal_register",
        "forums",
        "proposal",
        "register an escalated proposal upward",
        "forums:proposal",
        {"sysadmin"},
        "only the secretariat of the council it was escalated to, none of these actors",
    ),
    row(
        "proposal_resolve",
        "forums",
        "proposal",
        "close as resolved",
        "forums:proposal",
        SECRETARIAT,
    ),
    row(
        "proposal_withdraw",
        "forums",
        "proposal",
        "withdraw",
        "forums:proposal",
        SECRETARIAT | {"member"},
        "the member is the author",
    ),
    row(
        "proposal_merge",
        "forums",
        "proposal",
        "merge into a duplicate",
        "forums:proposal",
        SECRETARIAT,
    ),
    row(
        "proposal_assign",
        "forums",
        "proposal",
        "assign a liaison officer",
        "forums:proposal",
        {"unit_head"},
        "the head of the addressed unit (or of a unit above it), not a system administrator",
    ),
    row(
        "respond",
        "forums",
        "police response",
        "answer for the addressed unit",
        "forums:respond",
        POLICE,
    ),
    row(
        "response_publish",
        "forums",
        "police response",
        "publish a draft answer",
        "forums:response_publish",
        {"liaison"},
        "the draft is the liaison's own",
    ),
    row(
        "answer_templates",
        "forums",
        "answer template",
        "write the unit's templates",
        "forums:answer_templates",
        {"unit_head"},
    ),
    # forums: meetings
    row("meeting_new", "forums", "meeting", "schedule", "forums:meeting_new", SECRETARIAT),
    row("meeting_edit", "forums", "meeting", "change", "forums:meeting_edit", SECRETARIAT),
    row(
        "meeting_item",
        "forums",
        "meeting",
        "add an agenda item, minutes, files",
        "forums:meeting",
        SECRETARIAT,
    ),
    # forums: SARA problems
    row("problem_new", "forums", "SARA problem", "record", "forums:problem_new", PARTICIPANTS),
    row(
        "problem_edit",
        "forums",
        "SARA problem",
        "fill in a stage",
        "forums:problem_edit",
        PARTICIPANTS,
    ),
    row(
        "problem_raise",
        "forums",
        "SARA problem",
        "raise a proposal from it",
        "forums:problem",
        PARTICIPANTS,
    ),
    row(
        "problem_publish",
        "forums",
        "SARA problem",
        "publish as a case study",
        "forums:problem_publish",
        SECRETARIAT,
    ),
    row(
        "exchange_new",
        "forums",
        "exchange",
        "invite other forums",
        "forums:exchange_new",
        SECRETARIAT,
    ),
    row(
        "exchange_answer",
        "forums",
        "exchange",
        "accept or decline an invitation (naming participants)",
        "forums:exchange",
        SECRETARIAT,
        "the secretariat of the invited forum (here the forum is invited by another one)",
    ),
    row(
        "exchange_outcome",
        "forums",
        "exchange",
        "publish the outcome of a held exchange",
        "forums:exchange",
        SECRETARIAT,
        "the host forum's secretariat, once the meeting has taken place",
    ),
    row(
        "practice_adopt",
        "forums",
        "library of practice",
        "link one's open problem to another forum's practice",
        "forums:practice",
        MEMBERS,
        "the page offers only the open problems of forums one is a current member of, so a"
        " system administrator (no membership) has nothing to link although the service would"
        " let them",
    ),
    row(
        "problem_review",
        "forums",
        "SARA problem",
        "review a forum's problem record (scores, feedback)",
        "forums:problem_review",
        {"sysadmin"},
        "only the secretariat of a council above the forum, none of these actors (the forum's"
        " own secretariat does not review its own problems); the roles description in"
        " architecture.md does not list this action",
    ),
    # assessments
    row(
        "round_new",
        "assessments",
        "assessment round",
        "open a round",
        "assessments:round_new",
        SECRETARIAT,
    ),
    row(
        "round_open",
        "assessments",
        "assessment round",
        "move a round on (open, score, publish)",
        "assessments:round",
        SECRETARIAT,
    ),
    row(
        "poll_answer",
        "assessments",
        "citizen poll",
        "answer the poll (once, anonymously)",
        "assessments:poll",
        {"member", "citizen"},
        "verified residents of the forum's territory: here the member and the citizen",
    ),
    row(
        "unit_profile",
        "assessments",
        "police unit profile",
        "add an official figure",
        "assessments:profile_edit",
        POLICE,
    ),
    row(
        "subject_score",
        "assessments",
        "assessed unit",
        "grade a criterion (scoring stage)",
        "assessments:subject",
        PARTICIPANTS,
        "current members who are neither police members of the forum nor officers of the unit"
        " or a unit above it; the past secretariat still scores as a member",
    ),
    row(
        "subject_moderate",
        "assessments",
        "assessed unit",
        "set the moderated grade (scoring stage)",
        "assessments:subject",
        SECRETARIAT,
    ),
    row(
        "subject_finding",
        "assessments",
        "assessed unit",
        "record a finding (scoring or reply stage)",
        "assessments:subject",
        SECRETARIAT,
    ),
    row(
        "subject_recommend",
        "assessments",
        "assessed unit",
        "make a recommendation (scoring or reply stage)",
        "assessments:subject",
        SECRETARIAT,
    ),
    row(
        "subject_reply",
        "assessments",
        "assessed unit",
        "write the unit's reply (reply stage)",
        "assessments:subject",
        POLICE,
        "the unit's officers or those of a unit above it (the head included)",
    ),
    row(
        "recommendation_respond",
        "assessments",
        "recommendation",
        "answer for the unit (reply stage or published)",
        "assessments:recommendation",
        POLICE,
    ),
    row(
        "recommendation_follow",
        "assessments",
        "recommendation",
        "record the follow-up status (published round)",
        "assessments:recommendation",
        SECRETARIAT,
    ),
    # reporting
    row(
        "report_new",
        "reporting",
        "annual report",
        "start a report",
        "reporting:report_new",
        SECRETARIAT,
    ),
    row(
        "report_manage",
        "reporting",
        "annual report",
        "write, generate, publish",
        "reporting:report_manage",
        SECRETARIAT,
    ),
    row(
        "plan_new", "reporting", "strategic plan", "start a plan", "reporting:plan_new", SECRETARIAT
    ),
    row(
        "plan_add_action",
        "reporting",
        "strategic plan",
        "add an action",
        "reporting:plan",
        SECRETARIAT,
    ),
    row(
        "plan_progress",
        "reporting",
        "strategic plan",
        "record progress on an action",
        "reporting:plan_action_progress",
        SECRETARIAT,
    ),
    row(
        "report_correct",
        "reporting",
        "annual report",
        "publish a correction",
        "reporting:report_correct",
        SECRETARIAT,
    ),
]


def rows_by_key() -> dict[str, Row]:
    return {r.key: r for r in TABLE}


def render_markdown() -> str:
    """docs/permissions.md: one grid per app, actors across, actions down."""
    lines = [
        "# Who may do what",
        "",
        "Generated by `manage.py permissions_doc` from `tests/support/permissions_table.py`;"
        " `tests/test_permissions_matrix.py` checks every cell through the real URLs (GET and"
        " POST), and fails when this file differs from what the table renders. Do not edit by"
        " hand.",
        "",
        "✓ allowed, ✗ refused (403, 404, a redirect to sign in, or a message with nothing"
        " changed).",
        "",
        "Actors:",
        "",
    ]
    short = {key: f"A{i}" for i, (key, _) in enumerate(ACTORS, start=1)}
    lines += [f"- **{short[key]}**: {label}" for key, label in ACTORS]
    lines.append("")
    apps = []
    for r in TABLE:
        if r.app not in apps:
            apps.append(r.app)
    for app in apps:
        lines += [f"## {app}", ""]
        header = "| object | action | " + " | ".join(short[k] for k in ACTOR_KEYS) + " | URL |"
        lines.append(header)
        lines.append("|" + "---|" * (len(ACTOR_KEYS) + 3))
        notes = []
        for r in TABLE:
            if r.app != app:
                continue
            cells = " | ".join("✓" if k in r.allowed else "✗" for k in ACTOR_KEYS)
            action = r.action + (f" ({len(notes) + 1})" if r.note else "")
            lines.append(f"| {r.kind} | {action} | {cells} | `{r.url}` |")
            if r.note:
                notes.append(r.note)
        lines.append("")
        lines += [f"({i}) {n}  " for i, n in enumerate(notes, start=1)]
        if notes:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
