"""``fixtext report PATH... --html OUT.html``: a self-contained review page.

For each file (or archive member): the original and the repaired text side
by side, every edit highlighted in the colour of its pass, and a table of
all log entries (applied, suggested, losses).  Filters by pass, by minimum
confidence and "losses only" run in the page itself (inline CSS and JS, no
network) and are mirrored in the URL hash, e.g.
``report.html#pass=cjk_mojibake,punctuation&minconf=0.8&losses=1``, so a
filtered view can be linked (and tested headless with ``--dump-dom``).
"""

from __future__ import annotations

import bisect
import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .core import LogEntry, RepairLog
from .io import (
    InputError,
    Limits,
    RepairSettings,
    default_jobs,
    is_archive,
    iter_sources,
    make_item,
    read_archive,
    read_source,
    run_batch,
    write_atomic,
)
from .pipeline import DEFAULT_MIN_CONFIDENCE, TARGETS

# Pass colours: a fixed palette cycled in pipeline order, so a pass keeps its
# colour from one report to the next.
_PALETTE = [
    "#ffd6a5", "#caffbf", "#9bf6ff", "#bdb2ff", "#ffc6ff", "#fdffb6", "#a0c4ff",
    "#ffadad", "#d0f4de", "#e4c1f9", "#fcf6bd", "#a9def9", "#f1c0e8", "#b9fbc0",
]  # fmt: skip


@dataclass(slots=True)
class FileReport:
    label: str
    original: str
    repaired: str
    entries: list[LogEntry]
    binary: bool = False
    error: str | None = None


def _final_spans(entries: Sequence[LogEntry]) -> list[tuple[int, int, LogEntry]]:
    """Each applied entry's span in the *final* text: its stage-output span
    carried forward through the edits of every later stage."""
    stages: dict[int, list[LogEntry]] = {}
    for e in entries:
        if e.applied and e.before != e.after:
            stages.setdefault(e.stage, []).append(e)
    order = sorted(stages)
    for k in order:
        stages[k].sort(key=lambda e: e.start)
    starts = {k: [e.start for e in stages[k]] for k in order}

    def forward(pos: int, after_stage: int, side: str) -> int:
        for k in order:
            if k <= after_stage:
                continue
            es, ss = stages[k], starts[k]
            i = bisect.bisect_right(ss, pos) - 1
            # an edit covering pos maps it to that edit's output bounds
            if (i >= 0 and es[i].start <= pos < es[i].end) or (i >= 0 and es[i].start == pos == es[i].end):
                pos = es[i].out_start if side == "start" else es[i].out_end
            elif i >= 0:
                pos = es[i].out_end + (pos - es[i].end)
        return pos

    spans = []
    for k in order:
        for e in stages[k]:
            s = forward(e.out_start, k, "start")
            t = forward(e.out_end, k, "end")
            spans.append((s, max(s, t), e))
    return spans


def _marked(text: str, spans: Sequence[tuple[int, int, LogEntry]], ids: dict[int, int]) -> str:
    """``text`` as HTML with non-overlapping ``<mark>`` s (first come, first kept)."""
    out, pos = [], 0
    for s, t, e in sorted(spans, key=lambda x: (x[0], -(x[1] - x[0]))):
        if s < pos or t > len(text):
            continue
        out.append(html.escape(text[pos:s]))
        inner = html.escape(text[s:t])
        cls = "edit loss" if e.kind == "loss" else "edit"
        if not inner:  # a pure deletion: a caret, shown only while its pass is
            inner, cls = "\u2038", cls + " del"
        out.append(
            f'<mark class="{cls}" data-pass="{e.pass_name}" data-conf="{e.confidence:.4f}" '
            f'data-entry="{ids[id(e)]}" title="{html.escape(e.pass_name)}: {html.escape(e.reason)} '
            f'({e.confidence:.2f})">{inner}</mark>'
        )
        pos = t
    out.append(html.escape(text[pos:]))
    return "".join(out)


def render(files: Sequence[FileReport], *, title: str = "fixtext review") -> str:
    passes: Counter[str] = Counter()
    for f in files:
        passes.update(e.pass_name for e in f.entries)
    colours = {p: _PALETTE[i % len(_PALETTE)] for i, p in enumerate(sorted(passes))}
    css_passes = "\n".join(f'[data-pass="{p}"]{{--c:{c}}}' for p, c in colours.items())
    body = []
    for n, f in enumerate(files):
        body.append(_file_html(n, f))
    pass_boxes = "".join(
        f'<label class="pf" style="--c:{colours[p]}"><input type="checkbox" name="pass" value="{p}" checked> '
        f"{html.escape(p)} <small>({c})</small></label>"
        for p, c in sorted(passes.items())
    )
    total = sum(len(f.entries) for f in files)
    changed = sum(1 for f in files if f.original != f.repaired)
    losses = sum(1 for f in files for e in f.entries if e.kind == "loss")
    return _PAGE.format(
        title=html.escape(title),
        css=_CSS + css_passes,
        js=_JS,
        version=__version__,
        nfiles=len(files),
        changed=changed,
        total=total,
        losses=losses,
        pass_boxes=pass_boxes,
        body="\n".join(body),
    )


_WS = str.maketrans({"\n": "↵\n", "\r": "␍", "\t": "⇥", " ": "·", "\u3000": "□", "\u00a0": "⍽"})


def _visible(s: str) -> str:
    """Log-table cells: whitespace made visible, so a removed blank line or
    space is not an empty cell (the panes show the text as it is)."""
    if s.strip(" \t\r\n\u3000\u00a0"):
        return html.escape(s.replace("\n", "↵").replace("\r", "␍"))
    return html.escape(s.translate(_WS)) if s else '<span class="empty">∅</span>'


def _file_html(n: int, f: FileReport) -> str:
    label = html.escape(f.label)
    if f.binary or f.error:
        why = "binary, passed through" if f.binary else html.escape(f.error or "")
        return f'<section class="file skipped" id="f{n}"><h2>{label}</h2><p class="why">{why}</p></section>'
    ids = {id(e): i for i, e in enumerate(f.entries)}
    orig_spans = [(e.orig_start, e.orig_end, e) for e in f.entries]
    rows = []
    for i, e in enumerate(f.entries):
        status = "note" if e.kind == "note" else ("applied" if e.applied else "suggested")
        if e.kind == "loss":
            status = "LOSS" if e.before == e.after else f"loss, {status}"
        rows.append(
            f'<tr class="entry{" loss" if e.kind == "loss" else ""}" data-pass="{e.pass_name}" '
            f'data-conf="{e.confidence:.4f}" data-entry="{i}">'
            f"<td>{e.line}:{e.column}</td><td><span class=pass>{html.escape(e.pass_name)}</span></td>"
            f"<td><code>{_visible(e.before)}</code></td><td><code>{_visible(e.after)}</code></td>"
            f"<td>{e.confidence:.2f}</td><td>{status}</td><td>{html.escape(e.reason)}</td></tr>"
        )
    n_losses = sum(1 for e in f.entries if e.kind == "loss")
    state = "changed" if f.original != f.repaired else "unchanged"
    return f"""<section class="file {state}" id="f{n}">
<h2>{label} <small>{len(f.entries)} entr{"y" if len(f.entries) == 1 else "ies"}, {state}
{f'<span class="losstag">{n_losses} loss{"es" if n_losses != 1 else ""}</span>' if n_losses else ""}
<span class="shown"></span></small></h2>
<div class="panes"><div><h3>original</h3><pre class="orig">{_marked(f.original, orig_spans, ids)}</pre></div>
<div><h3>repaired</h3><pre class="fixed">{_marked(f.repaired, _final_spans(f.entries), ids)}</pre></div></div>
<details{" open" if f.entries else ""}><summary>log entries</summary>
<table><thead><tr><th>line:col</th><th>pass</th><th>before</th><th>after</th><th>conf.</th><th>status</th>
<th>reason</th></tr></thead><tbody>{"".join(rows)}</tbody></table></details></section>"""


_CSS = """
body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ccc;padding:8px 16px;z-index:2}
header h1{font-size:18px;margin:0 0 4px}
.pf{display:inline-block;margin:2px 6px 2px 0;padding:1px 6px;border-radius:4px;background:var(--c)}
main{padding:8px 16px}
section.file{background:#fff;border:1px solid #ddd;border-radius:6px;margin:12px 0;padding:8px 12px}
section.file h2{font-size:15px;margin:4px 0}
.panes{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.panes h3{font-size:12px;margin:0;color:#666;text-transform:uppercase}
pre{white-space:pre-wrap;word-break:break-all;font:13px/1.6 ui-monospace,monospace;background:#fcfcfc;
border:1px solid #eee;padding:6px;max-height:480px;overflow:auto;margin:0}
mark.edit{background:var(--c,#ff0);border-radius:2px;outline:1px solid rgba(0,0,0,.15)}
mark.edit.off{background:none;outline:none}
mark.del{color:#c00}
mark.del.off{display:none}
mark.loss{outline:2px solid #d00}
.losstag{color:#fff;background:#d00;border-radius:3px;padding:0 4px;margin-left:6px}
tr.loss td:first-child::before{content:"\\26a0 ";color:#d00}
table{border-collapse:collapse;width:100%;font-size:12px;margin-top:6px}
td,th{border-bottom:1px solid #eee;padding:2px 6px;text-align:left;vertical-align:top}
td .pass{background:var(--c);padding:0 4px;border-radius:3px}
tr.entry[data-pass] td .pass{background:inherit}
tr.entry td:nth-child(2){background:var(--c)}
[hidden]{display:none!important}
.skipped .why{color:#888}
td code{white-space:pre-wrap}
.empty{color:#aaa}
#count{font-weight:bold}
"""

_JS = r"""
(function(){
  function parseHash(){
    var h = {}; location.hash.replace(/^#/, '').split('&').forEach(function(kv){
      if(!kv) return; var i = kv.indexOf('='); h[decodeURIComponent(kv.slice(0,i<0?kv.length:i))] =
        i<0 ? '' : decodeURIComponent(kv.slice(i+1)); });
    return h;
  }
  var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name=pass]'));
  var conf = document.getElementById('minconf'), confOut = document.getElementById('minconf-out');
  var lossOnly = document.getElementById('losses'), hideClean = document.getElementById('hideclean');
  function fromHash(){
    var h = parseHash();
    if('pass' in h){
      var want = h.pass.split(',');
      boxes.forEach(function(b){ b.checked = want.indexOf(b.value) >= 0; });
    }
    if('minconf' in h){ conf.value = h.minconf; }
    lossOnly.checked = h.losses === '1';
    hideClean.checked = h.changed === '1';
  }
  function toHash(){
    var parts = [];
    var on = boxes.filter(function(b){return b.checked;}).map(function(b){return b.value;});
    if(on.length !== boxes.length) parts.push('pass=' + on.join(','));
    if(parseFloat(conf.value) > 0) parts.push('minconf=' + conf.value);
    if(lossOnly.checked) parts.push('losses=1');
    if(hideClean.checked) parts.push('changed=1');
    var h = parts.join('&');
    if(('#' + h) !== location.hash && !(h === '' && location.hash === ''))
      history.replaceState(null, '', h ? '#' + h : location.pathname);
  }
  function apply(){
    var on = {}; boxes.forEach(function(b){ on[b.value] = b.checked; });
    var min = parseFloat(conf.value) || 0; confOut.textContent = min.toFixed(2);
    var visible = 0;
    function ok(el){ return on[el.dataset.pass] && parseFloat(el.dataset.conf) >= min &&
                            (!lossOnly.checked || el.classList.contains('loss')); }
    document.querySelectorAll('tr.entry').forEach(function(tr){
      var show = ok(tr); tr.hidden = !show; if(show) visible++; });
    document.querySelectorAll('mark.edit').forEach(function(m){ m.classList.toggle('off', !ok(m)); });
    document.querySelectorAll('section.file').forEach(function(s){
      var n = s.querySelectorAll('tr.entry:not([hidden])').length;
      var sh = s.querySelector('.shown'); if(sh) sh.textContent = '(' + n + ' shown)';
      s.hidden = (hideClean.checked && !s.classList.contains('changed')) ||
                 ((lossOnly.checked) && n === 0);
    });
    document.getElementById('count').textContent = visible;
    document.body.dataset.ready = '1';
  }
  function changed(){ apply(); toHash(); }
  boxes.concat([conf, lossOnly, hideClean]).forEach(function(el){
    el.addEventListener('input', changed); el.addEventListener('change', changed); });
  function setAll(v){ boxes.forEach(function(b){ b.checked = v; }); changed(); }
  document.getElementById('all').addEventListener('click', function(){ setAll(true); });
  document.getElementById('none').addEventListener('click', function(){ setAll(false); });
  window.addEventListener('hashchange', function(){ fromHash(); apply(); });
  fromHash(); apply();
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="fixtext {version}">
<title>{title}</title><style>{css}</style></head>
<body>
<header><h1>{title}</h1>
<div>{nfiles} file(s), {changed} changed, {total} log entries,
<span style="color:#d00">{losses} loss(es)</span>;
<span id="count">{total}</span> entries shown.</div>
<div><b>passes:</b> {pass_boxes} <button id="all" type="button">all</button>
<button id="none" type="button">none</button></div>
<div><label>min. confidence <input id="minconf" type="range" min="0" max="1" step="0.05" value="0">
<output id="minconf-out">0.00</output></label>
<label><input id="losses" type="checkbox"> losses only</label>
<label><input id="hideclean" type="checkbox"> changed files only</label></div>
</header>
<main>
{body}
</main>
<script>{js}</script>
</body></html>
"""


def build_reports(
    paths: Sequence[str], settings: RepairSettings, *, jobs: int = 1, limits: Limits | None = None
) -> list[FileReport]:
    limits = limits or Limits()
    items = []
    for raw in paths:
        if raw != "-" and is_archive(raw) and not Path(raw).is_dir():
            for m in read_archive(Path(raw), limits):
                if not m.is_dir:
                    items.append(make_item(f"{raw}!{m.name}", m.data))
            continue
        for src in iter_sources([raw]):
            items.append(make_item(src.label, read_source(src)))
    reports = []
    for o in run_batch(items, settings, jobs=jobs, keep_original=True):
        if o.binary or o.error is not None:
            reports.append(FileReport(o.label, "", "", [], binary=o.binary, error=o.error))
            continue
        log = RepairLog.from_jsonl(o.log_jsonl)
        reports.append(FileReport(o.label, o.original or "", o.text or "", log.entries))
    return reports


def main(argv: Sequence[str]) -> int:
    """``fixtext report``: exit 0, or raises a FixtextError (cli turns it into exit 2)."""
    from .cli import _Parser, _positive_int

    p = _Parser(prog="fixtext report", description="Write a self-contained HTML review page of the repairs.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, directories or archives")
    p.add_argument("--html", required=True, metavar="OUT.html", help="where to write the page")
    p.add_argument("--title", default="fixtext review")
    p.add_argument("--passes", metavar="A,B")
    p.add_argument("--skip", metavar="A,B")
    p.add_argument("--to", dest="target", choices=TARGETS, default=None)
    p.add_argument("--encoding")
    p.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE)
    from .cli import add_set_option

    add_set_option(p)
    p.add_argument("-j", "--jobs", type=_positive_int, default=None)
    p.add_argument("-q", "--quiet", action="store_true")
    p.add_argument("--debug", action="store_true")
    args = p.parse_args(list(argv))
    from .cli import _settings

    settings = _settings(args)
    reports = build_reports(args.paths, settings, jobs=args.jobs or default_jobs())
    if not reports:
        raise InputError("no files to report on")
    out = Path(args.html)
    write_atomic(out, render(reports, title=args.title), keep_mode=False)
    if not args.quiet:
        n = sum(len(r.entries) for r in reports)
        print(f"wrote {out} ({len(reports)} file(s), {n} log entries)")
    return 0


__all__ = ["FileReport", "build_reports", "main", "render"]
