"""An item's verdict: its cases' results, its score, and the text a student or instructor reads.

Scoring policy (README, "How points are computed"):
- every case of an item, public or hidden, carries the same share of the item's points;
- a case passes when every output has the right shape and dtype and is within the item's tolerance;
- an item whose function changed one of its inputs in place loses IN_PLACE_COST of the points its cases
  earned (once per item, however many cases did it), even when every output is right;
- a model's loss() that changes the model's parameters fails that case (the weights would be destroyed).
"""
import re
from dataclasses import dataclass, field

IN_PLACE_COST = 0.25
GRADCHECK_WRONG = 1e-3  # a relative error above this between analytic and numeric gradients: the backward is wrong
# Problem lines that say something differs without saying why.
UNNAMED = re.compile(r"( wrong, worst relative error |values are NaN/inf, first|^\S+: shape \([\d, ]*\), expected "
                     r"\([\d, ]*\)$)")


def hidden_problem(problem):
    """A problem line of a hidden case without its numbers: "dw: shape (4, 8), expected ..." -> "dw: wrong
    shape"; "db wrong, worst relative error 0.6 at [0]: ..." -> "db wrong"; lines without numbers stay."""
    if not re.search(r"\d", problem):
        return problem
    head = re.match(r"[^,:(\[]*", problem).group().strip()
    if re.match(r"^\S+: shape \(", problem):
        return f"{head}: wrong shape"
    if "values are NaN/inf" in problem:
        return f"{head}: NaN/inf values"
    if re.match(r"^\S+ is (float|int|uint|bool)\d*;", problem):
        return problem  # a dtype: no secret in it
    return head or "wrong"


def hidden_hint(hint):
    """A hint for a hidden case without the case's shapes or sizes."""
    hint = re.sub(r"\(\d+(?:, \d+)*,?\)", "(...)", hint)
    return re.sub(r"\bN = \d+ ", "N ", hint)


@dataclass
class Verdict:
    """The result of one graded item.

    error: why no case could run (not implemented, import failed, timeout, crash), else None.
    gradcheck: output name -> relative error between the student's analytic gradient and a numeric
        gradient of the student's own forward (diagnostic only; not scored).
    pending: hidden cases that were not run here (check() runs public cases only; the grader runs all).
    """
    id: str
    name: str
    points: float
    cases: list = field(default_factory=list)
    error: str = None
    gradcheck: dict = field(default_factory=dict)
    fixed_score: float = None  # set by items scored on a scale (a saved model's accuracy), not by cases
    pending: int = 0
    notes: list = field(default_factory=list)  # item-level notes (a layer this model uses fails ...)
    error_hint: str = None  # the likely mistake behind `error`, when every case failed with it (see collapse)
    accuracy: float = None  # a saved model's accuracy on the held-out split (artifact items)

    @property
    def passed_cases(self):
        return sum(c.passed for c in self.cases)

    @property
    def total_cases(self):
        return len(self.cases)

    @property
    def in_place(self):
        """True when some case changed an input in place."""
        return any(c.notes for c in self.cases)

    @property
    def score(self):
        if self.fixed_score is not None:
            return self.fixed_score
        if not self.cases:
            return 0.0
        earned = self.points * self.passed_cases / (self.total_cases + self.pending)
        if self.in_place:
            earned *= 1 - IN_PLACE_COST
        return round(earned, 2)

    @property
    def run_points(self):
        """The points the cases run here carry (all of them in the grader; the public share in check())."""
        return self.points * self.total_cases / (self.total_cases + self.pending) if self.cases else self.points

    @property
    def status(self):
        ok = self.cases and self.passed_cases == self.total_cases and not self.in_place
        return "passed" if ok else "failed"

    def collapse_common_error(self):
        """When every case failed for one and the same reason (not implemented, an import error, a timeout),
        state it once as the item's error instead of once per case. Returns self."""
        reasons = {tuple(c.problems) for c in self.cases}
        if self.cases and not any(c.passed for c in self.cases) and len(reasons) == 1 and len(reasons.pop()) == 1:
            self.error = self.cases[0].problems[0]
            hints = {c.hint for c in self.cases}
            if len(hints) == 1 and None not in hints:
                self.error_hint = hints.pop()
                if self.error_hint not in self.error:
                    self.error += f"\n    likely mistake: {self.error_hint}"
            self.cases = [type(c)(c.case, False, c.hidden, notes=c.notes) for c in self.cases]
        return self

    def headline(self):
        """'affine_backward  FAIL  public cases: 1 of 3 pass, hidden: 1 of 2  (2.4 / 6 points)'."""
        word = "PASS" if self.status == "passed" else "FAIL"
        if self.fixed_score is not None:
            counts = self.cases[0].case if self.cases else "scored on a scale"
            return f"{self.name}  {word}  {counts}  ({self.score:g} / {self.points:g} points)"
        public = [c for c in self.cases if not c.hidden]
        hidden = [c for c in self.cases if c.hidden]
        counts = f"public cases: {sum(c.passed for c in public)} of {len(public)} pass"
        if hidden:
            counts += f", hidden: {sum(c.passed for c in hidden)} of {len(hidden)}"
        if self.pending:
            share = self.points - self.run_points
            cases = "case" if self.pending == 1 else "cases"
            return (f"{self.name}  {word}  {counts}  ({self.score:g} of the {self.run_points:.3g} points public cases "
                    f"carry; {self.pending} hidden {cases} worth {share:.3g} more are graded by the autograder)")
        return f"{self.name}  {word}  {counts}  ({self.score:g} / {self.points:g} points)"

    def text(self):
        """Human-readable verdict: a headline, then one line per problem, hint and note."""
        lines = [self.headline()]
        if self.error:
            lines.append(f"  {self.error}")
        for c in self.cases:
            label = f'hidden case "{c.case}"' if c.hidden else f'case "{c.case}"'
            if not c.passed and c.problems:
                # Hidden cases report the verdict and the mistake, never values, shapes or positions.
                detail = "; ".join(hidden_problem(p) for p in c.problems) if c.hidden else "; ".join(c.problems)
                lines.append(f"  {label}: {detail}")
            if c.hint and not c.passed:
                lines.append(f"    likely mistake: {hidden_hint(c.hint) if c.hidden else c.hint}")
        inplace = sorted({n for c in self.cases for n in c.notes})
        for note in inplace:
            lines.append(f"  note: {note}; this costs {IN_PLACE_COST:.0%} of the item's points")
        for note in self.notes:
            lines.append(f"  note: {note}")
        for name, err in self.gradcheck.items():
            ok = "ok" if err < 1e-6 else "your backward does not match your forward" if err > GRADCHECK_WRONG else "borderline"
            lines.append(f"  numeric gradient check: {name} relative error {err:.1e} ({ok})")
        return "\n".join(lines)

    def note_failing_uses(self, used):
        """Add a note naming the items this one calls that fail their own checks (used: [Verdict])."""
        failing = [v.name for v in used if v.status != "passed"]
        if failing and self.status != "passed":
            self.notes.append(f"it calls your {', '.join(failing)}, which fail{'s' if len(failing) == 1 else ''} "
                              f"its own check; fix {'it' if len(failing) == 1 else 'them'} first (this item is "
                              f"graded with your own layers, so their mistakes cost points here too)")
        return self

    def names_a_reason(self):
        """True when the verdict says why points were lost, beyond "this output differs" (a recorded or
        diagnosed mistake, an exception with its line, a dtype, an in-place change, a failing layer, a gradient
        that disagrees with the numeric gradient of the student's own forward: the bug is in that backward)."""
        if self.error or self.notes or self.in_place or any(e > GRADCHECK_WRONG for e in self.gradcheck.values()):
            return True
        failed = [c for c in self.cases if not c.passed]
        return any(c.hint or any(not UNNAMED.search(p) for p in c.problems) for c in failed)

    def _ipython_display_(self):
        """check() has printed the text already: show nothing more (no repr) in a notebook."""

    def __str__(self):
        return self.text()
