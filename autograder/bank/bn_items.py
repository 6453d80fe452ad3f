"""Graded items of the BatchNormalization notebook (public cases; hidden cases stay in the grader)."""
from .items import Case, Item, register

NB = "BatchNormalization"
TRAIN, TEST = {"mode": "train"}, {"mode": "test"}
BN_STATE = ("running_mean", "running_var")
DVAR_MISSING = ("dx lacks the path through the variance: var depends on x, so dx gets "
                "2 (x - mean) / N * dvar as well")
DMEAN_MISSING = "dx lacks the path through the mean: the mean depends on x, so dx gets -sum(dx_centered) / N"
DGAMMA_AXIS = "dgamma and dbeta sum over the batch (axis 0): one entry per feature"
EPS_OUTSIDE = "eps goes inside the square root: (x - mean) / sqrt(var + eps), and it is bn_param's eps"


def _backward_cases(seed):
    """The same shapes for the graph and the closed-form backward (their cases differ by seed)."""
    return (Case("N=6, D=5", seed=seed, N=6, D=5, backward=True, state=TRAIN),
            Case("square N = D = 4", seed=seed + 1, N=4, D=4, backward=True, state=TRAIN),
            Case("batch of 2, eps = 0.1", seed=seed + 2, N=2, D=3, backward=True, state={"mode": "train", "eps": 0.1}))


register(
    Item("bn.batchnorm_forward", points=6, function="layers.batchnorm_forward", kind="function",
         recipe="normalization", returns=("out", None), notebook=NB, state_arg="bn_param", state_out=BN_STATE,
         public=(Case("train, running stats given, momentum 0.8", seed=201, N=8, D=5, stats=True,
                      state={"mode": "train", "momentum": 0.8}),
                 Case("train, first call: running stats start at zero", seed=202, N=6, D=3, state=TRAIN),
                 Case("test mode: running statistics only", seed=203, N=5, D=4, stats=True, state=TEST),
                 Case("batch of 2, eps = 0.1", seed=204, N=2, D=3, stats=True, state={"mode": "train", "eps": 0.1}),
                 Case("unknown mode 'eval': ValueError naming it", seed=205, N=3, D=2,
                      state={"mode": "eval"}, expect_error={"type": "ValueError", "names": "eval"})),
         hidden=3,
         mistakes={"test_uses_batch_stats": "test mode must use running_mean and running_var, not the batch's "
                                            "statistics",
                   "unbiased_var": "batch norm uses the biased variance (divide by N): x.var(axis=0), not ddof=1",
                   "running_not_updated": "the running statistics are never updated: in train mode "
                                          "running = momentum * running + (1 - momentum) * batch statistic",
                   "momentum_reversed": "momentum weighs the old running value: momentum * running + "
                                        "(1 - momentum) * batch, not the other way round",
                   "eps_outside_sqrt": EPS_OUTSIDE,
                   "running_var_of_std": "running_var averages the batch variance, not the standard deviation",
                   "normalized_over_features": "batch norm normalizes each feature over the batch (axis 0), "
                                               "not each example over its features (that is layer norm)"}),
    Item("bn.batchnorm_backward", points=6, function="layers.batchnorm_backward", kind="backward",
         recipe="normalization", forward="layers.batchnorm_forward", returns=("dx", "dgamma", "dbeta"),
         notebook=NB, state_arg="bn_param", public=_backward_cases(211), hidden=2,
         mistakes={"dvar_missing": DVAR_MISSING, "dmean_missing": DMEAN_MISSING, "dgamma_axis": DGAMMA_AXIS,
                   "x_hat_treated_as_input": "dx treats x_hat as if it were the input: dx = dout * gamma / std "
                                              "forgets that the batch's mean and variance depend on x",
                   "dgamma_without_x_hat": "dgamma = sum(dout * x_hat): the upstream gradient times the "
                                           "normalized input"}),
    Item("bn.batchnorm_backward_alt", points=4, function="layers.batchnorm_backward_alt", kind="backward",
         recipe="normalization", forward="layers.batchnorm_forward", returns=("dx", "dgamma", "dbeta"),
         notebook=NB, state_arg="bn_param", public=_backward_cases(221), hidden=2,
         mistakes={"no_N_factor": "the closed form is gamma / (N std) (N dout - sum(dout) - x_hat sum(dout x_hat)); "
                                  "a factor N is missing",
                   "without_x_hat_term": "the term - x_hat * sum(dout * x_hat) (from the variance) is missing",
                   "without_mean_term": "the term - sum(dout) (from the mean) is missing",
                   "gamma_missing": "dx is scaled by gamma: the closed form starts with gamma / (N std)"}),
    Item("bn.layernorm_forward", points=4, function="layers.layernorm_forward", kind="function",
         recipe="normalization", returns=("out", None), notebook=NB, state_arg="ln_param",
         public=(Case("N=4, D=6", seed=231, N=4, D=6, state=TRAIN),
                 Case("test mode: the same as train", seed=232, N=3, D=5, stats=True, state=TEST),
                 Case("one example", seed=233, N=1, D=7, state=TRAIN),
                 Case("eps = 0.1", seed=234, N=3, D=2, state={"mode": "train", "eps": 0.1})),
         hidden=2,
         mistakes={"over_batch": "layer norm normalizes each example over its features (axis 1), not each "
                                 "feature over the batch",
                   "running_stats": "layer norm keeps no running statistics: test mode computes the same "
                                    "per-example statistics as train mode",
                   "unbiased_var": "layer norm uses the biased variance of each example's features (divide by D)",
                   "eps_outside_sqrt": EPS_OUTSIDE.replace("bn_param", "ln_param")}),
    Item("bn.layernorm_backward", points=5, function="layers.layernorm_backward", kind="backward",
         recipe="normalization", forward="layers.layernorm_forward", returns=("dx", "dgamma", "dbeta"),
         notebook=NB, state_arg="ln_param",
         public=(Case("N=5, D=6", seed=241, N=5, D=6, backward=True, state=TRAIN),
                 Case("square N = D = 4", seed=242, N=4, D=4, backward=True, state=TRAIN),
                 Case("one example, eps = 0.1", seed=243, N=1, D=5, backward=True, state={"mode": "train", "eps": 0.1})),
         hidden=2,
         mistakes={"dgamma_axis": DGAMMA_AXIS + ", even in layer norm",
                   "dvar_missing": DVAR_MISSING.replace("/ N", "/ D").replace("var depends on x",
                                                                               "each example's variance depends on x"),
                   "dmean_missing": DMEAN_MISSING.replace("/ N", "/ D").replace("the mean", "each example's mean")}),
    Item("bn.net_with_norm", points=6, function="fc_net.FullyConnectedNet", kind="model_loss", recipe="model",
         returns=(), rtol=1e-5, notebook=NB,
         public=(Case("batchnorm, loss, reg = 0.5", seed=251, hidden_dims=[6, 5], input_dim=8, num_classes=4, N=5,
                      reg=0.5, normalization="batchnorm", shift=1.0),
                 Case("layernorm, loss", seed=252, hidden_dims=[6, 5], input_dim=8, num_classes=4, N=4,
                      normalization="layernorm"),
                 Case("batchnorm scores after 3 training batches", seed=253, hidden_dims=[7], input_dim=5,
                      num_classes=3, N=6, labels=False, normalization="batchnorm", warm_steps=3, shift=2.0),
                 Case("layernorm scores", seed=254, hidden_dims=[6, 4], input_dim=5, num_classes=3, N=3,
                      labels=False, normalization="layernorm")),
         hidden=2,
         uses=("fc.affine_forward", "fc.affine_backward", "fc.relu_forward", "fc.relu_backward", "fc.softmax_loss",
               "bn.batchnorm_forward", "bn.batchnorm_backward", "bn.layernorm_forward", "bn.layernorm_backward"),
         mistakes={"norm_params_regularized": "L2 regularizes the weights W1..WL only: not gamma and beta "
                                              "(nor the biases)",
                   "layernorm_over_batch": "the layer norm net normalizes over the batch: layernorm_forward must "
                                           "normalize each example over its features",
                   "test_uses_batch_stats": "the scores (test mode) use the batch's statistics: batchnorm_forward "
                                            "in test mode must use running_mean and running_var"}),
)
