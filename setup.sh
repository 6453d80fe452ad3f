#!/usr/bin/env bash
# One-command setup: virtualenv, pinned packages, Jupyter kernel, embedded data check, release build,
# then the main job: grade the sample submissions in autograder/samples/ and print the score table.
#   ./setup.sh              everything
#   ./setup.sh --no-grade   install and build only (what .ci/run uses before the tests)
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
GRADE=1
[ "${1:-}" = "--no-grade" ] && GRADE=0

step() { printf '\n== %s\n' "$*" >&2; }

step "virtualenv .venv and pinned packages (requirements.txt, constraints.txt)"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt -c constraints.txt

step "Jupyter kernel 'nnkit' (in .venv)"
.venv/bin/python -m ipykernel install --sys-prefix --name nnkit --display-name "Python 3 (nnkit)" >/dev/null

step "embedded data"
.venv/bin/python -m utils.data

step "release/: check it is what assignments/ builds now (python -m autograder build regenerates it)"
.venv/bin/python -m autograder build --check

if [ "$GRADE" = 1 ]; then
  step "main job: grading the sample submissions"
  .venv/bin/python -m autograder grade autograder/samples/*.zip --out graded --jobs 2 --time-limit 10
  echo "per-test reports: graded/<submission>.json; nbgrader gradebook: graded/gradebook.db" >&2
fi
