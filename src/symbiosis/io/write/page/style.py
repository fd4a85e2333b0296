"""The one stylesheet of every page: screen and print (A4).

On screen: a readable column at most 1,240 px wide, tables that fit it (headers and
text wrap, numbers do not), long tables folded after ``FOLD`` rows with a button that
shows them all. Printed: A4 portrait, every row of every table (headers repeated on
each page, no scroll boxes, no fold), columns that wrap rather than being cut, the
interactive parts replaced by their printable pictures, and the large sections each
starting on a new page.
"""

from __future__ import annotations

FOLD = 25  # rows a table shows on screen before "show all"

FAMILY_COLOURS = {
    "material": "#8c564b",
    "energy": "#d62728",
    "water": "#1f77b4",
    "space": "#9467bd",
    "parking": "#555555",
    "service": "#2ca02c",
}
OTHER_COLOUR = "#17becf"

CSS = """
:root{--ink:#1d2330;--muted:#5b6475;--line:#d9dde5;--soft:#f4f6f9;--accent:#1f5fa8;--warn:#fff4e0;--warnline:#e3a33b;--bad:#fdecec;--badline:#d9534f}
*{box-sizing:border-box}
html{font-size:15px}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1240px;padding:0 1.5rem 3rem;color:var(--ink);line-height:1.45;-webkit-print-color-adjust:exact;print-color-adjust:exact}
header.page-head{border-bottom:3px solid var(--accent);padding:1.2rem 0 .6rem;margin-bottom:.8rem}
header.page-head h1{margin:0;font-size:1.75rem;line-height:1.2}
header.page-head .kind{color:var(--accent);font-weight:600;font-size:.85rem;text-transform:uppercase;letter-spacing:.06em;margin:0 0 .2rem}
.meta{color:var(--muted);font-size:.88rem;margin:.3rem 0}
nav.toc{font-size:.88rem;margin:.4rem 0 1rem;display:flex;flex-wrap:wrap;gap:.3rem .9rem}
nav.toc a{color:var(--accent);text-decoration:none}
h2{margin:2rem 0 .6rem;font-size:1.3rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h3{margin:1.3rem 0 .4rem;font-size:1.05rem}
p{margin:.45rem 0}
.lead{font-size:1rem;max-width:60rem}
.note{color:var(--muted);font-size:.86rem}
.banner{border-radius:6px;padding:.7rem 1rem;margin:.8rem 0;border:1px solid var(--warnline);background:var(--warn)}
.banner.bad{border-color:var(--badline);background:var(--bad)}
.banner strong{display:block;font-size:1.05rem;margin-bottom:.15rem}
.banner ul{margin:.3rem 0 0;padding-left:1.2rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(12.5rem,1fr));gap:.7rem;margin:.8rem 0}
.card{border:1px solid var(--line);border-radius:6px;padding:.55rem .8rem;background:var(--soft);break-inside:avoid}
.card .value{font-size:1.35rem;font-weight:650;font-variant-numeric:tabular-nums;overflow-wrap:break-word}
.card .value .unit{font-size:.8rem;font-weight:500;color:var(--muted);white-space:nowrap}
.card .label{color:var(--muted);font-size:.82rem}
.themes{display:grid;grid-template-columns:repeat(auto-fill,minmax(18.5rem,1fr));gap:.7rem;margin:.6rem 0}
.theme{border:1px solid var(--line);border-left:5px solid var(--accent);border-radius:6px;padding:.5rem .8rem;break-inside:avoid}
.theme h3{margin:.1rem 0 .3rem;font-size:1rem}
.theme.empty{opacity:.6}
.theme dl{display:grid;grid-template-columns:1fr auto;gap:.1rem .8rem;margin:0;font-size:.88rem}
.theme dt{color:var(--muted)}.theme dd{margin:0;text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{margin:.8rem 0}
figure img{max-width:100%;height:auto;border:1px solid #eee;display:block}
figcaption{color:var(--muted);font-size:.84rem;margin-top:.3rem}
.table-block{margin:.5rem 0 1rem}
table{border-collapse:collapse;font-size:.82rem;width:100%}
caption{text-align:left;color:var(--muted);padding-bottom:.3rem;caption-side:top}
th,td{border-bottom:1px solid var(--line);padding:.28rem .45rem;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;position:sticky;top:0;z-index:1}
table.sortable th{cursor:pointer;user-select:none}
table.dense{font-size:.76rem}
table.dense th,table.dense td{padding:.22rem .3rem}
th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}
td.num,td.range{white-space:nowrap}
svg.band-picture{display:block;margin-top:.15rem}
.band-text{white-space:nowrap;font-variant-numeric:tabular-nums}
.band-none{display:block;max-width:14rem;color:var(--muted)}
td{overflow-wrap:break-word}
td.code{font-size:.9em;overflow-wrap:anywhere;color:#39414f}
td .id{color:var(--muted);font-size:.85em;white-space:nowrap}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
ul.matches{margin:0;padding-left:1.1rem}
tr.more{display:none}
table.unfolded tr.more{display:table-row}
tr.total td{font-weight:650;border-top:2px solid var(--ink)}
button.fold{margin:.3rem 0;font:inherit;font-size:.85rem;padding:.2rem .7rem;border:1px solid var(--line);border-radius:4px;background:#fff;color:var(--accent);cursor:pointer}
.estimated{background:#fff8e6}
.tag{display:inline-block;font-size:.75em;padding:0 .35em;border-radius:3px;background:#ffe2a8;color:#5a3b00;white-space:nowrap}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;vertical-align:-.05em}
.map-box{position:relative;margin:.6rem 0}
.map{height:640px;border:1px solid var(--line);border-radius:6px}
.map-box .leaflet-container{background:#f7f8fa}
.map-controls{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center;font-size:.86rem;margin:.3rem 0}
.map-controls label{white-space:nowrap;cursor:pointer}
.leaflet-tooltip.sym{font:12px/1.35 system-ui,sans-serif;max-width:22rem;white-space:normal}
.band{display:inline-block;position:relative;width:9rem;height:.7rem;background:#dfe8f3;border:1px solid #9fb3cc;border-radius:2px;vertical-align:middle}
.band .mid{position:absolute;top:-.25rem;bottom:-.25rem;width:2px;background:var(--ink)}
.sheet-head{display:flex;justify-content:space-between;gap:1rem;align-items:baseline;flex-wrap:wrap}
.print-only{display:none}
footer{margin-top:2.5rem;color:#7a8291;font-size:.8rem;border-top:1px solid var(--line);padding-top:.5rem}
@page{size:A4 portrait;margin:12mm 11mm 14mm}
@page wide{size:A4 landscape;margin:11mm 12mm 12mm}
@media print{
html{font-size:9pt}
body{max-width:none;margin:0;padding:0;color:#000}
nav.toc,.screen-only,button,.map-box{display:none!important}
.print-only{display:block!important}
thead{display:table-header-group}
tfoot{display:table-row-group}
tr,.card,.theme,figure,.banner{break-inside:avoid}
h2,h3,caption{break-after:avoid}
th{position:static}
table{font-size:7.5pt;width:100%}
th,td{padding:.15rem .3rem}
th,td{overflow-wrap:break-word}
td.code{overflow-wrap:anywhere}
tr.more{display:table-row!important}
section.newpage,article.sheet{break-before:page}
section#index{display:none}
section.wide,article.sheet,body.landscape{page:wide}
a{color:inherit;text-decoration:none}
figure img{max-height:235mm;width:auto;max-width:100%;border:none}
.cards{grid-template-columns:repeat(4,1fr)}
body.landscape .cards{grid-template-columns:repeat(6,1fr)}
h2{margin:1.1rem 0 .4rem}
header.page-head{padding-top:0}
}
"""
