"""The sandbox student code runs in: bubblewrap (bwrap), plus a per-item cgroup that bounds processes and memory.

What the child sees (everything read-only except a small private /tmp):
    /usr and the system library links, the Python interpreter's own prefix (standard library),
    /sandbox/site/numpy (+ numpy.libs), /sandbox/bank (the bank's calling code), /sandbox/child.py,
    /sandbox/ws (this one submission's gradable files), /sandbox/job (this item's inputs),
    a new /proc of its own PID namespace, a minimal /dev, and /tmp (a tmpfs of TMP_SIZE bytes).
It runs in new user, PID, mount, network, IPC, UTS and cgroup namespaces, as uid/gid 65534 with every
capability dropped, cannot create further user namespaces, is killed when the grader dies, and is in a
session of its own (no terminal). Nothing of the host is visible: not the kit's repository, not other
submissions, not the output folder, not the host's /proc. When its main process ends, the PID namespace
ends and every process it started is killed with it.
"""
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import numpy

INSIDE = Path("/sandbox")
SITE, BANK, CHILD, WS, JOB = (INSIDE / n for n in ("site", "bank", "child.py", "ws", "job"))
UID = 65534
TMP_SIZE = 64 * 2**20
SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


def bwrap_path():
    """Path of the bwrap executable ($NNKIT_BWRAP, else bwrap on PATH), or None."""
    path = os.environ.get("NNKIT_BWRAP") or shutil.which("bwrap")
    return path if path and os.access(path, os.X_OK) else None


def interpreter():
    """(real path of the Python binary, its prefix): the base interpreter, not a virtualenv's link to it."""
    return os.path.realpath(sys.executable), sys.base_prefix


def numpy_dirs():
    """Folders to expose under /sandbox/site: numpy's package folder and its bundled libraries (numpy.libs)."""
    pkg = Path(numpy.__file__).resolve().parent
    return [d for d in (pkg, pkg.parent / "numpy.libs") if d.is_dir()]


def host_site():
    """The folder holding numpy on the host: what an unsandboxed child puts on its path."""
    return numpy_dirs()[0].parent


def _system_binds():
    args = ["--ro-bind", "/usr", "/usr"]
    for path in SYSTEM_LINKS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    args += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return args


def command(child_args, workspace, job_dir, bank_dir, child_script):
    """The bwrap command line that runs the child script in the sandbox.

    Args:
        child_args: arguments after the script (paths as seen inside: BANK, WS, JOB ...).
        workspace: host folder with the one submission's files (bound at /sandbox/ws).
        job_dir: host folder with this item's plan and inputs (bound at /sandbox/job).
        bank_dir: host folder of the bank (bound at /sandbox/bank).
        child_script: host path of child.py (bound at /sandbox/child.py).

    Returns:
        list of str.
    """
    binary, prefix = interpreter()
    args = [bwrap_path(), "--unshare-user", "--uid", str(UID), "--gid", str(UID), "--unshare-pid", "--unshare-net",
            "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--disable-userns", "--cap-drop", "ALL",
            "--die-with-parent", "--new-session", "--hostname", "sandbox", *_system_binds()]
    if not prefix.startswith("/usr/"):
        args += ["--ro-bind", prefix, prefix]
    if not binary.startswith(("/usr/", prefix.rstrip("/") + "/")):
        args += ["--ro-bind", binary, binary]
    for d in numpy_dirs():
        args += ["--ro-bind", str(d), str(SITE / d.name)]
    args += ["--ro-bind", str(bank_dir), str(BANK), "--ro-bind", str(child_script), str(CHILD),
             "--ro-bind", str(workspace), str(WS), "--ro-bind", str(job_dir), str(JOB),
             "--proc", "/proc", "--dev", "/dev", "--size", str(TMP_SIZE), "--perms", "1777", "--tmpfs", "/tmp",
             "--remount-ro", "/", "--chdir", "/tmp", "--", binary, "-I", "-S", "-B", str(CHILD), *child_args]
    return args


_PROBE = {}


def probe():
    """(True, "") when bwrap runs the interpreter and imports numpy in the sandbox here; else (False, why).

    Checked once per process. The reason says how to fix it.
    """
    if "result" in _PROBE:
        return _PROBE["result"]
    if bwrap_path() is None:
        result = (False, "bubblewrap (bwrap) is not installed: `apt-get install bubblewrap` on Debian/Ubuntu "
                         "(./setup.sh does this as root); on macOS or without root, grade on Linux or on Gradescope")
    else:
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "probe.py"
            script.write_text(f"import sys; sys.path.insert(0, {str(SITE)!r}); import numpy; "
                              "import os; assert os.getuid() == 65534; print('ok', numpy.__version__)")
            cmd = command([], tmp, tmp, tmp, script)
            try:
                proc = subprocess.run(cmd, capture_output=True, timeout=60, env=base_env())
                ok = proc.returncode == 0 and proc.stdout.startswith(b"ok")
                why = (proc.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
            except (OSError, subprocess.TimeoutExpired) as exc:
                ok, why = False, str(exc)
        result = (True, "") if ok else (False, f"bubblewrap is installed but cannot start a sandbox here ({why}); "
                                               "it needs user namespaces (kernel.unprivileged_userns_clone=1, or run "
                                               "as root) — in a container, allow them or grade on the host")
    _PROBE["result"] = result
    return result


def base_env():
    """The child's whole environment (nothing of the grader's is passed on)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    if "OPENBLAS_CORETYPE" in os.environ:  # some CPUs here need it for correct BLAS results
        env["OPENBLAS_CORETYPE"] = os.environ["OPENBLAS_CORETYPE"]
    return env


# ---------------------------------------------------------------------------------------------- cgroups

def _mounts():
    """{controller or "cgroup2": mount point} from /proc/self/mountinfo."""
    found = {}
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        left, _, right = line.partition(" - ")
        fields, rest = left.split(), right.split()
        if len(fields) < 5 or len(rest) < 3:
            continue
        if rest[0] == "cgroup2":
            found.setdefault("cgroup2", fields[4])
        elif rest[0] == "cgroup":
            for opt in rest[2].split(","):
                found.setdefault(opt, fields[4])
    return found


def _own_path(controller):
    """This process's cgroup path for a v1 controller, or for v2 when controller is "" ("/" if unknown)."""
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, names, path = line.split(":", 2)
            if (controller and controller in names.split(",")) or (not controller and names == ""):
                return path
    except (OSError, ValueError):
        pass
    return "/"


def _remove_stale(parent, age=600):
    """Remove empty nnkit-* cgroups older than `age` seconds (left by a grader that was killed)."""
    import time
    try:
        for d in parent.glob("nnkit-*"):
            try:
                if time.time() - d.stat().st_mtime > age:
                    d.rmdir()  # fails, harmlessly, while processes are in it
            except OSError:
                pass
    except OSError:
        pass


class Cgroup:
    """A cgroup per graded item: at most `pids` processes and `memory` bytes for everything the child starts.

    Uses cgroup v1 controllers (pids, memory) or a delegated cgroup v2 subtree, whichever this machine has;
    needs write access there (root). Without it, `create` returns None and the caller relies on rlimits and
    the time limit.
    """

    def __init__(self, dirs):
        self.dirs = dirs  # one folder per controller hierarchy

    @classmethod
    def create(cls, pids, memory):
        """A new cgroup limited to `pids` processes and `memory` bytes, or None where none can be made."""
        mounts, dirs = _mounts(), []
        name = f"nnkit-{uuid.uuid4().hex[:12]}"
        try:
            if "pids" in mounts:
                _remove_stale(Path(mounts["pids"]) / _own_path("pids").lstrip("/"))
                d = Path(mounts["pids"]) / _own_path("pids").lstrip("/") / name
                d.mkdir()
                dirs.append(d)
                (d / "pids.max").write_text(str(pids))
                if "memory" in mounts:
                    m = Path(mounts["memory"]) / _own_path("memory").lstrip("/") / name
                    m.mkdir()
                    dirs.append(m)
                    (m / "memory.limit_in_bytes").write_text(str(memory))
            elif "cgroup2" in mounts:
                parent = Path(mounts["cgroup2"]) / _own_path("").lstrip("/")
                if "pids" not in (parent / "cgroup.subtree_control").read_text().split():
                    return None
                d = parent / name
                d.mkdir()
                dirs.append(d)
                (d / "pids.max").write_text(str(pids))
                if (d / "memory.max").exists():
                    (d / "memory.max").write_text(str(memory))
            else:
                return None
        except OSError:
            cls(dirs).close()
            return None
        return cls(dirs)

    def join_prefix(self):
        """A shell prefix that moves the command's process into this cgroup before it starts bwrap."""
        script = "".join(f'echo $$ > "{d}/cgroup.procs" && ' for d in self.dirs)
        return ["/bin/sh", "-c", script + 'exec "$@"', "join-cgroup"]

    def pids(self):
        found = set()
        for d in self.dirs:
            try:
                found.update(int(p) for p in (d / "cgroup.procs").read_text().split())
            except (OSError, ValueError):
                pass
        return found

    def close(self):
        """Kill whatever is left in the cgroup and remove it."""
        import signal
        import time
        for _ in range(50):
            left = self.pids()
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)
        for d in self.dirs:
            for _ in range(50):
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
