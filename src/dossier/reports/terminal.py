"""The terminal view: verdict first, counts, a bar per category, then the gaps.

Rendered to a string so it stays pure; ``color`` decides between ANSI colour (a
terminal) and plain text (piped to a file or another program).
"""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from dossier.records import Catalog, CheckReport
from dossier.reports import (DUPLICATES_TITLE, UNASSIGNED_HINT, UNASSIGNED_TITLE, Gap, coverage, departments,
                             duplicate_line, gaps, label, need, points, score, unassigned, unreadable, verdict,
                             violated)

STYLES = {"met": "green", "partial": "yellow", "missing": "red", "not_applicable": "dim",
          "declared": "green", "undeclared": "yellow", "violated": "bold red"}
BAR = 20


def render(report: CheckReport, catalog: Catalog, *, by_department: bool = False, color: bool = False,
           width: int = 100) -> str:
    buf = io.StringIO()
    con = Console(file=buf, force_terminal=color, no_color=not color, color_system="standard" if color else None,
                  width=width, highlight=False, soft_wrap=True, emoji=False)
    _verdict(con, report, catalog)
    _bars(con, report, catalog)
    _gaps(con, report, catalog, by_department)
    _reminders(con, report, catalog)
    _files(con, report)
    return buf.getvalue()


def _verdict(con: Console, report: CheckReport, catalog: Catalog) -> None:
    s = report.summary
    if report.eligible:
        todo = len(gaps(report, catalog))
        tail = f"；还有 {todo} 项需要补充材料" if todo else ""
        con.print(Text(f"检查结论：{verdict(report)}（未发现负面清单违反项）{tail}", style="bold green"))
    else:
        items = "、".join(f.id for f in violated(report))
        con.print(Text(f"检查结论：{verdict(report)} —— 负面清单 {items} 在申报前回溯期内有登记的事件", style="bold red"))
        for f in violated(report):
            for p in f.problems:
                con.print(Text(f"  {f.id} {catalog.get(f.id).short}：{p.message}", style="red"))
    n_std = len(catalog.standards)
    con.print(f"工作标准 {n_std} 条：达标 {s['met']}，部分达标 {s['partial']}，缺材料 {s['missing']}，"
              f"不适用 {s['not_applicable']}")
    got = score(report, catalog)
    if got is not None:
        tail = f"，不适用项 {points(got['not_applicable'])} 分" if got["not_applicable"] else ""
        con.print(f"分值：达标项合计 {points(got['met'])} 分 / 总分 {points(got['total'])} 分{tail}"
                  f"（部分达标、缺材料的不计分）")
    if catalog.negative_items:
        con.print(f"{catalog.negative_name} {len(catalog.negative_items)} 项：已承诺 {s['declared']}，"
                  f"未承诺 {s['undeclared']}，违反 {s['violated']}")
    if report.all_good:
        con.print(Text("全部工作标准已达标，材料清单和证明材料没有发现问题。", style="green"))
    con.print()


def _bars(con: Console, report: CheckReport, catalog: Catalog) -> None:
    con.print(Text("各项目达标情况", style="bold"))
    rows = coverage(report, catalog)
    names = [f"{c.id} {c.name}" for c, _, _ in rows]
    name_width = max((cell_len(n) for n in names), default=0)
    for name, (cat, met, applicable) in zip(names, rows):
        filled = round(BAR * met / applicable) if applicable else BAR
        # Chinese characters take two cells: pad by display width, not by len().
        line = Text("  " + name + " " * (name_width - cell_len(name) + 2))
        line.append("█" * filled, style="green")
        line.append("░" * (BAR - filled), style="red" if met < applicable else "green")
        line.append(f"  {met}/{applicable}")
        con.print(line)
    con.print()


def _gap_lines(con: Console, gap: Gap, show_departments: bool = True, catalog: Catalog | None = None) -> None:
    std, f = gap.standard, gap.finding
    head = Text(f"  {std.id} {std.short} ")
    head.append(f"【{label(f.status)}】", style=STYLES.get(f.status, ""))
    if show_departments and std.departments:
        head.append(f"  责任部门：{'、'.join(std.departments)}", style="cyan")
    con.print(head)
    for p in f.problems:
        con.print(Text(f"    · {p.message}"))
    for w in f.warnings:
        con.print(Text(f"    ! {w.message}", style="dim"))
    con.print(Text(f"    需补充：{need(gap, catalog)}", style="dim"))


def _gaps(con: Console, report: CheckReport, catalog: Catalog, by_department: bool) -> None:
    found = gaps(report, catalog)
    if not found:
        return
    if by_department:
        con.print(Text(f"需要补充的材料（按责任部门，共 {len(found)} 项）", style="bold"))
        for dept in departments(catalog) + ["未指定部门"]:
            mine = [g for g in found if dept in g.standard.departments
                    or (dept == "未指定部门" and not g.standard.departments)]
            if not mine:
                continue
            con.print(Text(f"■ {dept}（{len(mine)} 项）", style="bold cyan"))
            for g in mine:
                _gap_lines(con, g, show_departments=True, catalog=catalog)
    else:
        con.print(Text(f"需要补充的材料（按项目，共 {len(found)} 项）", style="bold"))
        current = None
        for g in found:
            if g.category != current:
                current = g.category
                con.print(Text(f"■ {current}", style="bold cyan"))
            _gap_lines(con, g, catalog=catalog)
    con.print()


def _reminders(con: Console, report: CheckReport, catalog: Catalog) -> None:
    gap_ids = {g.finding.id for g in gaps(report, catalog)}
    rest = [f for f in report.findings if f.warnings and f.id not in gap_ids]
    if not rest:
        return
    con.print(Text("提醒（不影响达标判断）", style="bold"))
    for f in rest:
        for w in f.warnings:
            con.print(Text(f"  {f.id}：{w.message}", style="dim"))
    con.print()


def _files(con: Console, report: CheckReport) -> None:
    bad = unreadable(report)
    if bad:
        con.print(Text(f"无法读取的文件（{len(bad)} 个，未计入）", style="bold red"))
        for f in bad:
            where = f"（已分配到 {'、'.join(f.assigned)}）" if f.assigned else ""
            con.print(Text(f"  {f.path}：{f.message}{where}"))
        con.print()
    if report.manifest:
        con.print(Text(f"材料清单和台账中有问题的行（{len(report.manifest)} 处，已跳过）", style="bold red"))
        for m in report.manifest:
            row = f" 第{m.row}行" if m.row else ""
            con.print(Text(f"  {m.source}{row}：{m.message}"))
        con.print()
    loose = unassigned(report)
    if loose:
        con.print(Text(f"{UNASSIGNED_TITLE}（{len(loose)} 个）", style="bold yellow"))
        for f in loose:
            con.print(Text(f"  {f.path}" + ("（无法读取）" if f.status != "ok" else "")))
        con.print(Text(f"  {UNASSIGNED_HINT}", style="dim"))
        con.print()
    copies = report.duplicates
    if copies:
        con.print(Text(f"{DUPLICATES_TITLE}（{len(copies)} 个）", style="bold"))
        for f in copies:
            con.print(Text(f"  {duplicate_line(f)}", style="dim"))
        con.print()
