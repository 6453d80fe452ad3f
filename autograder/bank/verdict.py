"""An item's verdict: its cases' results, its score, and the text a student or instructor reads."""
from dataclasses import dataclass, field


@dataclass
class Verdict:
    """The result of one graded item.

    error: why no case could run (not implemented, import failed, timeout, crash), else None.
    gradcheck: output name -> relative error between the student's analytic gradient and a numeric
        gradient of the student's own forward (diagnostic only; not scored).
    """
    id: str
    name: str
    points: float
    cases: list = field(default_factory=list)
    error: str = None
    gradcheck: dict = field(default_factory=dict)
    fixed_score: float = None  # set by items scored on a scale (a saved model's accuracy), not by cases


    @property
    def passed_cases(self):
        return sum(c.passed for c in self.cases)

    @property
    def total_cases(self):
        return len(self.cases)

    @property
    def score(self):
        if self.fixed_score is not None:
            return self.fixed_score
        if not self.cases:
            return 0.0
        return round(self.points * self.passed_cases / self.total_cases, 2)

    @property
    def status(self):
        return "passed" if self.cases and self.passed_cases == self.total_cases else "failed"

    def collapse_common_error(self):
        """When every case failed for one and the same reason (not implemented, an import error, a timeout),
        state it once as the item's error instead of once per case. Returns self."""
        reasons = {tuple(c.problems) for c in self.cases}
        if self.cases and not any(c.passed for c in self.cases) and len(reasons) == 1 and len(reasons.pop()) == 1:
            self.error = self.cases[0].problems[0]
            self.cases = [type(c)(c.case, False, c.hidden) for c in self.cases]
        return self

    def text(self):
        """Human-readable verdict: a headline, then one line per problem, hint and note."""
        word = "PASS" if self.status == "passed" else "FAIL"
        public = [c for c in self.cases if not c.hidden]
        hidden = [c for c in self.cases if c.hidden]
        counts = f"{sum(c.passed for c in public)} of {len(public)} public cases pass"
        if self.fixed_score is not None:
            counts = self.cases[0].case if self.cases else "scored on a scale"
        if hidden:
            counts += f", {sum(c.passed for c in hidden)} of {len(hidden)} hidden"
        lines = [f"{self.name}  {word}  {counts}  ({self.score:g} / {self.points:g} points)"]
        if self.error:
            lines.append(f"  {self.error}")
        for c in self.cases:
            label = f'hidden case "{c.case}"' if c.hidden else f'case "{c.case}"'
            if not c.passed and c.problems:
                # Hidden cases report the verdict and the mistake, never values or positions.
                detail = "; ".join(p.split(",")[0] for p in c.problems) if c.hidden else "; ".join(c.problems)
                lines.append(f"  {label}: {detail}")
            if c.hint and not c.passed:
                lines.append(f"    likely mistake: {c.hint}")
            for note in c.notes:
                lines.append(f"    note: {note}")
        for name, err in self.gradcheck.items():
            ok = "ok" if err < 1e-6 else "your backward does not match your forward" if err > 1e-3 else "borderline"
            lines.append(f"  numeric gradient check: {name} relative error {err:.1e} ({ok})")
        return "\n".join(lines)
