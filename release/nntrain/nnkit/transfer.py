"""Transfer learning (the TransferLearning notebook): features from a pretrained model, a new head on a frozen
base, per-parameter learning rates, and a fresh output layer for a new set of classes.

A pretrained model here is a ConvNet (nnkit.convnet): `layers` is a tuple of (name, kind) stages, stage i
(1-based) owns params W{i} and b{i}, and nnkit.layer_utils.stage_forward / stage_backward run a stage.
`feature_dims[name]` is the size of a stage's output per example.

The layers are imported where a forward pass runs, so reinit_last_layer, HeadOnBase's constructor and
scaled_step work (and are graded) even while layers.py is broken.
"""
import numpy as np


def _stage_index(model, layer, name):
    """1-based index of the stage called `layer`, or a ValueError listing the stage names."""
    names = [n for n, _ in model.layers]
    if layer not in names:
        raise ValueError(f"{name}: no stage named {layer!r}; the model's stages are {names}")
    return names.index(layer) + 1


def extract_features(model, X, layer, batch_size=256):
    """The output of stage `layer` for every example, flattened: what a new head on that stage sees.

    Runs stages 1 .. layer in order with stage_forward (a forward pass only: no loss, no backward), over
    minibatches of batch_size examples, and flattens each example's output in C order.

    Args:
        model: a ConvNet-like model (layers, params, dtype).
        X: (N, C, H, W) inputs.
        layer: name of a stage, e.g. "conv2" or "fc1".
        batch_size: examples per forward pass (bounds the memory a conv stage needs).

    Returns:
        features: (N, model.feature_dims[layer]) array of model.dtype; a new array (the model's parameters
        and X are not modified).
    """
    k = _stage_index(model, layer, "extract_features")
    if batch_size < 1:
        raise ValueError(f"extract_features: batch_size must be >= 1, got {batch_size}")
    from .layer_utils import stage_forward
    chunks = []  # one (batch, D) array per minibatch
    raise NotImplementedError("extract_features: your code goes here (see the docstring); then run check('extract_features')")
    if not chunks:
        return np.zeros((0, model.feature_dims[layer]), dtype=model.dtype)
    return np.concatenate(chunks).astype(model.dtype, copy=False)


def head_weights(D, num_classes, seed=None, dtype=np.float32):
    """A fresh output stage for D features (given): W (D, num_classes) drawn as
    np.random.default_rng(seed).standard_normal((D, num_classes)) * sqrt(1 / D), and b zeros (num_classes,),
    both of dtype."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((D, num_classes)) * np.sqrt(1.0 / D)
    return W.astype(dtype), np.zeros(num_classes, dtype=dtype)


def reinit_last_layer(model, num_classes, seed=None):
    """Replace the model's output stage by a fresh one for num_classes classes, in place.

    The last stage L gets W{L}, b{L} = head_weights(D, num_classes, seed, model.dtype), where D is the number
    of features the stage takes (W{L}'s first dimension). Every other parameter keeps its values.

    Args:
        model: a ConvNet-like model whose last stage is its output.
        num_classes: the new number of classes, >= 2.
        seed: seed of the new weights' generator.

    Returns:
        model (the same object).
    """
    if num_classes < 2:
        raise ValueError(f"reinit_last_layer: num_classes must be >= 2, got {num_classes}")
    L = len(model.layers)
    raise NotImplementedError("reinit_last_layer: your code goes here (see the docstring); then run check('reinit_last_layer')")
    return model


class HeadOnBase:
    """A pretrained model's stages 1 .. layer (copied) with a new output stage ("head") on top.

    Stage i <= k (k = layer's index) keeps the base's W{i}, b{i} (copies: training this model never changes
    the base); the head is stage k + 1 with W{k+1}, b{k+1} = head_weights(D, num_classes, seed, base.dtype),
    D = base.feature_dims[layer]. Frozen parameters are left out of the gradients (the Solver leaves them
    alone), and loss() does not backpropagate below the lowest stage that trains.

    Args:
        base: a ConvNet-like model (layers, params, feature_dims, dtype, input_dim); not modified.
        layer: the stage the head sits on, e.g. "fc1" (the top features) or "conv2" (an earlier stage).
        num_classes: classes of the new task.
        freeze: True (every copied stage frozen: a linear probe), False (nothing frozen: fine-tune all), or
            a collection of stage names to freeze (e.g. ("conv1",)).
        seed: seed of the head's weights.

    Attributes:
        layers: base.layers[:k] + (("head", "output"),).
        params: W1, b1, ..., W{k+1}, b{k+1}.
        frozen: set of the names of frozen parameters (W{i} and b{i} of every frozen stage).
        feature_dims, dtype, input_dim.
    """

    def __init__(self, base, layer, num_classes, freeze=True, seed=None):
        k = _stage_index(base, layer, "HeadOnBase")
        names = [n for n, _ in base.layers[:k]]
        frozen_stages = names if freeze is True else [] if freeze is False else list(freeze)
        unknown = [n for n in frozen_stages if n not in names]
        if unknown:
            raise ValueError(f"HeadOnBase: cannot freeze {unknown}; the stages kept are {names}")
        self.layers = tuple(base.layers[:k]) + (("head", "output"),)
        self.feature_dims = {**{n: base.feature_dims[n] for n in names}, "head": num_classes}
        self.dtype, self.input_dim = base.dtype, tuple(base.input_dim)
        self.params, self.frozen = {}, set()
        raise NotImplementedError("HeadOnBase.__init__: your code goes here (see the docstring); then run check('HeadOnBase.__init__')")

    def loss(self, X, y=None):
        """Scores, or loss and the gradients of the parameters that train.

        Args:
            X: (N, C, H, W) inputs.
            y: (N,) labels, or None.

        Returns:
            If y is None: scores (N, num_classes).
            Else: (loss, grads): the mean softmax loss, and grads {name: gradient} for every parameter NOT in
            self.frozen (and none for a frozen one). self.params is left unchanged.
        """
        from .layer_utils import stage_backward, stage_forward
        from .layers import softmax_loss
        h = X.astype(self.dtype)
        caches = []
        raise NotImplementedError("HeadOnBase.loss: your code goes here (see the docstring); then run check('HeadOnBase.loss')")
        if y is None:
            return h
        grads = {}
        raise NotImplementedError("HeadOnBase.loss: your code goes here (see the docstring); then run check('HeadOnBase.loss')")
        return loss, grads


def scaled_step(params, grads, configs, update_rule, learning_rate, multipliers):
    """One update of every parameter at its own learning rate: learning_rate * multipliers.get(name, 1.0).

    A per-layer learning rate, e.g. 0.1 for pretrained stages and 1 for a new head. For every name in params:
        m = multipliers.get(name, 1.0)
        m == 0 (frozen): params[name] and configs[name] stay exactly as they are (the rule is not called, so
            its state (momentum, Adam's t) does not move either); grads need not hold name.
        m > 0: the config's "learning_rate" entry becomes learning_rate times m (set afresh at every step, never
            multiplied into the previous value), then the rule updates the parameter and its config:
            update_rule(params[name], grads[name], configs[name]) -> (new parameter, new config).
    Scaling the gradient instead of the learning rate is not the same: Adam's step does not depend on the
    gradient's scale.

    Args:
        params: dict name -> array; entries are replaced by the updated arrays.
        grads: dict name -> gradient shaped like params[name].
        configs: dict name -> the update rule's config for that parameter (one dict each).
        update_rule: rule(w, dw, config) -> (next_w, config), e.g. nnkit.optim.adam.
        learning_rate: the base learning rate.
        multipliers: dict name -> multiplier >= 0; names absent get 1.

    Returns:
        None (params and configs are updated in place).
    """
    unknown = sorted(set(multipliers) - set(params))
    if unknown:
        raise ValueError(f"scaled_step: multipliers for {unknown}, which are not parameters; the parameters are "
                         f"{sorted(params)}")
    negative = sorted(p for p, m in multipliers.items() if m < 0)
    if negative:
        raise ValueError(f"scaled_step: multipliers must be >= 0; {negative} are negative")
    missing = sorted(p for p in params if multipliers.get(p, 1.0) != 0 and p not in grads)
    if missing:
        raise ValueError(f"scaled_step: no gradient for {missing}; give them a gradient or a multiplier of 0")
    raise NotImplementedError("scaled_step: your code goes here (see the docstring); then run check('scaled_step')")
