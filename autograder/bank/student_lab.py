"""`python -m checks.student_lab`: a student's JupyterLab — nbgrader's instructor tools hidden, Validate kept.

nbgrader is in the student requirements (its Validate button runs the check cells as the grader would), and
it brings the Formgrader, Create Assignment and the course list with it, which students must not use. This
writes Jupyter's own configuration that disables them, for the Python environment it runs in (the student's
venv: <prefix>/etc/jupyter), or with --user for this user (~/.jupyter, or $JUPYTER_CONFIG_DIR).
"""
import json
import os
import sys
from pathlib import Path

LAB_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:course-list")
SERVER_EXTENSIONS = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
# read after nbgrader's own nbgrader.json (files in the .d folder load in name order), so it wins
SERVER_FILE = "zz-nnkit-student.json"


def config_dir(user=False):
    """The Jupyter config folder to write: this environment's, or the user's."""
    if user:
        return Path(os.environ.get("JUPYTER_CONFIG_DIR") or Path.home() / ".jupyter")
    return Path(sys.prefix) / "etc" / "jupyter"


def _update_json(path, update):
    data = json.loads(path.read_text()) if path.exists() else {}
    update(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def hide_instructor_tools(user=False):
    """Disable the instructor lab plugins and server extensions; returns the files written."""
    root = config_dir(user)
    page = _update_json(root / "labconfig" / "page_config.json",
                        lambda d: d.setdefault("disabledExtensions", {}).update({p: True for p in LAB_PLUGINS}))
    server = _update_json(root / "jupyter_server_config.d" / SERVER_FILE,
                          lambda d: d.setdefault("ServerApp", {}).setdefault("jpserver_extensions", {}).update(
                              {e: False for e in SERVER_EXTENSIONS}))
    return [page, server]


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    files = hide_instructor_tools(user="--user" in args)
    print("JupyterLab: nbgrader's Formgrader, Create Assignment and course list are hidden; Validate stays "
          f"(wrote {', '.join(str(f) for f in files)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
