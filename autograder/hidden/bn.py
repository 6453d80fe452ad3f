"""Hidden cases of the BatchNormalization notebook's items (see __init__.py)."""
from ..bank.items import Case

TRAIN = {"mode": "train"}

HIDDEN = {
    "bn.batchnorm_forward": (Case("h1", seed=301, N=20, D=3, stats=True, state={"mode": "train", "momentum": 0.5}),
                             Case("h2", seed=302, N=7, D=9, stats=True, state={"mode": "test", "eps": 0.5}),
                             Case("h3", seed=303, N=3, D=3, stats=True,
                                  state={"mode": "train", "eps": 1e-3, "momentum": 0.99})),
    "bn.batchnorm_backward": (Case("h1", seed=311, N=9, D=2, backward=True, state=TRAIN),
                              Case("h2", seed=312, N=3, D=6, backward=True, state={"mode": "train", "eps": 0.5})),
    "bn.batchnorm_backward_alt": (Case("h1", seed=321, N=9, D=2, backward=True, state=TRAIN),
                                  Case("h2", seed=322, N=3, D=6, backward=True, state={"mode": "train", "eps": 0.5})),
    "bn.layernorm_forward": (Case("h1", seed=331, N=8, D=3, stats=True, state={"mode": "test", "eps": 0.3}),
                             Case("h2", seed=332, N=2, D=10, state=TRAIN)),
    "bn.layernorm_backward": (Case("h1", seed=341, N=7, D=3, backward=True, state=TRAIN),
                              Case("h2", seed=342, N=2, D=8, backward=True, state={"mode": "test", "eps": 0.2})),
    "bn.net_with_norm": (Case("h1", seed=351, hidden_dims=[5, 4, 3], input_dim=6, num_classes=3, N=4, reg=0.2,
                              normalization="batchnorm", shift=-1.0),
                         Case("h2", seed=352, hidden_dims=[6], input_dim=4, num_classes=5, N=5, labels=False,
                              normalization="batchnorm", warm_steps=2, shift=1.0)),
}
