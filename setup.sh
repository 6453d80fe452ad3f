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

step "bubblewrap, the sandbox student code is graded in"
if command -v bwrap >/dev/null 2>&1; then
  echo "bwrap: $(command -v bwrap)" >&2
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get install -y bubblewrap >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y bubblewrap >/dev/null 2>&1; }) \
    && echo "installed bubblewrap" >&2 || echo "warning: could not install bubblewrap; grading will refuse student code" >&2
else
  echo "warning: bubblewrap (bwrap) is not installed, and this script cannot install it here." >&2
  echo "  Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap." >&2
  echo "  macOS or no root: students can still run every public check; grade on Linux or on Gradescope." >&2
fi

step "Debian's chromium and chromium-driver, for the browser tests (optional: they skip without it)"
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  echo "chromium: $(command -v chromium)" >&2
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get install -y chromium chromium-driver >/dev/null 2>&1 \
    || { apt-get update >/dev/null 2>&1 && apt-get install -y chromium chromium-driver >/dev/null 2>&1; }) \
    && echo "installed chromium" >&2 || echo "warning: could not install chromium; the browser tests will be skipped" >&2
else
  echo "note: no chromium here; the browser tests will be skipped" >&2
fi

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
