"""A second independently written correct nnkit: loops, the inputs ' dtype kept throughout, config state updated in place."""
