"""Code similarity across a batch: winnowed fingerprints (as in MOSS) from the `copydetect` library.

Each student's package (nnkit/*.py, concatenated in file-name order) is one document. copydetect tokenizes it
with Pygments, replaces names by placeholders (so renaming variables changes nothing), hashes every k-gram of
tokens (with a stable hash here, so a batch gets the same scores on every run), keeps a winnowed subset of the hashes and removes those of the boilerplate: here the release's stubs
(signatures, docstrings, the `raise NotImplementedError` lines), so shared starter code never counts. Two
documents' similarity is the share of each one's fingerprinted tokens that the other also has; a pair is
flagged when the larger share reaches `threshold` and at least `min_tokens` tokens match (a submission with
two small functions implemented can match another one entirely by coincidence). No student code is run.
"""
import html
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import StringIO
from itertools import combinations
from pathlib import Path

NOISE_K = 25         # copydetect's default noise threshold: matches shorter than 25 filtered characters never count
GUARANTEE_T = 30     # and its default guarantee threshold: matches of 30 or more always do
THRESHOLD = 0.8      # flag a pair from this similarity (the larger of the two shares); see README
MIN_TOKENS = 200     # ... when at least this many tokens match


@dataclass
class Pair:
    """Two documents that share code: similarity of each (share of its tokens found in the other), the number
    of matching tokens, and the matching character ranges of each raw text ((starts, ends) arrays)."""
    a: str
    b: str
    sim_a: float
    sim_b: float
    tokens: int
    slices_a: object = field(repr=False, default=None)
    slices_b: object = field(repr=False, default=None)

    @property
    def score(self):
        return max(self.sim_a, self.sim_b)


def package_text(files):
    """One document from {file name: source text}: the files in name order, each after a header comment."""
    return "".join(f"# ===== {name} =====\n{text}\n" for name, text in sorted(files.items()))


def stable_kgram_hashes(string, k):
    """The hash of every k-character substring of string, the same in every process: a polynomial rolling hash
    (mod 2**64) of its code points. copydetect's own uses Python's hash(), salted per process, so the same batch
    would get slightly different fingerprints, scores and flags on every run."""
    import numpy as np
    codes = np.frombuffer(string.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - k + 1
    if n <= 0:
        return np.array([], dtype=np.int64)
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = h * np.uint64(1_000_003) + codes[j:j + n]
    return h.view(np.int64)


@contextmanager
def stable_hashes():
    """Within the block, copydetect fingerprints with stable_kgram_hashes."""
    from copydetect import utils
    saved = utils.hashed_kgrams
    utils.hashed_kgrams = stable_kgram_hashes
    try:
        yield
    finally:
        utils.hashed_kgrams = saved


def boilerplate_hashes(texts):
    """Every k-gram hash of the given starter code (copydetect does the same for its boilerplate files)."""
    import numpy as np
    from copydetect.utils import filter_code
    hashes = [stable_kgram_hashes(filter_code(t, "starter.py")[0], NOISE_K) for t in texts if t]
    return np.unique(np.concatenate(hashes)) if hashes else np.array([], dtype=np.int64)


def fingerprint(name, text, boilerplate):
    """copydetect's CodeFingerprint of one document (text as Python source), boilerplate hashes removed."""
    from copydetect import CodeFingerprint
    return CodeFingerprint(f"{name}.py", NOISE_K, GUARANTEE_T, boilerplate=boilerplate, fp=StringIO(text))


def compare_all(docs, boilerplate_texts=(), known=None, threshold=THRESHOLD, min_tokens=MIN_TOKENS):
    """Compare every pair of documents, and every document with every known solution.

    Args:
        docs: {student: document text} (see package_text); empty documents are left out.
        boilerplate_texts: starter code whose fingerprints never count.
        known: {label: text} of known solutions (past years, public repositories), or None.
        threshold, min_tokens: when a pair is flagged (see the module docstring).

    Returns:
        dict: "pairs" (flagged student pairs, most similar first), "known" (flagged student/known-solution
        pairs), "scores" (the score of every compared student pair, for the distribution), "compared",
        "skipped" (students with no fingerprint left once boilerplate is removed).
    """
    from copydetect.detector import compare_files
    boiler = boilerplate_hashes(boilerplate_texts)
    with stable_hashes():
        prints = {n: fingerprint(n, t, boiler) for n, t in sorted(docs.items()) if t.strip()}
        known_prints = {k: fingerprint(k, t, boiler) for k, t in sorted((known or {}).items())}
    skipped = sorted(n for n in docs if n not in prints or not prints[n].hashes)
    prints = {n: p for n, p in prints.items() if p.hashes}

    def pair(na, pa, nb, pb):
        if not pa.hashes & pb.hashes:
            return Pair(na, nb, 0.0, 0.0, 0)
        tokens, (sa, sb), (xa, xb) = compare_files(pa, pb)
        return Pair(na, nb, float(sa), float(sb), int(tokens), xa, xb)

    def flagged(p):
        return p.score >= threshold and p.tokens >= min_tokens

    scores, pairs = [], []
    for (na, pa), (nb, pb) in combinations(prints.items(), 2):
        p = pair(na, pa, nb, pb)
        scores.append(p.score)
        if flagged(p):
            pairs.append(p)
    against_known = [p for na, pa in prints.items() for nb, pb in known_prints.items()
                     if flagged(p := pair(na, pa, nb, pb))]
    by_score = lambda p: (-p.score, p.a, p.b)  # noqa: E731
    return {"pairs": sorted(pairs, key=by_score), "known": sorted(against_known, key=by_score), "scores": scores,
            "compared": len(prints), "skipped": skipped, "threshold": threshold, "min_tokens": min_tokens}


def marked_lines(text, slices, context=2):
    """HTML (escaped) of the lines of text holding the matched character ranges (<mark>), with `context` lines
    around them; the lines left out are shown as one '⋯' line."""
    import numpy as np
    marked = np.zeros(len(text) + 1, dtype=bool)
    if slices is not None and len(slices) == 2:
        for start, end in zip(*slices):
            marked[int(start):int(end)] = True
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    hot = [bool(marked[s:s + len(ln)].any()) for s, ln in lines]
    keep = [any(hot[max(0, i - context):i + context + 1]) for i in range(len(lines))]
    out, gap = [], False
    for (start, line), k in zip(lines, keep):
        if not k:
            if not gap:
                out.append('<span class="gap">⋯</span>')
            gap = True
            continue
        gap = False
        parts, i = [], 0
        while i < len(line):
            j = i
            while j < len(line) and marked[start + j] == marked[start + i]:
                j += 1
            piece = html.escape(line[i:j])
            parts.append(f"<mark>{piece}</mark>" if marked[start + i] else piece)
            i = j
        out.append("".join(parts))
    return "\n".join(out)


def read_known(folder):
    """{label: document} of the known solutions in a folder: each sub-folder holding .py files is one document
    (its files concatenated), each .py file directly in the folder another. Unreadable files are skipped."""
    folder = Path(folder)
    docs = {}
    for entry in sorted(folder.iterdir()):
        files = sorted(entry.rglob("*.py")) if entry.is_dir() else [entry] if entry.suffix == ".py" else []
        texts = {}
        for f in files:
            try:
                texts[str(f.relative_to(folder))] = f.read_text(errors="replace")
            except OSError:
                continue
        if texts:
            docs[entry.name] = package_text(texts)
    return docs
