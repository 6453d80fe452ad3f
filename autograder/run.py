"""Run one item's cases on a workspace in a sandboxed child process, and read back what it sent, trusting nothing.

The child (child.py) runs under bubblewrap (sandbox.py) with rlimits it sets on itself before student code
runs, in a cgroup that bounds its processes and memory where the machine allows. It writes frames to a pipe;
this process reads at most Limits.output bytes of them, validates every frame (JSON type and keys, .npz
headers before loading, numeric dtypes only), and compares the inputs the child sends back with its own
copies to find in-place modifications. Nothing the child writes is written to disk on the host.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import paths, sandbox
from .bank import calls
from .bank.recipes import make_inputs
from .bank.safe_npz import NpzError, read_npz

CHILD = Path(__file__).resolve().parent / "child.py"
NOBODY = 65534
MODES = ("bwrap", "none")


class SandboxUnavailable(Exception):
    """No working sandbox, and unsandboxed grading was not asked for; the message says how to fix it."""


@dataclass(frozen=True)
class Limits:
    """Per-item limits: wall/CPU seconds, address space bytes per process, bytes a file may grow to, processes
    (with a cgroup: in the whole sandbox), bytes of output the grader reads."""
    seconds: float = 20.0
    memory: int = 3 * 2**30
    file_size: int = 64 * 2**20
    processes: int = 64
    output: int = 64 * 2**20


@dataclass
class Outcome:
    """What a child produced for one case: outputs (None if the case failed), error, notes, numeric grads."""
    case: str
    outputs: dict = None
    error: str = None
    changed: dict = field(default_factory=dict)  # calls.changed_inputs: inputs (or parameters) it changed
    numeric: dict = field(default_factory=dict)
    inputs: dict = field(default_factory=dict)  # the case's inputs, as this process made them


def grading_root():
    """The folder under which every workspace and job folder of this machine's grading lives (mode 0711)."""
    root = Path(tempfile.gettempdir()) / "nnkit-grading"
    root.mkdir(exist_ok=True)
    os.chmod(root, 0o711)
    return root


def remove_stale(age=3600):
    """Remove workspaces and job folders older than `age` seconds (left by a grader that was killed)."""
    import shutil
    import time
    for d in grading_root().iterdir():
        try:
            if time.time() - d.stat().st_mtime > age:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            pass


def default_mode(no_sandbox=False):
    """"bwrap" when the sandbox works here; "none" when it does not and no_sandbox is set; else raises
    SandboxUnavailable saying how to fix it."""
    ok, why = sandbox.probe()
    if ok:
        return "bwrap"
    if no_sandbox:
        return "none"
    raise SandboxUnavailable(f"refusing to run student code without a sandbox: {why}. Pass --no-sandbox only "
                             "for code you trust (every report then says it was graded unsandboxed).")


DEFAULT = {"mode": None}  # set by callers that decided the mode once (the CLI; the kit's tests)


def resolve_mode(mode):
    """The sandbox mode to use for `mode` (None: DEFAULT, else the working sandbox or SandboxUnavailable)."""
    mode = mode or DEFAULT["mode"] or default_mode()
    if mode not in MODES:
        raise ValueError(f"unknown sandbox mode {mode!r}; expected one of {MODES}")
    return mode


_DROP = {}


def can_drop_privileges():
    """Unsandboxed mode only: True when running as root and this interpreter works as user nobody."""
    if "ok" not in _DROP:
        ok = False
        if os.geteuid() == 0:
            try:
                binary, _ = sandbox.interpreter()
                site = str(sandbox.host_site())  # as the child does: -S, numpy's folder on its path
                probe = subprocess.run([binary, "-I", "-S", "-c", f"import sys; sys.path.insert(0, {site!r}); "
                                        "import numpy"], capture_output=True, cwd="/", user=NOBODY, group=NOBODY,
                                       extra_groups=[], env=sandbox.base_env())
                ok = probe.returncode == 0
            except OSError:
                ok = False
        _DROP["ok"] = ok
    return _DROP["ok"]


HUNG_IMPORT = "timed out after {seconds:g} s while importing {module}.py (code at module level runs forever?)"


def hung_module(error):
    """The module named by a HUNG_IMPORT error ("layers"), or None for any other error."""
    match = re.search(r"while importing (\w+)\.py", error or "")
    return match.group(1) if match else None


def parse_frames(data):
    """([(tag, payload bytes)] of the well-formed frames at the start of data (see child.py), whether all of
    data was well-formed)."""
    frames, pos = [], 0
    while pos < len(data):
        end = data.find(b"\n", pos, pos + 100)
        if end < 0:
            break
        head = bytes(data[pos:end]).split(b" ")
        if len(head) < 3 or head[0] != b"NNKIT" or not head[-1].isdigit():
            break
        n = int(head[-1])
        if end + 1 + n > len(data):
            break
        frames.append((b" ".join(head[1:-1]).decode("ascii", "replace"), bytes(data[end + 1:end + 1 + n])))
        pos = end + 1 + n
    return frames, pos == len(data)


class _Reader(threading.Thread):
    """Reads a pipe to its end: the first `cap` bytes (on_overflow() is called past them), or only the last."""

    def __init__(self, stream, cap, tail=False, on_overflow=None):
        super().__init__(daemon=True)
        self.stream, self.cap, self.tail, self.on_overflow = stream, cap, tail, on_overflow
        self.data, self.overflow = bytearray(), False

    def run(self):
        fd = self.stream.fileno()
        try:
            while True:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    break
                if self.tail:
                    self.data += chunk
                    del self.data[:-self.cap]
                elif not self.overflow:
                    if len(self.data) + len(chunk) > self.cap:
                        self.overflow = True
                        if self.on_overflow:
                            self.on_overflow()
                    else:
                        self.data += chunk
        except OSError:
            pass


def _case_outcome(name, res, out, inputs, limits):
    """Outcome of one case from its two frames' payloads (None when the child never sent them)."""
    if res is None or out is None:
        return None
    try:
        result = json.loads(res.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Outcome(name, error="the child's report for this case is not valid JSON")
    if not isinstance(result, dict) or set(result) != {"error"} or not isinstance(result["error"], (str, type(None))):
        return Outcome(name, error="the child's report for this case is not of the expected form")
    try:
        arrays = read_npz(out, limits.output)
    except NpzError as exc:
        return Outcome(name, error=f"the outputs of this case could not be read: {exc}")
    if result["error"] is not None:
        return Outcome(name, error=result["error"][:2000])
    outputs = {k: v for k, v in arrays.items() if not k.startswith("#")}
    numeric = {k[5:]: v for k, v in arrays.items() if k.startswith("#num|")}
    after = {k[7:]: v for k, v in arrays.items() if k.startswith("#after|")}
    return Outcome(name, outputs=outputs, changed=calls.changed_inputs(inputs, after), numeric=numeric)


def _failure_reason(returncode, timed_out, overflow, importing, limits, stderr_tail, garbled=False):
    if overflow:
        return f"sent more than {limits.output} bytes of output"
    if garbled:
        return "its output to the grader was garbled (something wrote into the grader's channel)"
    if timed_out:
        if importing:
            return HUNG_IMPORT.format(seconds=limits.seconds, module=importing)
        return f"timed out after {limits.seconds:g} s (an infinite loop?)"
    lines = [ln for ln in stderr_tail.decode("utf-8", "replace").splitlines() if ln.strip()]
    tail = lines[-1][:300] if lines else ""
    # killed by signal n: -n from subprocess, or 128 + n from bwrap, which reports its child's signal that way
    signum = -returncode if returncode is not None and returncode < 0 else (
        returncode - 128 if returncode is not None and returncode > 128 else None)
    if signum is not None:
        try:
            sig = signal.Signals(signum).name
        except ValueError:
            sig = f"signal {signum}"
        why = {"SIGXCPU": f"used more than {limits.seconds:g} s of CPU", "SIGKILL": "was killed",
               "SIGSEGV": "crashed (segmentation fault)", "SIGXFSZ": "wrote too much output"}.get(sig, sig)
        return f"the process running it {why}"
    return f"the process running it exited with code {returncode}" + (f": {tail}" if tail else "")


def _command(mode, workspace, job_dir):
    if mode == "bwrap":
        args = [str(sandbox.BANK), str(sandbox.WS), str(sandbox.JOB), str(sandbox.SITE)]
        return sandbox.command(args, workspace, job_dir, paths.BANK.resolve(), CHILD)
    binary, _ = sandbox.interpreter()
    site = str(sandbox.host_site())
    return [binary, "-I", "-S", "-B", str(CHILD), str(paths.BANK), str(workspace), str(job_dir), site]


def run_item(workspace, item, cases, limits=Limits(), numeric_first=True, package=paths.PACKAGE, mode=None):
    """Run `cases` of `item` on the student package in `workspace`, out of this process.

    Args:
        workspace: folder holding the student's package (workspace/nnkit).
        item: Item.
        cases: Case list; inputs are made here from their seeds and sent as arrays.
        limits: Limits.
        numeric_first: also ask for numeric gradients of the student's forward on the first case.
        package: the student package name.
        mode: "bwrap" (the sandbox), "none" (unsandboxed, for trusted code), or None (see resolve_mode).

    Returns:
        list of Outcome, one per case, in order.
    """
    mode = resolve_mode(mode)
    workspace = Path(workspace).resolve()
    with tempfile.TemporaryDirectory(prefix="job-", dir=grading_root()) as tmp:
        job_dir = Path(tmp)
        plan = {"item": item.id, "spec": calls.spec(item), "package": package,
                "limits": {"memory": limits.memory, "cpu": int(limits.seconds) + 1, "file_size": limits.file_size,
                           "processes": limits.processes},
                "cases": [{"name": c.name, "params": c.params, "numeric": numeric_first and k == 0}
                          for k, c in enumerate(cases)]}
        (job_dir / "plan.json").write_text(json.dumps(plan))
        inputs = [make_inputs(item, case) for case in cases]
        np.savez(job_dir / "inputs.npz", **{f"{k}|{name}": arr for k, case_inputs in enumerate(inputs)
                                            for name, arr in case_inputs.items()})
        cmd = _command(mode, workspace, job_dir)
        run_as = {}
        if mode == "none" and can_drop_privileges():
            os.chmod(job_dir, 0o755)
            for p in job_dir.iterdir():
                os.chmod(p, 0o644)
            run_as = {"user": NOBODY, "group": NOBODY, "extra_groups": []}
        group = sandbox.Cgroup.create(limits.processes, limits.memory) if mode == "bwrap" else None
        if group:
            cmd = group.join_prefix() + cmd
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                cwd="/", env=sandbox.base_env(), start_new_session=True, **run_as)

        def kill():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass

        out = _Reader(proc.stdout, limits.output, on_overflow=kill)
        err = _Reader(proc.stderr, 16_384, tail=True)
        out.start()
        err.start()
        timed_out = False
        try:
            proc.wait(timeout=limits.seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
            kill()
            proc.wait()
        finally:
            if group:
                group.close()
        out.join(timeout=5)
        err.join(timeout=5)
        proc.stdout.close()
        proc.stderr.close()
        frames, well_formed = parse_frames(out.data)
        importing, payloads = None, {}
        for tag, payload in frames:
            if tag == "importing":
                importing = payload.decode("ascii", "replace")[:60]
            elif tag == "imported":
                importing = None
            else:
                payloads.setdefault(tag, payload)
        outcomes, reason = [], None
        for k, case in enumerate(cases):
            got = _case_outcome(case.name, payloads.get(f"res {k}"), payloads.get(f"out {k}"), inputs[k], limits)
            if got is None:
                reason = reason or _failure_reason(proc.returncode, timed_out, out.overflow, importing, limits,
                                                   bytes(err.data), garbled=not well_formed)
                got = Outcome(case.name, error=reason)
            got.inputs = inputs[k]
            outcomes.append(got)
        return outcomes
