"""Plots the notebooks show: sample images, training curves, optimizer trajectories, searches."""
import matplotlib.pyplot as plt
import numpy as np


def show_samples(X, y, class_names, per_class=6, rng=None):
    """A grid of per_class random images of each class; X is (N, C, H, W) in [0, 1] (or mean-subtracted)."""
    rng = np.random.default_rng(0) if rng is None else rng
    C = len(class_names)
    fig, axes = plt.subplots(per_class, C, figsize=(1.1 * C, 1.1 * per_class))
    for c in range(C):
        idx = rng.choice(np.flatnonzero(y == c), per_class, replace=False)
        for r, i in enumerate(idx):
            img = X[i].transpose(1, 2, 0)
            img = (img - img.min()) / max(img.max() - img.min(), 1e-8)
            ax = axes[r, c]
            ax.imshow(img.squeeze(), cmap="gray" if img.shape[-1] == 1 else None)
            ax.axis("off")
            if r == 0:
                ax.set_title(class_names[c], fontsize=8)
    fig.tight_layout()
    return fig


def show_variants(X, variants, title=""):
    """One row per variant ({label: images (N, C, H, W)}, e.g. the originals, flipped, shifted), one column per
    image; grey images are drawn with the same grey scale in every row."""
    rows = len(variants)
    N = len(next(iter(variants.values())))
    fig, axes = plt.subplots(rows, N, figsize=(1.2 * N, 1.3 * rows), squeeze=False)
    lo, hi = float(X.min()), float(X.max())
    for r, (label, images) in enumerate(variants.items()):
        for c in range(N):
            ax = axes[r, c]
            ax.imshow(images[c].transpose(1, 2, 0).squeeze(), cmap="gray", vmin=lo, vmax=hi)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(label, fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_curves(solvers, title=""):
    """Loss per iteration and train/val accuracy per epoch of several Solvers ({label: solver})."""
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(12, 4))
    for label, s in solvers.items():
        line, = ax_loss.plot(s.loss_history, alpha=0.7, label=label)
        epochs = np.arange(1, len(s.val_acc_history) + 1)
        ax_acc.plot(epochs, s.train_acc_history, "--", color=line.get_color(), label=f"{label} train")
        ax_acc.plot(epochs, s.val_acc_history, "-o", color=line.get_color(), label=f"{label} val")
    ax_loss.set(xlabel="iteration", ylabel="training loss", title=title or "loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="train (dashed) and validation (solid) accuracy")
    ax_acc.xaxis.set_major_locator(plt.MaxNLocator(integer=True))  # whole epochs
    ax_loss.legend()
    ax_acc.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def _contours(ax, surface, lim):
    g = np.linspace(-lim, lim, 200)
    W = np.stack(np.meshgrid(g, g), axis=-1)
    Z = surface.loss(W)
    levels = np.quantile(Z, np.linspace(0.005, 0.95, 25))
    ax.contour(g, g, Z, levels=np.unique(levels), colors="0.75", linewidths=0.7)


def plot_trajectories(panels, lim=2.2):
    """Side-by-side contour plots with paths: panels is a list of (surface, {label: (T, 2) path})."""
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 5), squeeze=False)
    for ax, (surface, paths) in zip(axes[0], panels):
        _contours(ax, surface, lim)
        for label, p in paths.items():
            ax.plot(p[:, 0], p[:, 1], "-", marker=".", markersize=3, linewidth=1.2, label=label)
        ax.plot(*p[0], "k*", markersize=12, label="start")
        ax.plot(*surface.minimum, "kx", markersize=10, label="a minimum")
        ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="$w_1$", ylabel="$w_2$", title=surface.name)
        ax.set_aspect("equal")
    axes[0][0].legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def plot_series(series, xlabel, ylabel, title="", logy=False, reference=None, log2_xticks=None):
    """One line per entry of series ({label: 1-D array or (x, y)}); reference=(y, label) adds a dashed line;
    log2_xticks (e.g. batch sizes) puts x on a base-2 log scale with ticks at those values."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, s in series.items():
        if isinstance(s, tuple):
            ax.plot(*s, label=label)
        else:
            ax.plot(s, label=label)
    if reference is not None:
        ax.axhline(reference[0], color="k", linestyle="--", linewidth=1, label=reference[1])
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if logy:
        ax.set_yscale("log")
    if log2_xticks is not None:
        ax.set_xscale("log", base=2)
        ax.set_xticks(log2_xticks, [str(t) for t in log2_xticks])
    ax.legend()
    fig.tight_layout()
    return fig


def plot_sweep(results, xlabel, ylabel, title="", x="scales", y="accuracy"):
    """Lines of a sweep ({label: {x: values, y: accuracies, "diverged": bool array}}, as from
    sweeps.weight_scale_sweep) on a log x axis; diverged runs drawn as red crosses on the x axis, labelled
    "diverged"."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, r in results.items():
        line, = ax.plot(r[x], r[y], marker="o", label=label)
        if r["diverged"].any():
            ax.scatter(r[x][r["diverged"]], np.zeros(r["diverged"].sum()), marker="x", s=70,
                       color=line.get_color(), label=f"{label}: diverged")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title, xscale="log")
    ax.set_ylim(bottom=-0.05)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_graph(nodes, edges, title=""):
    """A computation graph: nodes {name: (x, y, label)} drawn as boxes, edges [(from, to)] as arrows."""
    fig, ax = plt.subplots(figsize=(11, 3.2))
    boxes = {name: ax.text(x, y, label, ha="center", va="center", fontsize=11, zorder=3,
                           bbox={"boxstyle": "round,pad=0.4", "fc": "#e8f0fb", "ec": "#4a78b5"})
             for name, (x, y, label) in nodes.items()}
    fig.canvas.draw()  # lays the boxes out, so arrows can end at their edges
    for a, b in edges:
        ax.annotate("", xy=nodes[b][:2], xytext=nodes[a][:2], zorder=2,
                    arrowprops={"arrowstyle": "-|>", "color": "0.3", "patchA": boxes[a].get_bbox_patch(),
                                "patchB": boxes[b].get_bbox_patch(), "shrinkA": 2, "shrinkB": 2})
    xs = [n[0] for n in nodes.values()]
    ys = [n[1] for n in nodes.values()]
    ax.set(xlim=(min(xs) - 0.6, max(xs) + 0.6), ylim=(min(ys) - 0.7, max(ys) + 0.7), title=title)
    ax.axis("off")
    fig.tight_layout()
    return fig


def plot_boundaries(panels, step_degrees=3.0):
    """Side-by-side 2-D datasets with a linear classifier's boundary and the boundaries of the same weights
    rotated by +-step_degrees: panels {title: (X (N, 2), y (N,), w (2,), b)}."""
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4.5))
    for ax, (title, (X, y, w, b)) in zip(np.atleast_1d(axes), panels.items()):
        ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=8, alpha=0.7)
        lim = np.array([X.min(axis=0) - 1, X.max(axis=0) + 1])
        for angle, style in ((0.0, "k-"), (step_degrees, "k--"), (-step_degrees, "k:")):
            a = np.deg2rad(angle)
            wr = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]) @ w
            xs = np.linspace(lim[0, 0], lim[1, 0], 50)
            ax.plot(xs, -(wr[0] * xs + b) / wr[1], style, linewidth=1,
                    label="boundary" if angle == 0 else f"weights rotated {angle:+.0f}°")
        ax.set(xlim=lim[:, 0], ylim=lim[:, 1], title=title, xlabel="feature 1", ylabel="feature 2")
        ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def plot_search(results, x="learning_rate", y="reg"):
    """Scatter of the search: x and y on log axes, colour = validation accuracy; the best one ringed."""
    fig, ax = plt.subplots(figsize=(7, 5))
    xs, ys = [r[x] for r in results], [r[y] for r in results]
    acc = [r["val_acc"] for r in results]
    sc = ax.scatter(xs, ys, c=acc, cmap="viridis", s=60, label="trials")
    best = max(results, key=lambda r: r["val_acc"])
    ax.scatter([best[x]], [best[y]], s=220, facecolors="none", edgecolors="red", linewidths=2,
               label=f"best: val acc {best['val_acc']:.3f}")
    ax.set(xscale="log", yscale="log", xlabel=x.replace("_", " "), ylabel=y.replace("_", " "),
           title="random search: validation accuracy")
    fig.colorbar(sc, ax=ax, label="validation accuracy")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_regularizers(results, baseline="none", title=""):
    """Two panels of horizontal bars, one bar per method of results ({method: {"val", "gap", ...}}): the
    validation accuracy (axis zoomed to the values) and the train - validation gap, each with the baseline
    method's value as a dashed line."""
    methods = list(results)
    ys = np.arange(len(methods))[::-1]
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.35 * len(methods) + 1.5), sharey=True)
    for ax, key, label in ((axes[0], "val", "validation accuracy (last epoch)"),
                           (axes[1], "gap", "gap: train - validation accuracy")):
        values = np.array([results[m][key] for m in methods])
        colors = ["tab:gray" if m == baseline else "tab:blue" for m in methods]
        ax.barh(ys, values, color=colors)
        ax.axvline(results[baseline][key], color="k", linestyle="--", linewidth=1, label=baseline)
        span = values.max() - values.min()
        ax.set_xlim(max(0.0, values.min() - 0.5 * span) if key == "val" else 0.0, values.max() + 0.25 * span)
        for y, v in zip(ys, values):
            ax.text(v, y, f" {v:.3f}", va="center", fontsize=8)
        ax.set(xlabel=label)
    axes[0].set_yticks(ys, methods)
    axes[0].legend(loc="upper right", fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_bars(groups, ylabel, title=""):
    """Grouped bars: groups is {group label: {bar label: value}}, bar labels shared by all groups."""
    labels = list(next(iter(groups.values())))
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / len(groups)
    for k, (group, values) in enumerate(groups.items()):
        xs = np.arange(len(labels)) + k * width
        ax.bar(xs, [values[b] for b in labels], width, label=group)
    ax.set_xticks(np.arange(len(labels)) + 0.4 - width / 2, labels)
    ax.set(ylabel=ylabel, title=title)
    ax.legend()
    fig.tight_layout()
    return fig


def progress(iterable, desc=None):
    """A progress bar over an iterable (tqdm; a widget in Jupyter)."""
    from .progress import progress_bar
    items = list(iterable)
    return progress_bar(items, total=len(items), desc=desc)


def show_maps(maps, title="", ncols=None, cmap="gray", symmetric=()):
    """A grid of 2-D maps or RGB images ({label: (H, W) or (3, H, W) array}), e.g. a photo and its filter
    responses, or one image's feature maps; the maps whose labels are in `symmetric` get a colour scale centred
    on 0 (red positive, blue negative; saturated beyond the 99th percentile of |values|)."""
    n = len(maps)
    ncols = ncols or min(n, 4)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.9 * nrows), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.axis("off")
    for ax, (label, m) in zip(axes.ravel(), maps.items()):
        m = np.asarray(m)
        if m.ndim == 3:  # (3, H, W) RGB
            ax.imshow(np.clip(m.transpose(1, 2, 0), 0, 1))
        elif label in symmetric:  # the scale from the 99th percentile: a few extreme pixels do not wash it out
            v = float(np.percentile(np.abs(m), 99)) or 1.0
            ax.imshow(m, cmap="RdBu_r", vmin=-v, vmax=v)
        else:
            ax.imshow(m, cmap=cmap)
        ax.set_title(label, fontsize=9)
        ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_filters(W, title="", ncols=8):
    """First-layer filters W (F, C, k, k) as small images: grey for C = 1 (each scaled to its own range, mid-grey
    at 0), colour for C = 3."""
    F = W.shape[0]
    nrows = -(-F // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(0.9 * ncols, 0.9 * nrows + 0.4), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for f, ax in zip(range(F), axes.ravel()):
        w = W[f]
        v = float(np.abs(w).max()) or 1.0
        if w.shape[0] == 3:
            ax.imshow(w.transpose(1, 2, 0) / (2 * v) + 0.5)
        else:
            ax.imshow(w[0], cmap="gray", vmin=-v, vmax=v)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_projections(panels, title=""):
    """Side-by-side scatter plots of 2-D points coloured by class, over grey background points:
    {panel title: (points (N, 2), labels (N,), background (M, 2) or None)}."""
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.4), squeeze=False)
    for ax, (name, (points, y, background)) in zip(axes[0], panels.items()):
        if background is not None:
            ax.scatter(background[:, 0], background[:, 1], c="lightgray", s=5, label="source test images")
            ax.legend(fontsize=8, loc="upper right", markerscale=2)
        sc = ax.scatter(points[:, 0], points[:, 1], c=y, cmap="tab10", s=6, vmin=-0.5, vmax=9.5)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("principal direction 1")
        ax.set_ylabel("principal direction 2")
    fig.colorbar(sc, ax=axes[0].tolist(), ticks=range(10), label="class")
    if title:
        fig.suptitle(title)
    return fig


def plot_budget_curves(curves, title=""):
    """Test accuracy against labels per class (log scale) for every strategy of a label-budget sweep
    (transfer_lessons.budget_curves): the mean over seeds, and a band of +-1 standard deviation."""
    fig, ax = plt.subplots(figsize=(8.5, 5))
    budgets = np.array(curves["budgets"])
    for name, acc in curves["accuracy"].items():
        acc = 100 * np.array(acc)
        mean, std = acc.mean(axis=1), acc.std(axis=1)
        style = {"color": "black", "linewidth": 2.5} if name == "scratch" else {}
        line, = ax.plot(budgets, mean, marker="o", label=name, **style)
        ax.fill_between(budgets, mean - std, mean + std, color=line.get_color(), alpha=0.15)
    ax.set_xscale("log")
    ax.set_xticks(budgets, [str(b) for b in budgets])
    ax.set_xlabel("labelled target examples per class")
    ax.set_ylabel("target test accuracy (%)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="lower right")
    fig.tight_layout()
    return fig
