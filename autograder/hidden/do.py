"""Hidden cases of the Dropout notebook's items (see __init__.py)."""
from ..bank.items import Case


def _state(mode, p, seed):
    return {"mode": mode, "p": p, "rng_seed": seed}


HIDDEN = {
    "do.dropout_forward": (Case("h1", seed=501, shapes={"x": (20, 9)}, state=_state("train", 0.15, 71)),
                           Case("h2", seed=502, shapes={"x": (2, 3, 5)}, state={"mode": "train", "p": 0.95, "seed": 72})),
    "do.dropout_backward": (Case("h1", seed=511, shapes={"x": (9, 4), "dout": (9, 4)}, state=_state("train", 0.8, 73)),
                            Case("h2", seed=512, shapes={"x": (3, 2, 2, 2), "dout": (3, 2, 2, 2)},
                                 state={"mode": "train", "p": 0.35, "seed": 74})),
    "do.net_regularized": (Case("h1", seed=521, hidden_dims=[5, 4, 3], input_dim=6, num_classes=3, N=5,
                                dropout_keep_ratio=0.7, l1_reg=0.02, model_seed=8),
                           Case("h2", seed=522, hidden_dims=[8], input_dim=3, num_classes=4, N=3, labels=False,
                                dropout_keep_ratio=0.3, l1_reg=0.2, model_seed=9)),
    "do.dropconnect_forward": (Case("h1", seed=531, x=(7, 3), w=(3, 6), state=_state("train", 0.85, 75)),
                               Case("h2", seed=532, x=(2, 2, 2, 2), w=(8, 3), state={"mode": "train", "p": 0.2, "seed": 76})),
    "do.dropconnect_backward": (Case("h1", seed=541, x=(7, 3), w=(3, 6), state=_state("train", 0.85, 77)),
                                Case("h2", seed=542, x=(2, 4, 2), w=(8, 3),
                                     state={"mode": "train", "p": 0.3, "seed": 78})),
    "do.l1_penalty": (Case("h1", seed=551, shapes={"w": (4, 4, 2)}, zeros=0.2, args={"reg": 2.5}),
                      Case("h2", seed=552, shapes={"w": (1,)}, args={"reg": 1e-3})),
    "do.polyak_update": (Case("h1", seed=561, shapes={"w_avg": (3, 3, 2), "w": (3, 3, 2)}, args={"decay": 0.5}),
                         Case("h2", seed=562, shapes={"w_avg": (7,), "w": (7,)}, args={"decay": 0.99})),
    "do.random_flip": (Case("h1", seed=571, N=12, C=2, H=3, W=4, rng_seed=81, args={"p": 0.3}),
                       Case("h2", seed=572, N=4, C=1, H=5, W=2, rng_seed=82, args={"p": 1.0})),
    "do.random_crop": (Case("h1", seed=581, N=6, C=2, H=5, W=7, rng_seed=83, args={"pad": 3}),
                       Case("h2", seed=582, N=3, C=1, H=4, W=4, rng_seed=84)),
}
