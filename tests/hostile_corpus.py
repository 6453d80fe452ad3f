"""A corpus of hostile and malformed submissions, graded in one real batch, and what must hold afterwards.

Each hostile submission is the reference package (with the reference's saved model) whose `svm_loss`, used
by the fc.svm_loss item only, is replaced by an attack. The attack reports what it achieved by raising
"PROBE <what>=<result> ..." (the verdict shows it); the tests do not trust that report alone and also check
the host: secrets unchanged, the output folder holding only the grader's files, no stray processes, the
other submissions intact and graded.

Run directly to grade a larger batch and print its numbers (the closing-note benchmark):
    python tests/hostile_corpus.py --copies 3 [--jobs 2]
"""
import io
import json
import os
import shutil
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from autograder import paths  # noqa: E402
from conftest import append_to, imports_layers, make_submission  # noqa: E402

MARKER = "nnkit-hostile-7f3a"
SECRET_ENV = "NNKIT_GRADER_SECRET"  # set in the grader's environment; no child may see it
BEST_MODEL = paths.ROOT / "autograder" / "samples" / "reference_best_model.npz"
from autograder.bank import fixtures  # noqa: E402
from autograder.cases import items as _items  # noqa: E402

FULL, SVM_POINTS, MODEL_POINTS = float(sum(it.points for it in _items())), 5.0, 12.0
HIDDEN_FILE = fixtures.files(paths.HIDDEN_FIXTURES)[0]  # a real file of hidden fixtures, for attacks to aim at
LAYERS_POINTS = sum(it.points for it in _items() if imports_layers(it))  # what a broken layers.py costs

PRELUDE = '''
def _try(fn):
    try:
        r = fn()
        return "OK" if r is None else "OK:" + str(r)[:24].replace(" ", "")
    except BaseException as e:  # noqa: BLE001
        return type(e).__name__


def _report(**found):
    raise RuntimeError("PROBE " + " ".join(f"{k}={v}" for k, v in found.items()))


def _hits(paths, fn):
    """The paths for which fn(path) succeeded."""
    ok = []
    for p in paths:
        try:
            fn(p)
            ok.append(p)
        except BaseException:  # noqa: BLE001
            pass
    return ok
'''

# name -> code defining svm_loss(x, y); formatted with the context (ctx) of the batch.
ATTACKS = {
    "proc_parent": '''
def svm_loss(x, y):
    import os
    pids = sorted(set([p for p in os.listdir("/proc") if p.isdigit()] + ["{grader_pid}", str(os.getppid())]))
    targets = []
    for pid in pids:
        targets += [f"/proc/{{pid}}/root{hidden}", f"/proc/{{pid}}/cwd/autograder/fixtures/{hidden_name}",
                    f"/proc/{{pid}}/root{reference}", f"/proc/{{pid}}/cwd/{out_name}"]
    hits = _hits(targets, lambda p: open(p, "rb").read(1) if not p.endswith("{out_name}") else os.listdir(p))
    def environ(p):
        assert b"{secret_env}" in open(p, "rb").read()
    hits += _hits([f"/proc/{{pid}}/environ" for pid in pids], environ)
    _report(pids=len(pids), hits=len(hits), first=(hits or ["-"])[0].replace(" ", ""))
''',
    "read_secrets": '''
def svm_loss(x, y):
    import os
    hits = _hits(["{hidden}", "{reference}", "{other_zip}", "{repo}/autograder/hidden.py", "/root/.bashrc",
                  "/etc/shadow", "/etc/passwd"], lambda p: open(p, "rb").read(1))
    dirs = _hits(["{grading_root}", "{repo}", "{out}", "/home", "/work", "/root/.ssh"], os.listdir)
    _report(files=len(hits), dirs=len(dirs), first=(hits + dirs + ["-"])[0])
''',
    "umount": '''
def svm_loss(x, y):
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    done = [m for m in ("/sandbox/ws", "/sandbox/bank", "/usr", "/proc", "/tmp", "/") if libc.umount2(m.encode(), 2) == 0]
    remount = libc.mount(b"none", b"/", None, 32 | 4096 | 1 << 5, None)  # MS_REMOUNT|MS_BIND, read-write
    hits = _hits(["{hidden}", "{reference}"], lambda p: open(p, "rb").read(1))
    _report(umounted=len(done), remount=remount, hits=len(hits))
''',
    "setns_network": '''
def svm_loss(x, y):
    import ctypes, os, socket
    libc = ctypes.CDLL(None, use_errno=True)
    joined = 0
    for pid in [p for p in os.listdir("/proc") if p.isdigit()] + ["{grader_pid}"]:
        for ns in ("net", "mnt", "pid", "user"):
            try:
                fd = os.open(f"/proc/{{pid}}/ns/{{ns}}", os.O_RDONLY)
            except OSError:
                continue
            joined += libc.setns(fd, 0) == 0
    user = libc.unshare(0x10000000)  # CLONE_NEWUSER
    net = _try(lambda: socket.create_connection(("127.0.0.1", {port}), timeout=1).close())
    unix = _try(lambda: socket.socket(socket.AF_UNIX).connect("\\0{marker}"))
    dns = _try(lambda: socket.getaddrinfo("pypi.org", 443))
    _report(joined=joined, unshare=user, net=net, unix=unix, dns=dns)
''',
    "ptrace_kill": '''
def svm_loss(x, y):
    import ctypes, os, signal
    libc = ctypes.CDLL(None, use_errno=True)
    # the grader, and its parent; the sandbox's own pid 1 (bwrap's reaper, same uid, no capabilities, no host
    # files open) is inside the sandbox and not a target
    traced = [p for p in ({grader_pid}, {grader_pid} + 1, os.getppid() if os.getppid() != 1 else -1)
              if libc.ptrace(16, p, None, None) == 0]
    sent = _try(lambda: os.kill({grader_pid}, signal.SIGKILL))
    group = _try(lambda: os.killpg({grader_pid}, signal.SIGKILL))
    everyone = _try(lambda: os.kill(-1, signal.SIGKILL))
    _report(traced=len(traced), kill=sent, killpg=group, all=everyone)
''',
    "write_outside": '''
def svm_loss(x, y):
    import os, sys, json
    import numpy
    targets = ["{out}/{canary}.json", "{out}/evil.json", "{out}/grades.csv", "{other_zip}", "{repo}/autograder/run.py",
               "/sandbox/ws/nnkit/layers.py", "/sandbox/bank/calls.py", "/sandbox/job/plan.json",
               os.path.join(os.path.dirname(numpy.__file__), "evil.py"), os.path.join(os.path.dirname(os.__file__), "evil.py"),
               "/evil", "/usr/evil", "/sandbox/evil"]
    def write(p):
        with open(p, "a") as f:
            f.write(json.dumps({{"score": 999}}))
    hits = _hits(targets, write)
    _report(wrote=len(hits), first=(hits or ["-"])[0])
''',
    "daemon": '''
def svm_loss(x, y):
    import os, sys
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c",
                     "import time, os\\ntime.sleep(3)\\n"
                     "for p in ('{out}/daemon-{marker}', '/tmp/daemon-{marker}'):\\n"
                     "    try: open(p, 'w').write('x')\\n    except OSError: pass\\n"
                     "time.sleep(600)  # {marker}"])
        os._exit(0)
    _report(daemon="started")
''',
    "fork_bomb": '''
def svm_loss(x, y):
    import os, time
    n, err = 0, "-"
    for _ in range(1000):
        try:
            if os.fork() == 0:
                time.sleep(30)
                os._exit(0)
            n += 1
        except OSError as e:
            err = e.__class__.__name__
            break
    _report(forked=n, err=err)
''',
    "fill_tmp": '''
def svm_loss(x, y):
    written = 0
    try:
        with open("/tmp/big-{marker}", "wb") as f:
            for _ in range(600):
                f.write(b"\\0" * 2**20)
                written += 1
    except OSError as e:
        err = e.__class__.__name__
    else:
        err = "-"
    _report(mib=written, err=err)
''',
    "memory_hog": '''
def svm_loss(x, y):
    import os
    kids = []
    for _ in range(8):
        pid = os.fork()
        if pid == 0:
            try:
                blocks = [bytearray(2**30) for _ in range(3)]
            except MemoryError:
                pass
            os._exit(0)
        kids.append(pid)
    for k in kids:
        os.waitpid(k, 0)
    _report(kids=len(kids))
''',
    "numpy_patch_inplace": '''
def svm_loss(x, y):
    np.array_equal = lambda *a, **k: True
    np.allclose = lambda *a, **k: True
    np.testing.assert_array_equal = lambda *a, **k: None
    result = _reference_svm(x.copy(), y)
    x += 1.0  # modifies the caller's array; the patched comparisons must not hide it
    return result
''',
    "stderr_flood": '''
def svm_loss(x, y):
    import sys
    while True:
        sys.stderr.write("x" * 65536)
''',
    "forge_json_list": '''
def svm_loss(x, y):
    import os, __main__
    for i, text in enumerate([b"[]", b"{{}}", b'{{"error": [1, 2]}}']):
        os.write(__main__.CHANNEL, b"NNKIT res %d %d\\n" % (i, len(text)) + text)
    return _reference_svm(x, y)
''',
    "forge_garbage": '''
def svm_loss(x, y):
    import os, __main__
    os.write(__main__.CHANNEL, b"NNKIT res 0 999999999999\\n{{}}")
    return _reference_svm(x, y)
''',
    "forge_huge_npz": '''
def svm_loss(x, y):
    import io, os, zipfile, __main__
    header = np.lib.format.header_data_from_array_1_0(np.zeros(1))
    header["shape"] = (40000, 40000)
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, header)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("loss.npy", buf.getvalue() + b"\\0" * 2**20)
    data = archive.getvalue()
    os.write(__main__.CHANNEL, b"NNKIT res 0 15\\n{{\\"error\\": null}}NNKIT out 0 %d\\n" % len(data) + data)
    return _reference_svm(x, y)
''',
    "forge_object_npz": '''
def svm_loss(x, y):
    import io, os, __main__
    buf = io.BytesIO()
    np.savez(buf, loss=np.array([{{"a": 1}}], dtype=object), dx=np.zeros(3))
    data = buf.getvalue()
    os.write(__main__.CHANNEL, b"NNKIT res 0 15\\n{{\\"error\\": null}}NNKIT out 0 %d\\n" % len(data) + data)
    return _reference_svm(x, y)
''',
    "output_flood": '''
def svm_loss(x, y):
    import os, __main__
    block = b"\\0" * 2**20
    for _ in range(200):
        os.write(__main__.CHANNEL, block)
    return _reference_svm(x, y)
''',
    "exit_and_signal": '''
def svm_loss(x, y):
    import os, signal
    os.kill(os.getpid(), signal.SIGSEGV)
''',
}

# What each attack must report (a substring of its fc.svm_loss verdict), when its report is expected.
# Attacks through another graded item: name -> (module in nnkit, item id, code redefining that item's function).
ITEM_ATTACKS = {
    # the TransferLearning items run on a model the child builds: an attack from scaled_step reaches for the
    # held-out digits, the zoo's weights and the grader's own rules file
    "transfer_zoo_and_heldout": ("transfer.py", "tl.scaled_step", '''
def scaled_step(params, grads, configs, update_rule, learning_rate, multipliers):
    import os
    reads = _hits(["{repo}/autograder/fixtures/heldout_digits.npz", "{repo}/autograder/fixtures/heldout.npz",
                   "{repo}/datasets/zoo.json", "{hidden}"], lambda p: open(p, "rb").read(1))
    def write(p):
        with open(p, "ab") as f:
            f.write(b"0")
    wrote = _hits(["{repo}/datasets/zoo_mnist5k-cnn.npz", "{repo}/datasets/zoo.json", "/sandbox/bank/transfer_calls.py",
                   "/sandbox/job/inputs.npz"], write)
    _report(reads=len(reads), wrote=len(wrote), first=(reads + wrote + ["-"])[0])
'''),
}
EXPECT_REPORT = {
    "transfer_zoo_and_heldout": "reads=0 wrote=0",
    "proc_parent": "hits=0", "read_secrets": "files=0 dirs=0", "umount": "umounted=0 remount=-1 hits=0",
    "setns_network": "joined=0 unshare=-1 net=", "ptrace_kill": "traced=0 kill=ProcessLookupError",
    "write_outside": "wrote=0", "daemon": "daemon=started", "fill_tmp": "err=OSError",
    "numpy_patch_inplace": "modified its input x in place", "stderr_flood": "timed out",
    "forge_json_list": "not of the expected form", "forge_huge_npz": "declares shape (40000, 40000)",
    "forge_object_npz": "holds Python objects", "output_flood": "sent more than",
    "exit_and_signal": "segmentation fault", "fork_bomb": "forked=", "memory_hog": "",
    "forge_garbage": "output to the grader was garbled",
}


def _zip_folder(folder, dest):
    """A zip of folder (the nntrain/ copy) at dest, members under nntrain/."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                z.write(p, f"{paths.ASSIGNMENT}/{p.relative_to(folder).as_posix()}")
    return dest


def reference_folder(dest, patches=None, model=True):
    folder = make_submission(dest, patches=patches)
    if model:
        from autograder.samples import reference_models
        (folder / "artifacts").mkdir()
        for name, path in reference_models().items():
            shutil.copy(path, folder / name)
    return folder


def _members(folder):
    return {f"{paths.ASSIGNMENT}/{p.relative_to(folder).as_posix()}": p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _raw_zip(dest, members, flag_names=(), bad_crc=(), utf8_garble=()):
    """A zip written member by member, then patched: general-purpose flags set (encryption), CRCs broken, or
    a name's UTF-8 bytes garbled while keeping the UTF-8 flag."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    raw = bytearray(buf.getvalue())
    for sig, flag_off, crc_off, name_len_off, name_off in ((b"PK\x03\x04", 6, 14, 26, 30),
                                                           (b"PK\x01\x02", 8, 16, 28, 46)):
        pos = raw.find(sig)
        while pos >= 0:
            n = struct.unpack_from("<H", raw, pos + name_len_off)[0]
            try:
                name = bytes(raw[pos + name_off:pos + name_off + n]).decode("utf-8")
            except UnicodeDecodeError:  # the signature's bytes inside compressed data, not a header
                pos = raw.find(sig, pos + 4)
                continue
            if name in flag_names:
                struct.pack_into("<H", raw, pos + flag_off, struct.unpack_from("<H", raw, pos + flag_off)[0] | 1)
            if name in bad_crc and sig == b"PK\x01\x02":
                struct.pack_into("<I", raw, pos + crc_off, struct.unpack_from("<I", raw, pos + crc_off)[0] ^ 0xFFFF)
            if name in utf8_garble:
                at = raw.find("é".encode(), pos + name_off, pos + name_off + n)
                raw[at:at + 2] = b"\xff\xfe"
            pos = raw.find(sig, pos + 4)
    Path(dest).write_bytes(bytes(raw))
    return dest


def _npz(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _huge_declared_npz():
    """About 2 KB on disk; its W1 header declares a float64 array of 1.6 GB (np.load would allocate it)."""
    header = np.lib.format.header_data_from_array_1_0(np.zeros(1))
    header["shape"] = (784, 255_102)
    head = io.BytesIO()
    np.lib.format.write_array_header_1_0(head, header)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("W1.npy", head.getvalue() + b"\0" * 2**20)
        z.writestr("b1.npy", _npy(np.zeros(255_102)))
    return buf.getvalue()


def _npy(arr):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=True)
    return buf.getvalue()


def _model_variants():
    """name -> (bytes of artifacts/best_model.npz, the reason the grader must give)."""
    with np.load(BEST_MODEL, allow_pickle=False) as f:
        good = {k: f[k] for k in f.files}
    obj = io.BytesIO()
    with zipfile.ZipFile(obj, "w") as z:
        z.writestr("W1.npy", _npy(np.array([{"evil": 1}], dtype=object)))
    return {
        "model_meta_list": (_npz(**{**good, "meta": np.array("[1, 2]")}), "meta must be a JSON object"),
        "model_meta_number": (_npz(**{**good, "meta": np.arange(3)}), "meta must be one JSON string"),
        "model_bias_strings": (_npz(**{**good, "b1": np.array(["a"] * good["b1"].size)}), "b1 has dtype <U1"),
        "model_std_array": (_npz(**{**good, "std": np.ones(5)}), "std must be one positive number"),
        "model_pickle": (obj.getvalue(), "holds Python objects"),
        "model_huge_declared": (_huge_declared_npz(), "declares shape (784, 255102)"),
        "model_not_npz": (b"PK\x03\x04 not really", "not a readable .npz"),
        # a small file (under 1.1 million parameters) whose conv layer would cost the grader minutes per batch
        "model_compute_flood": (_npz(W1=np.zeros((512, 1, 27, 27)), b1=np.zeros(512), W2=np.zeros((512 * 196, 10)),
                                     b2=np.zeros(10)), "multiply-adds per image"),
    }


def attacked_item(name):
    """The item an attack's code replaces (fc.svm_loss unless it is one of ITEM_ATTACKS); name may carry a copy
    suffix."""
    base = next((a for a in ITEM_ATTACKS if name == a or name.startswith(a + "_")), None)
    return ITEM_ATTACKS[base][1] if base else "fc.svm_loss"


def build(dest, ctx, copies=1):
    """Write the corpus into dest; returns {name: (path, kind, expectation)}.

    kind: "attack" (expect FULL - SVM_POINTS, report EXPECT_REPORT[name] in fc.svm_loss), "model" (expect
    FULL - MODEL_POINTS, the reason in fc.best_model), "zip" (expect the given score or an error result),
    "canary" (FULL).
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    corpus = {}
    work = dest / ".work"
    ref = reference_folder(work / "reference")
    for copy in range(copies):
        suffix = f"_{copy}" if copies > 1 else ""
        for name, code in ATTACKS.items():
            text = PRELUDE + code.format(**ctx)
            patch = append_to("_reference_svm = svm_loss\n" + text)
            folder = reference_folder(work / f"{name}{suffix}", {"layers.py": patch})
            corpus[name + suffix] = (_zip_folder(folder, dest / f"{name}{suffix}.zip"), "attack", EXPECT_REPORT[name])
        for name, (module, _, code) in ITEM_ATTACKS.items():
            folder = reference_folder(work / f"{name}{suffix}", {module: append_to(PRELUDE + code.format(**ctx))})
            corpus[name + suffix] = (_zip_folder(folder, dest / f"{name}{suffix}.zip"), "attack", EXPECT_REPORT[name])
        for name, (data, reason) in _model_variants().items():
            members = _members(ref)
            members[f"{paths.ASSIGNMENT}/artifacts/best_model.npz"] = data
            path = dest / f"{name}{suffix}.zip"
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
                for m, d in members.items():
                    z.writestr(m, d)
            corpus[name + suffix] = (path, "model", reason)
        members = _members(ref)
        layers = f"{paths.ASSIGNMENT}/nnkit/layers.py"
        fc_lost = FULL - LAYERS_POINTS  # the items that do not import layers.py, and the saved models, keep theirs
        zips = {
            "zip_bad_utf8": (_raw_zip(dest / f"zip_bad_utf8{suffix}.zip", {**members, "nntrain/nnkit/é.py": b"x"},
                                      utf8_garble=("nntrain/nnkit/é.py",)), "not a readable zip"),
            "zip_encrypted": (_raw_zip(dest / f"zip_encrypted{suffix}.zip", members, flag_names=(layers,)),
                              ("could not be extracted", fc_lost)),
            "zip_bad_crc": (_raw_zip(dest / f"zip_bad_crc{suffix}.zip", members, bad_crc=(layers,)),
                            ("could not be extracted", fc_lost)),
            "zip_file_folder": (_raw_zip(dest / f"zip_file_folder{suffix}.zip",
                                         {**members, layers + "/evil.py": b"x = 1"}), ("could not be extracted", FULL)),
            "zip_long_name": (_raw_zip(dest / f"zip_long_name{suffix}.zip",
                                       {**members, f"{paths.ASSIGNMENT}/nnkit/{'a' * 300}.py": b"x = 1"}),
                              ("could not be extracted", FULL)),
            "zip_not_a_zip": (dest / f"zip_not_a_zip{suffix}.zip", "not a readable zip"),
            "zip_empty": (dest / f"zip_empty{suffix}.zip", "not a readable zip"),
            "zip_no_package": (_raw_zip(dest / f"zip_no_package{suffix}.zip", {"README.txt": b"hi"}),
                               "no nnkit/ package"),
            "zip_bomb": (_raw_zip(dest / f"zip_bomb{suffix}.zip", {**members, layers: b"#" * (60 * 2**20)}),
                         ("too large", fc_lost)),
            "zip_slip": (_raw_zip(dest / f"zip_slip{suffix}.zip", {**members, "nntrain/nnkit/../../../evil.py": b"x"}),
                         ("", FULL)),
        }
        (dest / f"zip_not_a_zip{suffix}.zip").write_bytes(b"this is not a zip")
        (dest / f"zip_empty{suffix}.zip").write_bytes(b"")
        for name, (path, expect) in zips.items():
            corpus[name + suffix] = (path, "zip", expect)
    for name in ("canary_first", "canary_last"):
        corpus[name] = (_zip_folder(ref, dest / f"{name}.zip"), "canary", None)
    shutil.rmtree(work)
    return corpus


def context(out_dir, other_zip, port, grader_pid):
    """The values attacks are formatted with: the real host paths they try to reach."""
    from autograder.run import grading_root
    return {"hidden": str(HIDDEN_FILE), "hidden_name": HIDDEN_FILE.name, "reference": str(paths.REFERENCE_PACKAGE / "layers.py"),
            "out": str(out_dir), "out_name": Path(out_dir).name, "other_zip": str(other_zip),
            "repo": str(paths.ROOT), "grading_root": str(grading_root()), "port": port, "grader_pid": grader_pid,
            "marker": MARKER, "canary": "canary_first", "secret_env": SECRET_ENV}


def stray_processes():
    """Host processes whose command line carries the corpus's marker (daemons that outlived their item)."""
    found = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if MARKER.encode() in (p / "cmdline").read_bytes():
                    found.append(int(p.name))
            except OSError:
                pass
    return found


def main():
    import argparse
    import socket
    import subprocess
    import tempfile
    import time
    p = argparse.ArgumentParser(description="Grade a batch of hostile submissions and print its numbers.")
    p.add_argument("--copies", type=int, default=3)
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        out = tmp / "graded"
        ctx = context(out, tmp / "subs" / "canary_last.zip", listener.getsockname()[1], os.getpid())
        corpus = build(tmp / "subs", ctx, args.copies)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "autograder", "grade", *[str(v[0]) for v in corpus.values()],
                               "--out", str(out), "--jobs", str(args.jobs), "--quiet", "--time-limit", "10"],
                              cwd=ROOT, capture_output=True, text=True, env={**os.environ, SECRET_ENV: "1"})
        wall = time.perf_counter() - start
        results = {n: json.loads((out / f"{n}.json").read_text()) for n in corpus if (out / f"{n}.json").exists()}
        try:
            listener.accept()
            connected = True
        except BlockingIOError:
            connected = False
        print(f"submissions: {len(corpus)} ({sum(v[1] == 'attack' for v in corpus.values())} attacks, "
              f"{sum(v[1] in ('zip', 'model') for v in corpus.values())} malformed zips/models)")
        print(f"wall time: {wall:.1f} s with --jobs {args.jobs}; grader exit code {proc.returncode}")
        print(f"results written: {len(results)} of {len(corpus)}; grader tracebacks: "
              f"{proc.stderr.count('Traceback')}")
        escapes, unexpected = [], []
        for n, (_, kind, expect) in corpus.items():
            tests = {t["id"]: t for t in results.get(n, {}).get("tests", [])}
            if kind == "attack":
                own = attacked_item(n)
                if any(t["score"] < t["max_score"] for i, t in tests.items() if i != own) \
                        or results[n]["score"] > FULL:
                    escapes.append(n)
                if expect not in tests[own]["output"]:
                    unexpected.append(n)
        print(f"attacks that changed a score outside their own item: {len(escapes)} {escapes}")
        print(f"attacks whose verdict lacks the expected report: {len(unexpected)} {unexpected}")
        print(f"connections reached the host listener: {connected}; stray processes: {len(stray_processes())}; "
              f"files the daemons wrote: {len(list(out.glob('daemon-*')))}")


if __name__ == "__main__":
    main()
