"""Known mistakes: realistic wrong versions of each graded function, as patches on the reference source.

One module per notebook (fc.py, bn.py, do.py, ...) holds that notebook's MISTAKES; MISTAKES here is all of them.

A Mistake replaces one exact snippet of a reference module with the wrong code. The build runs each one to
record its outputs (so the grader can name the mistake when a student's output matches), and the tests grade
each as a submission to prove it loses points and gets its hint (the hint text lives in the bank item).
"""
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Mistake:
    item: str   # item id
    name: str   # key of the hint in the item's mistakes
    file: str   # module file inside the package
    old: str    # exact reference snippet
    new: str    # its wrong replacement

    def apply(self, package_dir):
        """Patch the module in package_dir (a copy of the reference package) in place."""
        path = Path(package_dir) / self.file
        text = path.read_text()
        if text.count(self.old) != 1:
            raise ValueError(f"mistake {self.item}/{self.name}: snippet found {text.count(self.old)} times in "
                             f"{self.file}; expected once:\n{self.old}")
        path.write_text(text.replace(self.old, self.new))


def M(item, name, file, old, new):
    return Mistake(item, name, file, old, new)


L, O, F = "layers.py", "optim.py", "fc_net.py"  # the modules mistakes patch
R, A = "regularization.py", "augment.py"
C, N = "conv_layers.py", "cnn.py"
T = "transfer.py"


from . import bn, cn, do, fc, tl  # noqa: E402  (each imports M from here)

MISTAKES = fc.MISTAKES + bn.MISTAKES + do.MISTAKES + cn.MISTAKES + tl.MISTAKES


def for_item(item_id):
    """The mistakes of one item."""
    return [m for m in MISTAKES if m.item == item_id]


def mutant_package(reference_dir, mistake, dest, name="nnkit"):
    """Copy the reference package to dest/name and apply `mistake`; returns dest/name."""
    target = Path(dest) / name
    shutil.copytree(reference_dir, target, ignore=shutil.ignore_patterns("__pycache__"))
    mistake.apply(target)
    return target
