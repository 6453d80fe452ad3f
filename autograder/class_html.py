"""The class report as one self-contained HTML page: every text escaped, plots embedded as PNG data URIs.

render(summary, similarity, docs) -> str. Sections (each an <h2> with an id): scores, items, mistakes,
problems, models, timing, similarity. Tables are plain HTML, readable without JavaScript; a few lines of
inline script make their headers sort on click. Nothing is fetched from the network.
"""
import base64
import html
import io

MAX_PAIRS_SHOWN = 40  # side-by-side views on the page (every flagged pair is in the table and the CSV)
OPEN_PAIRS = 2  # the first pairs' views are open; the others open on click
MAX_NAMES = 60        # student names listed per mistake on the page (all of them are in mistakes.csv)

STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1250px;color:#222;
padding:0 1em}
h1{margin-bottom:.2em} h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:14px} th,td{border:1px solid #ccc;padding:3px 8px;
text-align:left;vertical-align:top} th{background:#f2f2f2;cursor:pointer} td.n{text-align:right}
.names{font-size:12px;color:#444;max-width:480px} .muted{color:#666} img{max-width:100%}
.pair{display:flex;gap:1em} .pair>div{flex:1;min-width:0} pre{background:#fafafa;border:1px solid #ddd;
padding:.5em;overflow-x:auto;font-size:12px;line-height:1.35} mark{background:#ffd27a} .gap{color:#999}
.figs{display:flex;flex-wrap:wrap;gap:1em} .figs img{width:560px} nav a{margin-right:1em}
"""

SORT_SCRIPT = """
document.querySelectorAll('table.sortable th').forEach(function(th){th.addEventListener('click',function(){
var t=th.closest('table'),i=Array.prototype.indexOf.call(th.parentNode.children,th),b=t.tBodies[0];
var rows=Array.prototype.slice.call(b.rows),asc=th.dataset.asc!=='1';th.dataset.asc=asc?'1':'0';
rows.sort(function(x,y){var a=x.cells[i].innerText,c=y.cells[i].innerText,p=parseFloat(a),q=parseFloat(c);
var r=(!isNaN(p)&&!isNaN(q))?p-q:a.localeCompare(c);return asc?r:-r;});rows.forEach(function(r){b.appendChild(r);});
});});
"""


def esc(value):
    return html.escape(str(value), quote=True)


def _png(fig):
    """The figure as an <img> with a data URI (the figure is closed)."""
    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}">'


def _figure(width=6.2, height=3.0):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt.subplots(figsize=(width, height))


def histogram(values, title, xlabel, bins=20, limit=None, line=None):
    """An <img> of a histogram of values (or a note when there are none)."""
    if not values:
        return f'<p class="muted">{esc(title)}: no values.</p>'
    fig, ax = _figure()
    ax.hist(values, bins=bins, range=(0, limit) if limit else None, color="#4878a8", edgecolor="white")
    if line is not None:
        ax.axvline(line, color="#c0392b", linestyle="--", label=f"threshold {line:g}")
        ax.legend()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("submissions" if "similarity" not in title.lower() else "pairs")
    return _png(fig)


def pass_rate_chart(items):
    """An <img> of horizontal bars: each item's pass rate, lowest at the top."""
    if not items:
        return '<p class="muted">No graded items.</p>'
    fig, ax = _figure(7.5, 0.3 * len(items) + 1.0)
    names = [f"{r['name']} ({r['notebook']})" for r in items][::-1]
    rates = [100 * r["pass_rate"] for r in items][::-1]
    ax.barh(names, rates, color=["#c0392b" if r < 50 else "#e6a23c" if r < 80 else "#3c9a5f" for r in rates])
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of graded submissions passing every case")
    ax.set_title("Pass rate per item (lowest first)")
    for y, r in enumerate(rates):
        ax.text(min(r + 1, 90), y, f"{r:.0f}%", va="center", fontsize=8)
    return _png(fig)


def table(header, rows, numeric=(), cls="sortable"):
    """An HTML table; cells are escaped unless given as ('html', text)."""
    def cell(k, v):
        raw = v[1] if isinstance(v, tuple) and v and v[0] == "html" else esc(v)
        return f'<td class="n">{raw}</td>' if k in numeric else f"<td>{raw}</td>"
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "\n".join("<tr>" + "".join(cell(k, v) for k, v in enumerate(r)) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>'


def _names(names):
    shown = ", ".join(names[:MAX_NAMES]) + (f" … and {len(names) - MAX_NAMES} more (mistakes.csv)"
                                             if len(names) > MAX_NAMES else "")
    return ("html", f'<span class="names">{esc(shown)}</span>')


def section_scores(s):
    sc = s["scores"]
    totals = list(sc["totals"].values())
    parts = [f'<h2 id="scores">Scores</h2><p>{s["graded"]} of {s["submissions"]} submissions graded; mean '
             f'{esc(sc["mean"])}, median {esc(sc["median"])} of {esc(sc["max_score"])} points.</p><div class="figs">',
             histogram(totals, "All autograded points", "points", limit=sc["max_score"] or None)]
    for nb, d in sorted(s["notebooks"].items()):
        parts.append(histogram(d["scores"], f"{nb}", "points", limit=d["max_score"] or None))
    parts.append("</div>")
    return "\n".join(parts)


def section_items(s):
    rows = [[r["name"], r["notebook"], r["points"], r["graded"], f"{100 * r['pass_rate']:.0f}%", r["mean_score"],
             r["not-implemented"], r["crash"] + r["syntax-error"], r["timeout"]] for r in s["items"]]
    return ('<h2 id="items">Items: pass rates</h2>' + pass_rate_chart(s["items"])
            + table(["item", "notebook", "points", "graded", "pass rate", "mean score", "not implemented",
                     "crashed", "timed out"], rows, numeric=range(2, 9)))


def section_mistakes(s):
    rows = [[k + 1, m["count"], m["hint"],
             "; ".join(f"{i['item']} ({i['students']} students, {i['points_lost']:g} points)" for i in m["items"]),
             m["points_lost"], _names(m["students"])] for k, m in enumerate(s["mistakes"])]
    intro = ("<p>Each likely mistake the grader diagnosed, ranked by how many students made it: what to re-teach. "
             "Points lost are those of the items where it was found (other mistakes there may share them).</p>")
    old = s["problems"]["old_format"]
    if old:
        intro += (f'<p class="muted">{len(old)} results were written by an older grader without structured '
                  f'diagnoses; their mistakes are not counted here (grade them again with --force).</p>')
    if not rows:
        return '<h2 id="mistakes">Mistakes to re-teach</h2>' + intro + "<p>No diagnosed mistakes.</p>"
    return ('<h2 id="mistakes">Mistakes to re-teach</h2>' + intro
            + table(["rank", "students", "likely mistake", "items it cost", "points lost", "who"], rows,
                    numeric=(0, 1, 4)))


def section_problems(s):
    p = s["problems"]
    out = ['<h2 id="problems">Submissions that could not be graded, timeouts, unsandboxed runs</h2>']
    out.append(f"<h3>Not graded ({len(p['not_graded'])})</h3>"
               + (table(["student", "why"], [[r["student"], r["why"]] for r in p["not_graded"]])
                  if p["not_graded"] else "<p>None.</p>"))
    out.append(f"<h3>Timeouts ({len(p['timeouts'])})</h3>"
               + (table(["student", "item", "why"], [[r["student"], r["item"], r["why"]] for r in p["timeouts"]])
                  if p["timeouts"] else "<p>None.</p>"))
    out.append(f"<h3>Crashes and syntax errors ({len(p['crashes'])})</h3>"
               + (table(["student", "items", "why"], [[r["student"], r["item"], r["why"]] for r in p["crashes"]])
                  if p["crashes"] else "<p>None.</p>"))
    out.append(f"<h3>Graded without a sandbox ({len(p['unsandboxed'])})</h3>"
               + (f"<p>{esc(', '.join(p['unsandboxed']))}</p>" if p["unsandboxed"] else "<p>None.</p>"))
    if p["skipped_files"]:
        out.append(f"<h3>Files skipped while unpacking ({len(p['skipped_files'])})</h3>"
                   + table(["student", "why"], [[r["student"], r["why"]] for r in p["skipped_files"]]))
    other = p["other"] + [f"{n}: {why}" for n, ws in s["submission_problems"].items() for why in ws]
    if other:
        out.append(f"<h3>Problems reading the folder ({len(other)})</h3><ul>"
                   + "".join(f"<li>{esc(o)}</li>" for o in other) + "</ul>")
    return "\n".join(out)


def section_models(s):
    acc = s["models"]["accuracies"]
    values = [a["accuracy"] for a in acc]
    text = (f"<p>{len(acc)} saved models scored on the held-out split"
            + (f": mean accuracy {sum(values) / len(values):.3f}, best {max(values):.3f}, worst {min(values):.3f}"
               if values else "") + f"; {len(s['models']['errors'])} missing or unreadable.</p>")
    errors = table(["student", "item", "why"], [[e["student"], e["item"], e["why"]] for e in s["models"]["errors"]]) \
        if s["models"]["errors"] else ""
    return ('<h2 id="models">Saved models: held-out accuracy</h2>' + text
            + histogram(values, "Held-out accuracy of the saved models", "accuracy", bins=20) + errors)


def section_timing(s):
    t = s["timing"]
    per = list(t["per_submission"].values())
    wall = f"{t['batch_seconds']:.1f} s wall time; " if t["batch_seconds"] else ""
    return ('<h2 id="timing">Grading time</h2>'
            f"<p>{wall}{t['sum_seconds']:.1f} s of grading in all; per submission mean {esc(t['mean_seconds'])} s, "
            f"slowest {esc(t['max_seconds'])} s. This report took {esc(s.get('report_seconds'))} s to compute.</p>"
            + histogram(per, "Grading time per submission", "seconds"))


def _pair_views(pairs, docs):
    out = []
    from .similarity import marked_lines
    for k, p in enumerate(pairs[:MAX_PAIRS_SHOWN]):
        out.append(f'<details{" open" if k < OPEN_PAIRS else ""}><summary>{esc(p.a)} and {esc(p.b)}: {p.score:.0%} ({p.tokens} matching tokens)'
                   f'</summary><div class="pair">'
                   f'<div><b>{esc(p.a)}</b> ({p.sim_a:.0%} of its code)<pre>{marked_lines(docs.get(p.a, ""), p.slices_a)}'
                   f'</pre></div><div><b>{esc(p.b)}</b> ({p.sim_b:.0%} of its code)<pre>'
                   f'{marked_lines(docs.get(p.b, ""), p.slices_b)}</pre></div></div></details>')
    if len(pairs) > MAX_PAIRS_SHOWN:
        out.append(f"<p>{len(pairs) - MAX_PAIRS_SHOWN} more pairs: see similar_pairs.csv.</p>")
    return "\n".join(out)


def section_similarity(s, sim, docs):
    head = '<h2 id="similarity">Similar code</h2>'
    info = s["similarity"]
    if info is None:
        return head + "<p>The similarity check was not run (--no-similarity).</p>"
    text = (f"<p>{info['compared']} submissions compared ({info['pairs_compared']} pairs) with winnowed "
            f"fingerprints (copydetect), the release's stubs removed as boilerplate. A pair is flagged when one "
            f"of the two has at least {info['threshold']:.0%} of its code in the other and at least "
            f"{info['min_tokens']} tokens match; the most similar pair not flagged scores "
            f"{(info['max_unflagged'] or 0):.0%}. A flag is a reason to look, not a verdict: read the matching "
            f"code below.</p>")
    if info["skipped"]:
        text += (f'<p class="muted">Not compared (no code of their own beyond the stubs, or none kept): '
                 f'{esc(", ".join(info["skipped"]))}</p>')
    rows = [[p["a"], p["b"], f"{p['score']:.0%}", f"{p['sim_a']:.0%}", f"{p['sim_b']:.0%}", p["tokens"]]
            for p in info["pairs"]]
    out = [head, text, histogram(sim["scores"], "Similarity of every pair", "similarity", bins=40, limit=1.0,
                                 line=info["threshold"])]
    out.append(f"<h3>Flagged pairs ({len(rows)})</h3>"
               + (table(["a", "b", "similarity", "share of a", "share of b", "matching tokens"], rows,
                        numeric=range(2, 6)) + _pair_views(sim["pairs"], docs) if rows else "<p>None.</p>"))
    if sim["known"]:
        krows = [[p["a"], p["b"], f"{p['score']:.0%}", p["tokens"]] for p in info["known"]]
        out.append(f"<h3>Matching known solutions ({len(krows)})</h3>"
                   + table(["student", "known solution", "similarity", "matching tokens"], krows, numeric=(2, 3))
                   + _pair_views(sim["known"], docs))
    return "\n".join(out)


def render(summary, sim, docs):
    """The whole page (str)."""
    nav = "".join(f'<a href="#{k}">{v}</a>' for k, v in (
        ("scores", "Scores"), ("items", "Items"), ("mistakes", "Mistakes"), ("problems", "Not graded"),
        ("models", "Saved models"), ("timing", "Time"), ("similarity", "Similar code")))
    body = "\n".join([
        f"<h1>Class report</h1><p class=\"muted\">{esc(summary['folder'])}, {esc(summary['generated'])}. "
        f"The same numbers: report.json, items.csv, mistakes.csv, similar_pairs.csv.</p><nav>{nav}</nav>",
        section_scores(summary), section_items(summary), section_mistakes(summary), section_problems(summary),
        section_models(summary), section_timing(summary), section_similarity(summary, sim, docs)])
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Class report</title>'
            f"<style>{STYLE}</style></head><body>\n{body}\n<script>{SORT_SCRIPT}</script></body></html>\n")
