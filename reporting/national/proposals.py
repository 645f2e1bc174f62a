"""Proposals walked through the state machine (forums.transitions) over ten years: timelines,
escalations registered up the tree with their numbers, police and local self-government
answers (the answered-at fields follow the first published answer of each party), comments."""

from datetime import timedelta

from forums.models import (
    Category,
    Comment,
    Escalation,
    PoliceResponse,
    Proposal,
    ProposalEvent,
)
from reporting.national import words
from reporting.national.base import YEARS, fill, language_of, skewed_ago, text

STATUSES = (
    ("acknowledged", 25), ("evaluating", 10), ("accepted", 15), ("partial", 8), ("declined", 6),
    ("not_competent", 4), ("in_progress", 17), ("implemented", 15),
)  # fmt: skip


class Walk:
    """One proposal's life: events appended in time order, stopped at the present."""

    def __init__(self, gen, pid, origin, t):
        self.gen, self.pid, self.platform, self.t = gen, pid, origin, t
        self.state, self.events, self.stopped = "draft", [], False

    def step(self, days_min, days_max) -> bool:
        t = self.t + timedelta(days=self.gen.rng.uniform(days_min, days_max))
        if t >= self.gen.now:
            self.stopped = True
            return False
        self.t = t
        return True

    def event(self, kind, new=None, actor=None, role="secretariat", note="", platform=None):
        old = self.state if new is not None and new != self.state else ""
        if new is not None:
            self.state = new
        self.events.append(
            (kind, old, self.state, (platform or self.platform).id, actor, role, note, self.t)
        )


class ProposalGenerator:
    def __init__(self, ctx, nation):
        self.ctx, self.nation = ctx, nation
        self.rng, self.now, w = ctx.rng("proposals"), ctx.now, ctx.writer
        self.proposals = w.table(
            Proposal,
            ["id", "title", "body", "category", "origin_id", "platform_id", "group_id",
             "police_unit_id", "lsg_territory_id", "author_id", "on_behalf_of", "recorded_by_id",
             "place", "protect_author", "state", "decision_id", "duplicate_of_id",
             "assigned_officer_id", "created_at", "submitted_at", "response_due",
             "first_response_at", "police_answered_at", "lsg_answered_at", "reminded_at",
             "overdue_marked_at"],
        )  # fmt: skip
        self.events = w.table(
            ProposalEvent,
            ["id", "proposal_id", "kind", "old_state", "new_state", "platform_id", "actor_id",
             "actor_role", "note", "at"],
        )  # fmt: skip
        self.escalations = w.table(
            Escalation,
            ["id", "proposal_id", "from_platform_id", "to_platform_id", "note", "escalated_by_id",
             "escalated_at", "status", "year", "sequence", "registered_by_id", "decided_at",
             "return_reason", "number"],
        )  # fmt: skip
        self.responses = w.table(
            PoliceResponse,
            ["id", "proposal_id", "responder", "unit_id", "author_id", "status", "text",
             "referral", "next_due", "published_at", "created_at"],
        )  # fmt: skip
        self.comments = w.table(
            Comment,
            ["id", "proposal_id", "author_id", "body", "created_at", "hidden_at", "hidden_by_id",
             "hidden_reason"],
        )  # fmt: skip
        self.parents = {p.id: p for p in [nation.national, *nation.councils]}
        self.sequence: dict[tuple[int, int], int] = {}
        self.last_at: dict[int, int] = {}
        # response budget: the share of submitted proposals that get answers
        self.answer_rate = min(
            0.95, ctx.sizes["responses"] / max(1, ctx.sizes["proposals"]) / 0.97 / 1.5
        )

    def secretary(self, platform):
        return self.rng.choice(self.nation.secretariat.get(platform.id) or self.nation.users)

    def run(self) -> None:
        rng, nation, sizes = self.rng, self.nation, self.ctx.sizes
        forums = [f for f in nation.forums if f.status == "active"] or nation.forums
        weights = [len(nation.members.get(f.id, ())) + 5 for f in forums]
        councils = nation.councils
        long_ones = set(rng.sample(range(sizes["proposals"]), min(sizes["long_timelines"],
                                                                   sizes["proposals"])))  # fmt: skip
        for i in range(sizes["proposals"]):
            if rng.random() < 0.9:
                origin = rng.choices(forums, weights)[0]
            else:
                origin = rng.choice(councils)
            self.one(origin, long=i in long_ones)

    def one(self, origin, *, long: bool) -> None:
        rng, nation, now = self.rng, self.nation, self.now
        pid = self.proposals.new_id()
        start = now - timedelta(days=skewed_ago(rng, 365 * YEARS) + 1)
        if long:
            start = now - timedelta(days=rng.uniform(900, 1800))
        walk = Walk(self, pid, origin, start)
        lang = language_of(origin.code, rng)
        title = fill(rng.choice(words.TITLES[lang]), rng)
        body = text(rng, lang, rng.randint(2, 5))
        members = nation.members.get(origin.id) or nation.users
        author = rng.choice(members)
        protect = rng.random() < 0.08
        on_behalf, recorded = "", None
        if rng.random() < 0.05:  # recorded on paper by the secretariat
            on_behalf = rng.choice(
                ("", f"{rng.choice(words.FIRST_NAMES[lang])} {rng.choice(words.LAST_NAMES[lang])}")
            )
            recorded, author = self.secretary(origin), None
        unit = nation.unit_of_forum.get(origin.id) or nation.district_unit_of_council.get(origin.id)
        if rng.random() < 0.1:
            unit = None
        lsg = origin.territory_id if rng.random() < 0.3 else None
        category = rng.choice(Category.values)
        role = "author" if author else "secretariat"
        walk.event("created", "draft", author or recorded, role)
        fields = {"submitted_at": None, "response_due": None, "first": None, "police": None,
                  "lsg": None, "assigned": None, "overdue": None, "duplicate_of": None}  # fmt: skip
        r = rng.random()
        if r < 0.02 and not long:
            pass  # a draft
        elif r < 0.045 and not long:
            walk.state = "screening"
            walk.events[-1] = (*walk.events[-1][:2], "screening", *walk.events[-1][3:])
            if r < 0.03 and walk.step(1, 10):
                walk.event(
                    "closed",
                    "screened_out",
                    self.secretary(origin),
                    note="Не относится к безопасности.",
                )
        else:
            if walk.step(0, 3):
                walk.event(
                    "recorded" if recorded else "submitted", "submitted", author or recorded, role
                )
                fields["submitted_at"] = walk.t
                fields["response_due"] = walk.t.date() + timedelta(days=origin.response_days)
                self.life(walk, origin, unit, lsg, fields, long)
        if (
            fields["overdue"] is None
            and fields["response_due"]
            and walk.state not in Proposal.INACTIVE_STATES
        ):
            if fields["police"] is None and unit and fields["response_due"] < now.date():
                walk.t = max(
                    walk.t,
                    min(
                        now - timedelta(hours=1),
                        _dt(fields["response_due"], now) + timedelta(days=1),
                    ),
                )
                walk.event("overdue", None, None, "system", note=fields["response_due"].isoformat())
                fields["overdue"] = walk.t
        walk.events.sort(key=lambda e: e[7])
        for kind, old, new, platform_id, actor, role_, note, at in walk.events:
            self.events.add(
                self.events.new_id(), pid, kind, old, new, platform_id, actor, role_, note, at
            )
        self.proposals.add(
            pid, title, body, category, origin.id, walk.platform.id, None, unit, lsg, author,
            on_behalf, recorded, fill("у {s}, {n}", rng) if rng.random() < 0.4 else "", protect,
            walk.state, None, fields["duplicate_of"], fields["assigned"], start,
            fields["submitted_at"], fields["response_due"], fields["first"], fields["police"],
            fields["lsg"], None, fields["overdue"],
        )  # fmt: skip
        if walk.state not in Proposal.PRIVATE_STATES:
            self.last_at[walk.platform.id] = pid
        n_comments = (
            rng.randint(20, 60) if long else (rng.randint(1, 3) if rng.random() < 0.05 else 0)
        )
        for _ in range(n_comments):
            at = start + (now - start) * rng.random()
            self.comments.add(self.comments.new_id(), pid, rng.choice(members),
                              text(rng, lang, 1), at, None, None, "")  # fmt: skip

    def answer(self, walk, unit, lsg, fields, lang_code):
        rng = self.rng
        responder = "lsg" if lsg and (not unit or rng.random() < 0.25) else "police"
        if responder == "police" and not unit:
            return
        status = rng.choices(*zip(*STATUSES, strict=True))[0]
        lang = language_of(lang_code, rng)
        body = rng.choice(words.RESPONSES[lang]) + " " + text(rng, lang, 1)
        author = (
            rng.choice(self.nation.officers.get(unit, []))
            if responder == "police" and self.nation.officers.get(unit)
            else self.secretary(walk.platform)
        )
        published = walk.t if rng.random() < 0.97 else None
        self.responses.add(
            self.responses.new_id(), walk.pid, responder, unit if responder == "police" else None,
            author, status, body,
            "Айыл өкмөтү" if status == "not_competent" else "", None, published,
            walk.t - timedelta(hours=rng.uniform(1, 48)),
        )  # fmt: skip
        if published:
            walk.event("response", None, author, responder, note=status)
            fields["first"] = fields["first"] or published
            key = "police" if responder == "police" else "lsg"
            fields[key] = fields[key] or published

    def life(self, walk, origin, unit, lsg, fields, long) -> None:
        rng = self.rng
        platform = origin
        responses_left = (
            rng.randint(30, 60)
            if long
            else (rng.choice((1, 1, 1, 2, 2, 3)) if rng.random() < self.answer_rate else 0)
        )
        if unit and responses_left and rng.random() < 0.5 and walk.step(1, 5):
            officer = self.nation.officers.get(unit)
            if officer:
                fields["assigned"] = rng.choice(officer)
                walk.event("assigned", None, walk.events[0][4], "police")
        rounds = 0
        while not walk.stopped:
            rounds += 1
            if responses_left and walk.step(2, 40):
                self.answer(walk, unit, lsg, fields, origin.code)
                responses_left -= 1
            if long:
                for _ in range(rng.randint(30, 50)):
                    if not walk.step(1, 8):
                        break
                    kind = rng.choice(("meeting", "response", "assigned", "meeting"))
                    if kind == "response":
                        self.answer(walk, unit, lsg, fields, origin.code)
                    else:
                        walk.event(
                            kind,
                            None,
                            self.secretary(platform),
                            "secretariat" if kind == "meeting" else "police",
                            note="Обсуждено на заседании." if kind == "meeting" else "",
                        )
            if rng.random() > (0.95 if long else 0.6) or not walk.step(3, 40):
                break
            walk.event("agenda", "on_agenda", self.secretary(platform))
            for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
                if walk.step(3, 30):
                    walk.event(
                        "meeting", None, self.secretary(platform), note="Обсуждено на заседании."
                    )
            if not walk.step(1, 20):
                break
            walk.event("vote", None, self.secretary(platform))
            if not walk.step(3, 14):
                break
            adopted = rng.random() < 0.78
            yes, no = rng.randint(5, 40), rng.randint(0, 10)
            walk.event(
                "decided",
                "adopted" if adopted else "rejected",
                None,
                "system",
                note=f"за {yes}, против {no}",
            )
            if not adopted:
                return
            parent = self.parents.get(platform.parent_id)
            if parent is None or rng.random() > (0.9 if long else 0.35) or not walk.step(1, 20):
                break
            escalator = self.secretary(platform)
            walk.event(
                "escalated", "escalated", escalator, note="Требует решения на уровне совета."
            )
            esc_id, escalated_at = self.escalations.new_id(), walk.t
            r = rng.random()
            if (r < 0.1 and not long) or not walk.step(3, 30):
                self.escalations.add(esc_id, walk.pid, platform.id, parent.id, "", escalator,
                                     escalated_at, "pending", None, None, None, None, "", "")  # fmt: skip
                return
            registrar = self.secretary(parent)
            if r < 0.18 and not long:
                walk.event(
                    "returned",
                    "adopted",
                    registrar,
                    platform=parent,
                    note="Вопрос местного уровня.",
                )
                self.escalations.add(esc_id, walk.pid, platform.id, parent.id, "", escalator,
                                     escalated_at, "returned", None, None, registrar, walk.t,
                                     "Вопрос местного уровня.", "")  # fmt: skip
                break
            year = walk.t.year
            seq = self.sequence[(parent.id, year)] = self.sequence.get((parent.id, year), 0) + 1
            code = parent.code[3:] if parent.code.startswith("KG-") else parent.code
            number = f"{code}-{year}-{seq:04d}"
            self.escalations.add(esc_id, walk.pid, platform.id, parent.id, "", escalator,
                                 escalated_at, "registered", year, seq, registrar, walk.t, "",
                                 number)  # fmt: skip
            walk.platform = platform = parent
            walk.event("registered", "registered", registrar, note=number)
        if walk.stopped or walk.state in Proposal.FINAL_STATES or walk.state == "escalated":
            return
        while responses_left and walk.step(2, 60):
            self.answer(walk, unit, lsg, fields, origin.code)
            responses_left -= 1
        r = rng.random()
        if walk.stopped or r > 0.8 or not walk.step(5, 120):
            return
        if r < 0.7:
            walk.event("closed", "resolved", self.secretary(platform))
        elif r < 0.77:
            walk.event("closed", "withdrawn", walk.events[0][4], "author")
        elif self.last_at.get(platform.id):
            fields["duplicate_of"] = self.last_at[platform.id]
            walk.event("merged", "duplicate", self.secretary(platform))


def _dt(day, now):
    return now.replace(year=day.year, month=day.month, day=day.day)


def generate(ctx, nation) -> None:
    ProposalGenerator(ctx, nation).run()
