"""Solver: minibatch training of a model with any update rule, with history and best-model keeping."""
import copy
from pathlib import Path

import numpy as np

from . import schedules
from .progress import progress_bar

REQUIRED_DATA = ("X_train", "y_train", "X_val", "y_val")
STATE_ATTRS = ("norm_params",)  # model state that belongs with its parameters (batch norm's running statistics)


class Solver:
    """Train a classification model by minibatch gradient descent.

    The model must have `params` (dict name -> array) and `loss(X, y=None)`, returning scores (N, C) when y
    is None and (loss, grads) otherwise, grads with the keys of params. After train(), model.params holds
    the parameters with the best validation accuracy seen at any epoch end, and the model's state from that
    moment (the running statistics in model.norm_params, if it has them). Histories: loss_history,
    lr_history and update_ratios (per parameter, |update| / |weights|) have one value per iteration;
    train_acc_history and val_acc_history one per epoch.

    Args:
        model: the model.
        data: dict with X_train (N_train, ...), y_train (N_train,), X_val, y_val.
        update_rule: name of a rule in nnkit.optim ("sgd", "sgd_momentum", "nesterov_momentum", "adagrad",
            "rmsprop", "adam") or a callable rule(w, dw, config) -> (next_w, config).
        optim_config: hyperparameters of the rule (learning_rate, momentum, ...); every parameter gets its
            own copy, so state such as velocity is kept per parameter.
        lr_schedule: None, a name from utils.schedules ("step", "exponential", "cosine", "warmup") or a
            callable (t, T) -> multiplier of the base learning rate at iteration t of T.
        batch_size: examples per step.
        num_epochs: passes over the training data.
        num_train_samples: training examples used to measure train accuracy at each epoch end (None: all).
        num_val_samples: validation examples used for val accuracy (None: all).
        checkpoint_name: if given, the parameters and histories are saved to "<name>_epoch_<e>.npz" each epoch.
        print_every: print the loss every this many iterations (when verbose).
        verbose: print progress lines; quiet otherwise.
        progress: show a progress bar over iterations.
        seed: seed of the generator that draws minibatches (and the augmentations' draws).
        augment: None or a callable (X_batch, rng) -> X_batch applied to every training minibatch (never to
            validation data), e.g. lambda X, rng: augment.random_crop(augment.random_flip(X, rng), rng).
        polyak_decay: None or the decay of Polyak averaging: after every step avg_params[p] =
            nnkit.optim.polyak_update(avg_params[p], params[p], decay); the averaged weights' validation
            accuracy is recorded in polyak_val_acc_history at every epoch end.
        snapshot_epochs: epochs (1-based) at whose end a copy of the parameters (and model state) is appended
            to `snapshots`, e.g. the ends of the cycles of a cosine_restarts schedule.
        lr_multipliers: None or {parameter name: multiplier >= 0} (names absent: 1): parameter p learns at
            learning_rate * multiplier, through nnkit.transfer.scaled_step. A model's `frozen` parameter
            names (HeadOnBase) get multiplier 0: no update at all, and they need no gradient.
    """

    def __init__(self, model, data, update_rule="sgd", optim_config=None, lr_schedule=None, batch_size=100,
                 num_epochs=10, num_train_samples=1000, num_val_samples=None, checkpoint_name=None,
                 print_every=100, verbose=False, progress=True, seed=0, augment=None, polyak_decay=None,
                 snapshot_epochs=(), lr_multipliers=None):
        missing = [k for k in REQUIRED_DATA if k not in data]
        if missing:
            raise ValueError(f"Solver: data is missing {missing}; expected keys {list(REQUIRED_DATA)}")
        if len(data["X_train"]) != len(data["y_train"]):
            raise ValueError(f"Solver: X_train has {len(data['X_train'])} examples but y_train "
                             f"{len(data['y_train'])}")
        self.model = model
        self.X_train, self.y_train = data["X_train"], data["y_train"]
        self.X_val, self.y_val = data["X_val"], data["y_val"]
        self.update_rule = _resolve_rule(update_rule)
        self.optim_config = dict(optim_config or {})
        self.schedule = schedules.get(lr_schedule)
        self.batch_size = batch_size
        self.num_epochs = num_epochs
        self.num_train_samples = num_train_samples
        self.num_val_samples = num_val_samples
        self.checkpoint_name = checkpoint_name
        self.print_every = print_every
        self.verbose = verbose
        self.progress = progress
        self.rng = np.random.default_rng(seed)
        self.augment = augment
        self.polyak_decay = polyak_decay
        if polyak_decay is not None:
            from nnkit.optim import polyak_update  # the student's, found next to the notebook
            self.polyak_update = polyak_update
        self.snapshot_epochs = set(snapshot_epochs)
        frozen = getattr(model, "frozen", None) or ()
        self.lr_multipliers = None
        if lr_multipliers is not None or frozen:
            if self.optim_config.get("learning_rate") is None:
                raise ValueError("Solver: lr_multipliers (or a model with frozen parameters) need optim_config's "
                                 "learning_rate, the rate the multipliers scale")
            from nnkit.transfer import scaled_step  # the student's, found next to the notebook
            self.scaled_step = scaled_step
            self.lr_multipliers = {**(lr_multipliers or {}), **{p: 0.0 for p in frozen}}
        self._reset()

    def _reset(self):
        self.epoch = 0
        self.best_val_acc = 0.0
        self.best_params = {}
        self.best_state = {}
        self.loss_history, self.lr_history = [], []
        self.update_ratios = {p: [] for p in self.model.params}  # |update| / |weights| at every step
        self.train_acc_history, self.val_acc_history = [], []
        self.optim_configs = {p: copy.deepcopy(self.optim_config) for p in self.model.params}
        self.base_lr = self.optim_config.get("learning_rate")
        self.avg_params = {k: v.copy() for k, v in self.model.params.items()} if self.polyak_decay is not None else None
        self.polyak_val_acc_history = []
        self.snapshots = []

    def _step(self, t, T):
        idx = self.rng.choice(len(self.X_train), self.batch_size, replace=len(self.X_train) < self.batch_size)
        X_batch = self.X_train[idx]
        if self.augment is not None:
            X_batch = self.augment(X_batch, self.rng)
        loss, grads = self.model.loss(X_batch, self.y_train[idx])
        self.loss_history.append(float(loss))
        multiplier = self.schedule(t, T)
        before = dict(self.model.params)
        if self.lr_multipliers is not None:
            self.scaled_step(self.model.params, grads, self.optim_configs, self.update_rule,
                             self.base_lr * multiplier, self.lr_multipliers)
        else:
            for p, w in before.items():
                config = self.optim_configs[p]
                if self.base_lr is not None:
                    config["learning_rate"] = self.base_lr * multiplier
                self.model.params[p], self.optim_configs[p] = self.update_rule(w, grads[p], config)
        for p, w in before.items():
            scale = np.linalg.norm(w)
            self.update_ratios[p].append(float(np.linalg.norm(self.model.params[p] - w) / scale) if scale else 0.0)
        self.lr_history.append(None if self.base_lr is None else self.base_lr * multiplier)
        if self.avg_params is not None:
            for p, w in self.model.params.items():
                self.avg_params[p] = self.polyak_update(self.avg_params[p], w, self.polyak_decay)

    def check_accuracy(self, X, y, num_samples=None, batch_size=500):
        """Fraction of correct predictions on (X, y), on a random subset of num_samples if given."""
        if num_samples is not None and len(X) > num_samples:
            idx = self.rng.choice(len(X), num_samples, replace=False)
            X, y = X[idx], y[idx]
        return accuracy(self.model, X, y, batch_size)

    def train(self):
        """Run the optimization; returns self (histories filled, best params in model.params)."""
        per_epoch = max(len(self.X_train) // self.batch_size, 1)
        T = self.num_epochs * per_epoch
        bar = progress_bar(total=T, desc="training", disable=not self.progress)
        for t in range(T):
            self._step(t, T)
            bar.update(1)
            if t % 10 == 0:
                bar.set_postfix(loss=f"{self.loss_history[-1]:.3f}")
            if self.verbose and t % self.print_every == 0:
                print(f"(Iteration {t + 1} / {T}) loss: {self.loss_history[-1]:f}")
            if (t + 1) % per_epoch == 0 or t == T - 1:
                self._end_epoch()
        bar.close()
        self.model.params = self.best_params
        for attr, value in self.best_state.items():
            setattr(self.model, attr, value)
        return self

    def _end_epoch(self):
        self.epoch += 1
        train_acc = self.check_accuracy(self.X_train, self.y_train, self.num_train_samples)
        val_acc = self.check_accuracy(self.X_val, self.y_val, self.num_val_samples)
        self.train_acc_history.append(train_acc)
        self.val_acc_history.append(val_acc)
        if self.verbose:
            print(f"(Epoch {self.epoch} / {self.num_epochs}) train acc: {train_acc:f}; val_acc: {val_acc:f}")
        if val_acc > self.best_val_acc or not self.best_params:
            self.best_val_acc = val_acc
            self.best_params, self.best_state = self._model_copy()
        if self.avg_params is not None:
            raw = self.model.params
            self.model.params = self.avg_params
            self.polyak_val_acc_history.append(self.check_accuracy(self.X_val, self.y_val, self.num_val_samples))
            self.model.params = raw
        if self.epoch in self.snapshot_epochs:
            self.snapshots.append(self._model_copy())
        if self.checkpoint_name:
            self.save_checkpoint(f"{self.checkpoint_name}_epoch_{self.epoch}.npz")

    def _model_copy(self):
        """(copy of the model's params, copy of its STATE_ATTRS): what restoring this moment needs."""
        return ({k: v.copy() for k, v in self.model.params.items()},
                {a: copy.deepcopy(getattr(self.model, a)) for a in STATE_ATTRS if hasattr(self.model, a)})

    def save_checkpoint(self, path):
        """Save current parameters and histories to an .npz (plain arrays, no pickle)."""
        arrays = {f"param/{k}": v for k, v in self.model.params.items()}
        arrays.update(loss_history=np.array(self.loss_history), epoch=np.array(self.epoch),
                      train_acc_history=np.array(self.train_acc_history),
                      val_acc_history=np.array(self.val_acc_history))
        np.savez(Path(path), **arrays)


def accuracy(model, X, y, batch_size=500):
    """Fraction of examples whose highest score is the label; model.loss(X) gives (N, C) scores."""
    if len(X) == 0:
        return 0.0
    preds = np.concatenate([np.argmax(model.loss(X[i:i + batch_size]), axis=1)
                            for i in range(0, len(X), batch_size)])
    return float(np.mean(preds == y))


def _resolve_rule(update_rule):
    if callable(update_rule):
        return update_rule
    from nnkit import optim  # the student's package, found next to the notebook
    rule = getattr(optim, update_rule, None)
    if rule is None or update_rule.startswith("_"):
        raise ValueError(f"Solver: unknown update_rule {update_rule!r}; expected a function name in nnkit.optim")
    return rule
