"""An independently written, correct nnkit (loops, einsum, other caches): must get full marks."""
