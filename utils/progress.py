"""Progress bars as plain text on stdout: they update in place in JupyterLab and a terminal, and stay readable
where widgets cannot render (exported HTML, nbconvert, a log file)."""
import sys

from tqdm.std import tqdm


def progress_bar(iterable=None, total=None, desc=None, disable=False, leave=True):
    """A text tqdm bar over `iterable` (or `total` manual steps) labelled `desc`; `disable` hides it."""
    return tqdm(iterable, total=total, desc=desc, disable=disable, leave=leave, file=sys.stdout, ncols=90,
                mininterval=2.0)  # few redraws: an exported notebook keeps each one as a line
