"""Every notebook's graded items, registered in notebook order (importing this fills items.REGISTRY)."""
from . import fc_items  # noqa: F401,I001  (first: the order of the notebooks)
from . import bn_items  # noqa: F401
from . import do_items  # noqa: F401
from . import cn_items  # noqa: F401
from . import tl_items  # noqa: F401
