"""``dossier build`` and ``dossier verify``: parse, call :mod:`dossier.build` /
:mod:`dossier.verify`, print."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli.console import stderr, stdout

GAPS_SHOWN = 20
STAGE_LABELS = {"索引": "索引证明材料", "转换": "转换为PDF", "装订": "装订和编页码", "文书": "生成申报文书"}


class _Bars:
    """One rich progress bar per stage, on a terminal only."""

    def __init__(self) -> None:
        self.bar = None
        self.tasks: dict[str, int] = {}
        self.enabled = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=stderr(), transient=True)
            self.bar.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(STAGE_LABELS.get(stage, stage), total=max(total, 1))
        self.bar.update(self.tasks[stage], completed=done, total=max(total, 1))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@click.command("build")
@click.argument("project", metavar="[项目文件夹]", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True,
              help="检查发现缺项或问题时不生成任何材料（退出码 1）。默认照常生成，并在目录和摘要中列出缺项。")
@click.option("--no-dividers", is_flag=True, help="不在每个项目（类别）前加分隔页。")
@click.option("--draft", is_flag=True,
              help="生成草稿：每页加“草稿”标记，目录和文书中标出缺少或无法读取的材料，允许占位内容（某某、待填等）。")
@click.option("--pdfa", is_flag=True,
              help="把证明材料汇编存为 PDF/A-2b（长期存档格式：嵌入全部字体和色彩描述，去掉脚本等），"
                   "写出后读回校验；未通过校验时保留普通 PDF 并列出原因。")
def build_command(project: Path, strict: bool, no_dividers: bool, draft: bool, pdfa: bool) -> None:
    """生成全部申报材料：证明材料汇编.pdf（封面、目录、连续页码、书签）、申报表、请示、自评报告和材料清单。

    项目文件夹即申报项目文件夹（含 dossier.yaml），默认为当前文件夹。同时写出指标体系的发布通知（通知.docx，供对照）。先增量索引材料、检查缺项，
    再装订汇编，并把汇编中的真实页码填入自评报告和材料清单。所有文件写入 输出/，
    生成过程中断时原有文件保持不变。
    """
    from dossier.build import build

    bars = _Bars()
    try:
        result = build(project, strict=strict, dividers=not no_dividers, progress=bars, draft=draft, pdfa=pdfa)
    finally:
        bars.close()
    out = stdout()
    pm = result.page_map
    out.print(f"已生成申报材料（{result.outputs[0].parent}）：")
    for path in result.outputs:
        out.print(f"  {path.name}")
    how = {"bound": "重新装订", "patched": "只替换了变更材料的页面", "reused": "材料无变化，沿用上次的汇编"}
    out.print(f"证明材料汇编：共{result.total_pages}页（封面和目录{pm.front}页，正文{pm.body}页），"
              f"装订材料{result.files_bound}份；{how.get(result.dossier, result.dossier)}。")
    if result.documents_reused:
        out.print("申报表、请示、自评报告的内容没有变化，未重新生成。")
    out.print(f"索引：新读取{result.index_read}个文件，沿用{result.index_reused}个；"
              f"转换为PDF：新转换{result.conversions_done}个，沿用缓存{result.conversions_reused}个。")
    timing = "，".join(f"{stage}{seconds:.1f}秒" for stage, seconds in result.seconds.items())
    out.print(f"用时：{timing}。")
    if result.left_out:
        where = "已在目录中注明" if draft else "未列入报送的目录；加 --draft 可在目录中标出"
        out.print(f"未能装订的材料（{len(result.left_out)}份，{where}）：")
        for path, reason in result.left_out.items():
            out.print(f"  {path}：{reason}")
    if result.pdfa is not None:
        if result.pdfa.ok:
            out.print("证明材料汇编已存为 PDF/A-2b，并已通过保存后的校验。")
        else:
            out.print("证明材料汇编未能存为 PDF/A-2b（已保存为普通 PDF），原因：")
            for line in result.pdfa.findings[:GAPS_SHOWN]:
                out.print(f"  {line}")
        for line in result.pdfa.changes:
            out.print(f"  {line}")
    if result.stats.fonts:
        out.print(f"字体未能全部嵌入的材料（{len(result.stats.fonts)}份，已照常装订，阅读器会用本机字体代替显示）：")
        for path, reason in result.stats.fonts.items():
            out.print(f"  {path}：{reason}")
    if result.gaps:
        where = "已在草稿的目录和自评报告中标出" if draft else "详见 dossier check；加 --draft 可在目录和文书中标出"
        out.print(f"检查发现的问题（{len(result.gaps)}项，{where}）：")
        for line in result.gaps[:GAPS_SHOWN]:
            out.print(f"  {line}")
        if len(result.gaps) > GAPS_SHOWN:
            out.print(f"  ……另有{len(result.gaps) - GAPS_SHOWN}项，运行 dossier check 查看全部。")
    if draft:
        out.print("这是草稿：每页印有“草稿”标记，不得报送。去掉 --draft 生成报送用的申报材料。")
    out.print("可运行 dossier verify 核对汇编中的每一处页码。")


@click.command("verify")
@click.argument("project", metavar="[项目文件夹]", required=False, default=".", type=click.Path(path_type=Path))
def verify_command(project: Path) -> None:
    """核对证明材料汇编：目录、书签、自评报告和材料清单中的每一处页码都指向正确的页面。

    项目文件夹即申报项目文件夹（含 dossier.yaml），默认为当前文件夹。

    逐项检查：页面存在、页脚印有该页码、页面上有所引用材料的内容、目录链接和书签指向同一页。
    全部一致时退出码为 0，发现不一致时逐条列出并以退出码 1 结束。
    """
    from dossier.verify import verify

    result = verify(project)
    out = stdout()
    if result.ok:
        out.print(f"核对通过：{result.pdf.name} 共{result.pages}页，已核对{result.checked}处页码和页面，全部一致。")
        return
    out.print(f"发现{len(result.mismatches)}处不一致（{result.pdf.name}）：")
    for m in result.mismatches:
        out.print(f"  {m.where}：{m.message}")
    click.get_current_context().exit(1)


def register(main: click.Group) -> None:
    main.add_command(build_command)
    main.add_command(verify_command)
