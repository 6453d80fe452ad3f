"""Hidden cases: other shapes and seeds for every item; never shipped to students (see release build).

One module per notebook (fc.py, bn.py, ...) holds that notebook's HIDDEN {item id: cases}.
"""
from . import bn, cn, do, fc, tl

HIDDEN = {**fc.HIDDEN, **bn.HIDDEN, **do.HIDDEN, **cn.HIDDEN, **tl.HIDDEN}
