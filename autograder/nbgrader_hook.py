"""nbgrader's autograde, with the kit's verdicts: a preprocessor that fills every graded check cell with the
verdict the kit's grader computes out of process (in the sandbox) on the student's submitted package.

nbgrader normally re-executes the student's notebook and reads each test cell's output: student code then runs
unsandboxed in the instructor's kernel, and any cell that prints something non-numeric gets full credit. In a
course set up by `python -m autograder nbgrader-course`, autograde does not execute the notebook at all; this
preprocessor grades `submitted/<student>/<assignment>` with the kit and writes, in each grade cell:
    - the verdict text (stdout), so the Formgrader and `generate_feedback` show the reasons;
    - nothing more for full marks, the score as the cell's result for partial credit, an error for zero —
      which is how nbgrader's SaveAutoGrades reads a test cell.
Without a working sandbox it raises, and nbgrader reports the error for that student: never full marks.
"""
from pathlib import Path

from nbformat.v4 import new_output
from traitlets import Unicode

from nbgrader.preprocessors import NbGraderPreprocessor


def verdict_outputs(verdict):
    """The outputs nbgrader reads as the verdict's score, with its text for people."""
    outputs = [new_output("stream", name="stdout", text=verdict.text() + "\n")]
    if verdict.score >= verdict.points:
        return outputs
    if verdict.score > 0:
        outputs.append(new_output("execute_result", data={"text/plain": f"{verdict.score:g}"}, execution_count=1))
        return outputs
    outputs.append(new_output("error", ename="NotPassed", evalue=f"0 of {verdict.points:g} points",
                              traceback=[f"{verdict.name}: 0 of {verdict.points:g} points (see the verdict above)"]))
    return outputs


def fill_cells(nb, verdicts):
    """Put each verdict into the graded check cell of notebook `nb` whose grade id is its item's; returns how
    many cells were filled (verdicts of other notebooks find no cell)."""
    from .bank.items import REGISTRY
    by_cell = {REGISTRY[v.id].grade_id: v for v in verdicts if v.id in REGISTRY}
    filled = 0
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and grade_id in by_cell and cell.metadata["nbgrader"].get("grade"):
            cell.outputs = verdict_outputs(by_cell[grade_id])
            filled += 1
    return filled


def fill_notebook(path, verdicts):
    """fill_cells on the notebook file at `path`, rewritten in place (unreadable notebooks are left alone)."""
    import nbformat
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:  # noqa: BLE001 - a student's broken notebook is still kept as it was
        return 0
    filled = fill_cells(nb, verdicts)
    nbformat.write(nb, str(path))
    return filled


KIT_RESULTS = "{notebook}.kit.json"  # beside the autograded notebook: the class report's input


def save_structured(root, info, result):
    """Write the kit's results JSON (report.results_json: scores, structured diagnoses) of one notebook to
    root/autograded/<student>/<assignment>/<notebook>.kit.json, where `python -m autograder report` finds it."""
    from .report import write_results
    folder = Path(root) / "autograded" / info["student"] / info["assignment"]
    folder.mkdir(parents=True, exist_ok=True)
    return write_results(folder, {**result, "name": info["student"]}, filename=KIT_RESULTS.format(**info))


class KitVerdicts(NbGraderPreprocessor):
    """Replace the outputs of the notebook's graded check cells by the kit's verdicts (see module docstring)."""

    course_root = Unicode("", help="the nbgrader course folder (holds submitted/)").tag(config=True)

    def preprocess(self, nb, resources):
        from .grade import grade_submission
        info = resources["nbgrader"]
        root = Path(self.course_root or Path(resources["metadata"]["path"]).parents[2])
        submitted = root / "submitted" / info["student"] / info["assignment"]
        result = grade_submission(submitted, notebooks=[info["notebook"]])
        if result["error"]:
            self.log.error("%s: %s", info["student"], result["error"])
        verdicts = result["verdicts"]
        filled = fill_cells(nb, verdicts)
        save_structured(root, info, result)
        self.log.info("kit verdicts for %s/%s: %d graded cells, %g of %g points", info["student"], info["notebook"],
                      filled, sum(v.score for v in verdicts), sum(v.points for v in verdicts))
        return nb, resources
