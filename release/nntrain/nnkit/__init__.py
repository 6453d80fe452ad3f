"""nnkit: the layers, update rules and models students implement across the five notebooks."""
