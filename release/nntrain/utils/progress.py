"""Progress bars: tqdm's notebook widget in Jupyter, a text bar elsewhere."""
from tqdm.auto import tqdm


def progress_bar(iterable=None, total=None, desc=None, disable=False, leave=True):
    """A tqdm bar over `iterable` (or `total` manual steps) labelled `desc`; `disable` hides it."""
    return tqdm(iterable, total=total, desc=desc, disable=disable, leave=leave)
