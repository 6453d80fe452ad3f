"""Every notebook's graded items, registered in notebook order (importing this fills items.REGISTRY)."""
from . import bn_items, fc_items  # noqa: F401
