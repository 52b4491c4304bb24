"""The HTML view: one self-contained file (no network) a clerk can open or mail.

Verdict, an inline SVG chart of coverage by category, and every standard with its
status, evidence and problems; a few lines of inline JavaScript filter the table by
status and department.
"""

from __future__ import annotations

from html import escape

from dossier.records import Catalog, CheckReport
from dossier.reports import (DUPLICATES_TITLE, STATUS_LABELS, UNASSIGNED_HINT, UNASSIGNED_TITLE, category_name,
                             coverage, departments, duplicate_line, label, unassigned, unreadable, verdict, violated)

COLORS = {"met": "#2e7d32", "partial": "#f9a825", "missing": "#c62828", "not_applicable": "#9e9e9e",
          "declared": "#2e7d32", "undeclared": "#f9a825", "violated": "#b71c1c"}

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","SimSun",sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}
.verdict{font-size:1.3em;font-weight:bold;padding:.6em 1em;border-radius:6px;display:inline-block}
.ok{background:#e8f5e9;color:#1b5e20}.bad{background:#ffebee;color:#b71c1c}
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{border:1px solid #ddd;padding:.35em .5em;vertical-align:top}
th{background:#f0f0f0;text-align:left}.st{font-weight:bold;white-space:nowrap}
.problems{margin:0;padding-left:1.2em}.warn{color:#777}.ev{color:#555;font-size:.9em}
.filters{margin:.8em 0}.filters select{margin-right:1em}
"""

JS = """
function applyFilter(){
  var s=document.getElementById('fstatus').value, d=document.getElementById('fdept').value, n=0;
  document.querySelectorAll('#standards tbody tr').forEach(function(tr){
    var show=(!s||tr.dataset.status===s)&&(!d||tr.dataset.depts.split('|').indexOf(d)>=0);
    tr.style.display=show?'':'none'; if(show)n++;});
  document.getElementById('shown').textContent=n;
}
"""


def _chart(report: CheckReport, catalog: Catalog) -> str:
    rows = coverage(report, catalog)
    bar_w, row_h, label_w = 360, 26, 150
    height = row_h * len(rows) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 80}" height="{height}" '
             f'role="img" aria-label="各项目达标情况">']
    for i, (cat, met, applicable) in enumerate(rows):
        y = 5 + i * row_h
        ratio = met / applicable if applicable else 1.0
        parts.append(f'<text x="0" y="{y + 17}" font-size="14">{escape(cat.id)} {escape(cat.name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="18" fill="#eee"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * ratio:.1f}" height="18" fill="#2e7d32"/>')
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{y + 17}" font-size="14">{met}/{applicable}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render(report: CheckReport, catalog: Catalog) -> str:
    s = report.summary
    if report.eligible:
        head = f'<div class="verdict ok">检查结论：{escape(verdict(report))}</div>'
    else:
        reasons = "".join(f"<li>{escape(f.id)} {escape(catalog.get(f.id).short)}：{escape(p.message)}</li>"
                          for f in violated(report) for p in f.problems)
        head = (f'<div class="verdict bad">检查结论：{escape(verdict(report))}</div>'
                f"<p>负面清单项在申报前回溯期内有登记的事件：</p><ul>{reasons}</ul>")
    counts = (f"<p>工作标准 {len(catalog.standards)} 条：达标 {s['met']}，部分达标 {s['partial']}，"
              f"缺材料 {s['missing']}，不适用 {s['not_applicable']}；{escape(catalog.negative_name)} "
              f"{len(catalog.negative_items)} 项：已承诺 {s['declared']}，未承诺 {s['undeclared']}，"
              f"违反 {s['violated']}。</p>")

    status_opts = "".join(f'<option value="{k}">{v}</option>' for k, v in STATUS_LABELS.items())
    dept_opts = "".join(f'<option value="{escape(d)}">{escape(d)}</option>' for d in departments(catalog))
    filters = (f'<div class="filters">状态：<select id="fstatus" onchange="applyFilter()"><option value="">全部</option>'
               f'{status_opts}</select>责任部门：<select id="fdept" onchange="applyFilter()"><option value="">全部</option>'
               f'{dept_opts}</select>显示 <span id="shown">{len(report.findings)}</span> 项</div>')

    rows = []
    for f in report.findings:
        std = catalog.get(f.id)
        if std is None:
            continue
        problems = "".join(f"<li>{escape(p.message)}</li>" for p in f.problems)
        problems += "".join(f'<li class="warn">提醒：{escape(w.message)}</li>' for w in f.warnings)
        evidence = "<br>".join(escape(e) for e in f.evidence) or "—"
        rows.append(
            f'<tr data-status="{f.status}" data-depts="{escape("|".join(std.departments))}">'
            f"<td>{escape(f.id)}</td><td>{escape(category_name(catalog, std))}</td>"
            f'<td title="{escape(std.text)}">{escape(std.short)}</td>'
            f'<td class="st" style="color:{COLORS.get(f.status, "#222")}">{escape(label(f.status))}</td>'
            f'<td class="ev">{evidence}</td><td><ul class="problems">{problems}</ul></td>'
            f"<td>{escape('、'.join(std.departments))}</td></tr>")
    table = ('<table id="standards"><thead><tr><th>编号</th><th>项目</th><th>工作标准</th><th>状态</th>'
             "<th>证明材料</th><th>存在问题</th><th>责任部门</th></tr></thead><tbody>"
             + "".join(rows) + "</tbody></table>")

    extra = ""
    bad = unreadable(report)
    if bad:
        extra += "<h2>无法读取的文件（未计入）</h2><ul>" + "".join(
            f"<li>{escape(f.path)}：{escape(f.message)}</li>" for f in bad) + "</ul>"
    if report.manifest:
        extra += "<h2>材料清单和台账中有问题的行（已跳过）</h2><ul>" + "".join(
            f"<li>{escape(m.source)}{f' 第{m.row}行' if m.row else ''}：{escape(m.message)}</li>"
            for m in report.manifest) + "</ul>"
    loose = unassigned(report)
    if loose:
        extra += (f'<h2 id="unassigned">{escape(UNASSIGNED_TITLE)}（{len(loose)} 个）</h2><ul>' + "".join(
            f"<li>{escape(f.path)}{'（无法读取）' if f.status != 'ok' else ''}</li>" for f in loose)
            + f'</ul><p class="warn">{escape(UNASSIGNED_HINT)}</p>')
    if report.duplicates:
        extra += (f'<h2 id="duplicates">{escape(DUPLICATES_TITLE)}（{len(report.duplicates)} 个）</h2><ul>'
                  + "".join(f"<li>{escape(duplicate_line(f))}</li>" for f in report.duplicates) + "</ul>")

    title = f"申报材料检查报告 — {catalog.name}"
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>{head}{counts}"
            f"<h2>各项目达标情况</h2>{_chart(report, catalog)}"
            f"<h2>逐条检查结果</h2>{filters}{table}{extra}<script>{JS}</script></body></html>\n")
