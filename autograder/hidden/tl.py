"""Hidden cases of the TransferLearning notebook's items (see __init__.py)."""
from ..bank.items import Case
from ..bank.tl_items import FC_ONLY, SMALL

HIDDEN = {
    "tl.extract_features": (Case("h1", seed=851, N=6, layer="conv1", batch_size=4, **SMALL),
                            Case("h2", seed=852, N=2, layer="fc2", input_dim=[2, 4, 4], layers=SMALL["layers"],
                                 widths=[3, 2, 4, 3])),
    "tl.reinit_last_layer": (Case("h1", seed=861, num_classes=2, model_seed=9, **FC_ONLY),),
    "tl.head_on_base_init": (Case("h1", seed=871, layer="fc1", num_classes=2, freeze=["conv1"], model_seed=6, **SMALL),),
    "tl.head_on_base_loss": (Case("h1", seed=881, N=4, layer="fc1", num_classes=2, head=["fc1", 2], labels=True,
                                  frozen=["W1", "b1", "W3", "b3"], train_steps=2, **SMALL),),
    "tl.scaled_step": (Case("h1", seed=891, shapes={"W1": [2, 3], "b1": [3], "W2": [3, 2]}, steps=2, rule="adam",
                            learning_rate=0.05, multipliers={"W1": 0.0, "W2": 2.0}),
                       Case("h2", seed=892, shapes={"W1": [4], "W2": [2, 2]}, steps=3, rule="sgd", learning_rate=0.2,
                            multipliers={})),
}
