"""Hidden cases: other shapes and seeds for every item; never shipped to students (see release build)."""
from .bank.items import Case

HIDDEN = {
    "fc.affine_forward": (Case("h1", seed=101, x=(10, 2, 3), w=(6, 5)), Case("h2", seed=102, x=(3, 50), w=(50, 1))),
    "fc.affine_backward": (Case("h1", seed=103, x=(6, 2, 2, 2), w=(8, 4)), Case("h2", seed=104, x=(9, 3), w=(3, 3))),
    "fc.relu_forward": (Case("h1", seed=105, x=(7,)), Case("h2", seed=106, x=(2, 2, 2, 2))),
    "fc.relu_backward": (Case("h1", seed=107, x=(7,)), Case("h2", seed=108, x=(3, 2, 4))),
    "fc.svm_loss": (Case("h1", seed=109, N=8, C=2), Case("h2", seed=110, N=30, C=7)),
    "fc.softmax_loss": (Case("h1", seed=111, N=8, C=3, scale=300.0), Case("h2", seed=112, N=30, C=7)),
    "fc.net_init": (Case("h1", hidden_dims=[50, 40, 30], input_dim=60, num_classes=12, weight_scale=1e-1, model_seed=3),),
    "fc.net_loss": (Case("h1", seed=113, hidden_dims=[7, 6, 5], input_dim=9, num_classes=5, N=4, reg=0.1),
                    Case("h2", seed=114, hidden_dims=[4], input_dim=3, num_classes=6, N=5, labels=False)),
    "optim.sgd_momentum": (Case("h1", seed=115, w=(3, 2), steps=2, state=["velocity"], learning_rate=0.05,
                                momentum=0.99),),
    "optim.nesterov_momentum": (Case("h1", seed=116, w=(3, 2), steps=2, state=["velocity"], learning_rate=0.05,
                                     momentum=0.99),),
    "optim.adagrad": (Case("h1", seed=117, w=(3, 2), steps=4, state=["cache"], learning_rate=0.3),),
    "optim.rmsprop": (Case("h1", seed=118, w=(3, 2), steps=4, state=["cache"], learning_rate=0.3,
                           decay_rate=0.5),),
    "optim.adam": (Case("h1", seed=119, w=(3, 2), steps=4, learning_rate=0.3, beta1=0.5, beta2=0.9),
                   Case("h2", seed=120, w=(5,), steps=1, learning_rate=1e-3)),
}
