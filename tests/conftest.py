"""Shared helpers: the reference on sys.path, and submissions made from it with patches."""
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "assignments" / "nntrain"
for p in (str(ROOT), str(SOURCE)):
    if p not in sys.path:
        sys.path.insert(0, p)

from autograder import paths, run, sandbox  # noqa: E402
from autograder.grade import load_tables  # noqa: E402

SANDBOX_OK, SANDBOX_WHY = sandbox.probe()
if not SANDBOX_OK:
    # The kit's own (trusted) code is graded unsandboxed here; tests of the sandbox itself skip.
    print(f"\nno bubblewrap sandbox on this machine: {SANDBOX_WHY}", file=sys.stderr)
    run.DEFAULT["mode"] = "none"
needs_sandbox = pytest.mark.skipif(not SANDBOX_OK, reason=f"needs the bubblewrap sandbox: {SANDBOX_WHY}")

# The sample submissions' scores (autograder/samples.py), from the bank: every notebook's auto-graded points.
from autograder.cases import items as _items  # noqa: E402

FULL = float(sum(it.points for it in _items()))            # reference.zip
# partial.zip: its three FullyConnectedNets mistakes cost 31.66 there; affine_backward's costs net_with_norm 3,
# net_regularized 3.33, convnet_loss 4.8 and head_on_base_loss 4.8; it has no saved models (the Dropout,
# ConvolutionalNetworks and TransferLearning ones are 10 more each)
PARTIAL = round(FULL - 31.66 - 3 - 3.33 - 4.8 - 4.8 - 10 - 10 - 10, 2)
# broken.zip: only what does not import layers.py (the update rules but Adam; dropout, DropConnect, L1, Polyak and
# the augmentations; convolution, pooling and group norm: 26; reinit_last_layer, HeadOnBase's constructor and
# scaled_step: 11) and FullyConnectedNets' saved model
BROKEN = 57.0 + 26.0 + 11.0
N_ITEMS = len(_items())


def imports_layers(item):
    """Whether grading `item` imports layers.py: its own functions, the nets (fc_net.py and cnn.py import it) and
    spatial batch norm (which calls batchnorm_forward). The others (update rules, regularizers, augmentations,
    convolution, pooling and group norm, the saved models) live in modules of their own; nnkit.transfer imports the
    layers only where a forward pass runs (extract_features, HeadOnBase.loss)."""
    return (item.function.startswith(("layers.", "fc_net.", "cnn.", "conv_layers.spatial_batchnorm"))
            or item.id in ("tl.extract_features", "tl.head_on_base_loss"))


N_ARTIFACTS = sum(it.kind == "artifact" for it in _items())  # the saved-model items (no code to run)
FC_FULL, FC_PARTIAL = 75.0, 43.34                          # the FullyConnectedNets notebook's auto-graded part


def _notebook_points():
    import json
    cells = [c for n in paths.NOTEBOOKS for c in json.loads((paths.SOURCE / f"{n}.ipynb").read_text())["cells"]]
    return sum(c["metadata"].get("nbgrader", {}).get("points", 0) for c in cells
               if c["metadata"].get("nbgrader", {}).get("grade"))


MAX_WITH_HAND_GRADES = float(_notebook_points())          # what nbgrader's gradebook says a submission can get


def make_submission(dest, package_dir=paths.REFERENCE_PACKAGE, patches=None, extra=None):
    """A submission folder dest/nntrain with a copy of package_dir as nnkit/ and patched files.

    patches: {file in nnkit: function text -> text}; extra: {relative path: text} written as given.
    """
    folder = Path(dest) / paths.ASSIGNMENT
    shutil.copytree(package_dir, folder / paths.PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
    for name, patch in (patches or {}).items():
        path = folder / paths.PACKAGE / name
        path.write_text(patch(path.read_text()))
    for rel, text in (extra or {}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder


def append_to(file_text_addition):
    """A patch that appends code to a module (later definitions replace earlier ones)."""
    return lambda text: text + "\n\n" + file_text_addition + "\n"


@pytest.fixture(scope="session")
def table():
    return load_tables()
