"""Run one item's cases on a workspace in a child process with time and memory limits."""
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import paths
from .bank import calls
from .bank.recipes import make_inputs

CHILD = Path(__file__).resolve().parent / "child.py"
NOBODY = 65534


@dataclass(frozen=True)
class Limits:
    """Per-item limits of the child process: wall/CPU seconds, address space bytes, bytes it may write."""
    seconds: float = 20.0
    memory: int = 3 * 2**30
    file_size: int = 64 * 2**20


@dataclass
class Outcome:
    """What a child produced for one case: outputs (None if the case failed), error, notes, numeric grads."""
    case: str
    outputs: dict = None
    error: str = None
    notes: tuple = ()
    numeric: dict = None


def _limit(limits, drop_privileges):
    def apply():
        os.setsid()
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
        cpu = int(limits.seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size, limits.file_size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if drop_privileges:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
    return apply


_DROP = {}


def can_drop_privileges():
    """True when running as root and the interpreter (and numpy) work as user nobody; checked once.

    Grading as root then runs student code as nobody, which cannot read root-only files such as hidden
    fixtures. Where nobody cannot run this Python (a venv under /root), the child keeps root's identity and
    a warning says so.
    """
    if "ok" not in _DROP:
        ok = False
        if os.geteuid() == 0:
            try:
                probe = subprocess.run([sys.executable, "-I", "-c", "import numpy"], capture_output=True,
                                       preexec_fn=_limit(Limits(), True), cwd="/", env=_child_env("/tmp"))
                ok = probe.returncode == 0
            except OSError:
                ok = False
            if not ok and not can_use_namespaces():
                print("warning: running as root without namespaces, and user nobody cannot run this Python: "
                      "student code runs as root, unsandboxed", file=sys.stderr)
        _DROP["ok"] = ok
    return _DROP["ok"]


_NAMESPACES = {}


def grading_root():
    """The folder under which every workspace and job folder of this machine's grading lives (mode 0711).

    In the namespace sandbox each child sees it empty, so no student reads another's files.
    """
    root = Path(tempfile.gettempdir()) / "nnkit-grading"
    root.mkdir(exist_ok=True)
    os.chmod(root, 0o711)  # others may not list it; a child running as nobody may still reach its own folders
    return root


def can_use_namespaces():
    """True when this process may run children in new mount and network namespaces (root, unshare works)."""
    if "ok" not in _NAMESPACES:
        ok = False
        if os.geteuid() == 0:
            with tempfile.TemporaryDirectory() as tmp:
                try:
                    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "--net", "--",
                                            "/bin/sh", "-c", f"mount -t tmpfs tmpfs {tmp}"], capture_output=True)
                    ok = probe.returncode == 0
                except OSError:
                    ok = False
        _NAMESPACES["ok"] = ok
    return _NAMESPACES["ok"]


def secret_dirs(extra=()):
    """Folders a child must not see: the reference, the kit's tests and history, hidden fixtures, samples,
    every submission being graded, and any extra (the --out folder)."""
    dirs = [paths.ROOT / "assignments", paths.ROOT / "tests", paths.ROOT / ".git", paths.HIDDEN_FIXTURES.parent,
            paths.ROOT / "autograder" / "samples", grading_root(), *map(Path, extra)]
    return [d.resolve() for d in dirs if Path(d).is_dir()]


def sandbox_mode():
    """How children are isolated here: "namespaces", "nobody" or "none" (see README, How grading works)."""
    return "namespaces" if can_use_namespaces() else "nobody" if can_drop_privileges() else "none"


SANDBOX_SCRIPT = """set -e
mount --bind "$1" "$3/ws"
mount --bind "$2" "$3/job"
shift 3
while [ "$1" != "--" ]; do mount -t tmpfs -o size=64k,mode=000 tmpfs "$1"; shift; done
shift
exec "$@"
"""


def _sandboxed(cmd_tail, workspace, job_dir, sandbox, hide):
    """The command that runs the child in new mount and network namespaces, secrets covered by empty tmpfs."""
    keep = (sandbox, Path(sys.prefix).resolve(), paths.BANK.resolve())
    covered = [str(d) for d in secret_dirs(hide) if not any(k == d or d in k.parents for k in keep)]
    return ["unshare", "--mount", "--propagation", "private", "--net", "--", "/bin/sh", "-c", SANDBOX_SCRIPT,
            "sandbox", str(workspace), str(job_dir), str(sandbox), *covered, "--", *cmd_tail]


def _child_env(job_dir):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(job_dir), "LANG": "C.UTF-8",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    if "OPENBLAS_CORETYPE" in os.environ:  # some CPUs here need it for correct BLAS results
        env["OPENBLAS_CORETYPE"] = os.environ["OPENBLAS_CORETYPE"]
    return env


def _read_case(job_dir, i, name):
    res_path, out_path = job_dir / f"res_{i}.json", job_dir / f"out_{i}.npz"
    if not res_path.exists():
        return None
    try:
        result = json.loads(res_path.read_text()[:100_000])
        with np.load(out_path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except Exception as exc:  # noqa: BLE001 - a hostile or broken child wrote garbage
        return Outcome(name, error=f"the output of this case could not be read ({type(exc).__name__})")
    bad = [k for k, v in arrays.items() if v.dtype.kind not in "biuf"]
    if bad:
        return Outcome(name, error=f"outputs {bad} are not numeric arrays")
    outputs = {k: v for k, v in arrays.items() if not k.startswith("#num|")}
    numeric = {k[5:]: v for k, v in arrays.items() if k.startswith("#num|")}
    error = result.get("error")
    notes = tuple(str(n) for n in result.get("notes", []))
    return Outcome(name, outputs=None if error else outputs, error=str(error) if error else None,
                   notes=notes, numeric=numeric)


HUNG_IMPORT = "timed out after {seconds:g} s while importing {module}.py (code at module level runs forever?)"


def hung_module(error):
    """The module named by a HUNG_IMPORT error ("layers"), or None for any other error."""
    match = re.search(r"while importing (\w+)\.py", error or "")
    return match.group(1) if match else None


def hanging_import(job_dir):
    """The module (e.g. "layers") whose import was still running when the child stopped, or None."""
    mark = Path(job_dir) / "importing"
    return mark.read_text().strip() if mark.exists() else None


def _failure_reason(proc, timed_out, limits, stderr_path):
    if timed_out:
        module = hanging_import(stderr_path.parent)
        if module:
            return HUNG_IMPORT.format(seconds=limits.seconds, module=module)
        return f"timed out after {limits.seconds:g} s (an infinite loop?)"
    code = proc.returncode
    tail = ""
    try:
        lines = [ln for ln in stderr_path.read_text(errors="replace").splitlines() if ln.strip()]
        tail = lines[-1][:300] if lines else ""
    except OSError:
        pass
    if code is not None and code < 0:
        sig = signal.Signals(-code).name
        why = {"SIGXCPU": f"used more than {limits.seconds:g} s of CPU", "SIGKILL": "was killed",
               "SIGSEGV": "crashed (segmentation fault)", "SIGXFSZ": "wrote too much output"}.get(sig, sig)
        return f"the process running it {why}"
    return f"the process running it exited with code {code}" + (f": {tail}" if tail else "")


def run_item(workspace, item, cases, limits=Limits(), numeric_first=True, package=paths.PACKAGE, hide=()):
    """Run `cases` of `item` on the student package in `workspace`, out of this process.

    Args:
        workspace: folder holding the student's package (workspace/nnkit).
        item: Item.
        cases: Case list; inputs are made here from their seeds and sent as arrays.
        limits: Limits.
        numeric_first: also ask for numeric gradients of the student's forward on the first case.
        package: the student package name.
        hide: further folders the child must not see (in the namespace sandbox).

    Returns:
        list of Outcome, one per case, in order.
    """
    workspace = Path(workspace).resolve()
    mode = sandbox_mode()
    with tempfile.TemporaryDirectory(prefix="job-", dir=grading_root()) as tmp, \
            tempfile.TemporaryDirectory(prefix="nnkit-sandbox-") as sandbox:
        job_dir = Path(tmp)
        plan = {"item": item.id, "spec": calls.spec(item), "package": package,
                "cases": [{"name": c.name, "params": c.params, "numeric": numeric_first and k == 0}
                          for k, c in enumerate(cases)]}
        (job_dir / "plan.json").write_text(json.dumps(plan))
        inputs = {}
        for k, case in enumerate(cases):
            inputs.update({f"{k}|{name}": arr for name, arr in make_inputs(item, case).items()})
        np.savez(job_dir / "inputs.npz", **inputs)
        stderr_path = job_dir / "stderr.txt"
        if mode == "namespaces":
            sandbox = Path(sandbox).resolve()
            (sandbox / "ws").mkdir()
            (sandbox / "job").mkdir()
            tail = [sys.executable, "-I", str(CHILD), str(paths.BANK), str(sandbox / "ws"), str(sandbox / "job")]
            cmd = _sandboxed(tail, workspace, job_dir, sandbox, hide)
        else:
            if mode == "nobody":
                os.chmod(job_dir, 0o777)
            cmd = [sys.executable, "-I", str(CHILD), str(paths.BANK), str(workspace), str(job_dir)]
        timed_out = False
        with open(stderr_path, "wb") as err:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                    cwd="/", env=_child_env(job_dir),
                                    preexec_fn=_limit(limits, mode == "nobody"))
            try:
                proc.wait(timeout=limits.seconds)
            except subprocess.TimeoutExpired:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        outcomes, reason = [], None
        for k, case in enumerate(cases):
            got = _read_case(job_dir, k, case.name)
            if got is None:
                reason = reason or _failure_reason(proc, timed_out, limits, stderr_path)
                got = Outcome(case.name, error=reason)
            outcomes.append(got)
        return outcomes
