"""All cases of an item, public then hidden, and which are hidden."""
from .bank import catalog  # noqa: F401  (registers items)
from .bank.items import REGISTRY
from .hidden import HIDDEN


def all_cases(item):
    """(cases, hidden_names): the item's public cases followed by its hidden ones."""
    hidden = tuple(HIDDEN.get(item.id, ()))
    return tuple(item.public) + hidden, {c.name for c in hidden}


def items(notebooks=None):
    """Graded items, in bank order (of the given notebooks, if any)."""
    return [it for it in REGISTRY.values() if notebooks is None or it.notebook in notebooks]
