"""Read YAML settings and catalogs, validate them against a JSON Schema, and report the
first problems with file, line and key in Chinese.

Timestamps are kept as strings: PyYAML would otherwise turn ``2021-02-30`` into a crash
instead of a message, and dates are checked by :mod:`dossier.dates` with the line known.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from dossier.errors import ConfigError


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ~10× faster


class _Loader(_Base):
    """SafeLoader without the timestamp resolver; duplicate keys are refused."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False):
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise ConfigError("键不能是列表或键值表（可能是多写了“?”或括号）",
                              line=key_node.start_mark.line + 1) from None
        if key in seen:
            raise ConfigError(f"键 {key} 重复出现", line=key_node.start_mark.line + 1)
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# A settings file is a page of keys a clerk wrote. Anchors and aliases (&a / *a) are legal
# YAML, but a handful is all an honest file uses; nested aliases expand exponentially
# ("billion laughs") and an alias inside its own anchor never ends.
MAX_ALIASES = 100
MAX_NODES = 100_000  # values after expanding every alias
MAX_INT_DIGITS = 15  # no count, population or year a file names is longer


def _check_graph(root: yaml.Node) -> None:
    """Refuse, before anything is built from it, a document whose aliases loop or expand
    beyond :data:`MAX_NODES`, that uses more than :data:`MAX_ALIASES` aliases, or that holds
    an integer too long to be a real value. Raises ConfigError naming the line and key."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    aliases = 0

    def size(node: yaml.Node, key: tuple) -> int:
        nonlocal aliases
        ident = id(node)
        if ident in on_path:
            raise ConfigError("别名（*）引用了包含它自己的内容（循环引用），请删除 & 和 * 后直接写出取值",
                              line=node.start_mark.line + 1, key=key_path(key))
        if ident in sizes:
            aliases += 1
            if aliases > MAX_ALIASES:
                raise ConfigError(f"别名（*）超过 {MAX_ALIASES} 处，不像手写的设置文件，未读取",
                                  line=node.start_mark.line + 1, key=key_path(key))
            return sizes[ident]
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:int" and len(node.value.lstrip("+-").replace("_", "")) > MAX_INT_DIGITS:
                raise ConfigError(f"数字过大（{len(node.value)} 位），请检查是否写错",
                                  line=node.start_mark.line + 1, key=key_path(key))
            total = 1
        else:
            on_path.add(ident)
            total = 1
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    name = k.value if isinstance(k, yaml.ScalarNode) else "?"
                    total += size(k, key + (name,)) + size(v, key + (name,))
            else:
                for i, child in enumerate(node.value):
                    total += size(child, key + (i,))
            on_path.discard(ident)
        if total > MAX_NODES:
            raise ConfigError(f"别名（*）展开后内容过多（超过 {MAX_NODES} 项），不像手写的设置文件，未读取",
                              line=node.start_mark.line + 1, key=key_path(key))
        sizes[ident] = total
        return total

    size(root, ())


class Located:
    """Maps a key path (``("period", "end")``) to the line it was written on."""

    def __init__(self, node: yaml.Node | None):
        self._root = node

    def line(self, path: tuple) -> int | None:
        node, best = self._root, None
        if node is None:
            return None
        best = node.start_mark.line + 1
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == str(part):
                        child = v
                        best = k.start_mark.line + 1
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                child = node.value[part]
                best = child.start_mark.line + 1
            if child is None:
                break
            node = child
        return best


def read_yaml(path: Path, *, what: str) -> tuple[Any, Located]:
    """Parse ``path``; a syntax error becomes a ConfigError naming the line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"找不到{what}文件", path=str(path)) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{what}文件不是 UTF-8 编码，请用 UTF-8 保存", path=str(path)) from None
    except OSError as e:
        raise ConfigError(f"无法读取{what}文件：{e.strerror}", path=str(path)) from None
    loader = _Loader(text)
    try:
        # One parse gives both the node tree (for line numbers) and the data.
        node = loader.get_single_node()
        if node is not None:
            _check_graph(node)
        data = loader.construct_document(node) if node is not None else None
    except ConfigError as e:
        raise ConfigError(e.message, path=str(path), line=e.line) from None
    except (RecursionError, ValueError, TypeError, OverflowError) as e:
        # Whatever a hostile file provokes in the constructors is still the file's fault.
        raise ConfigError(f"{what}文件无法解析（{type(e).__name__}），请检查最近修改的内容", path=str(path)) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(f"{what}文件格式错误（YAML 语法）：{_yaml_problem(e.problem or e.context or '')}",
                          path=str(path), line=line) from None
    except yaml.YAMLError as e:
        raise ConfigError(f"{what}文件格式错误：{e}", path=str(path)) from None
    finally:
        loader.dispose()
    return data, Located(node)


# PyYAML's problems in the words a clerk can act on; anything else is shown as it is.
_YAML_PROBLEMS = (
    ("mapping values are not allowed", "此处不能出现冒号（冒号后应有空格；值中含冒号时请加引号）"),
    ("did not find expected key", "缩进不一致，或缺少“键:”"),
    ("did not find expected node content", "缺少内容（列表、括号或引号未写完整）"),
    ("cannot start any token", "含有不能出现在此处的字符（常见原因：用 Tab 缩进，请改用空格）"),
    ("found unexpected end of stream", "文件意外结束（引号或括号未闭合）"),
    ("could not find expected ':'", "缺少冒号"),
    ("expected ',' or ']'", "方括号列表 [...] 未正确闭合"),
    ("expected ',' or '}'", "花括号 {...} 未正确闭合"),
    ("found unknown escape character", "双引号中的反斜杠 \\ 不合法（Windows 路径请用单引号或 /）"),
    ("expected <block end>", "缩进不一致"),
    ("found undefined alias", "引用了未定义的别名（*）"),
)


def _yaml_problem(problem: str) -> str:
    for english, chinese in _YAML_PROBLEMS:
        if english in problem:
            return chinese
    return problem


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict:
    """A JSON Schema shipped in ``dossier/schemas``."""
    text = resources.files("dossier").joinpath("schemas", name).read_text(encoding="utf-8")
    return json.loads(text)


def key_path(path) -> str:
    return ".".join(str(p) for p in path) or "（顶层）"


def validate(data: Any, schema_name: str, *, path: Path, located: Located, what: str) -> None:
    """Raise ConfigError for the first schema violation, in Chinese, with line and key."""
    schema = load_schema(schema_name)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.validator))
    if not errors:
        return
    err = _most_specific(errors[0])
    loc = tuple(err.absolute_path)
    message, key = _explain(err, loc)
    raise ConfigError(f"{what}不符合格式要求：{message}", path=str(path),
                      line=located.line(key or loc), key=key_path(key or loc))


def _most_specific(err: jsonschema.ValidationError) -> jsonschema.ValidationError:
    # oneOf/anyOf report the outer node; the deepest sub-error names the real key.
    if err.context:
        best = max(err.context, key=lambda e: len(e.absolute_path))
        if len(best.absolute_path) > len(err.absolute_path):
            return _most_specific(best)
    return err


_TYPES = {"string": "文字", "integer": "整数", "number": "数字", "object": "键值表",
          "array": "列表", "boolean": "true 或 false（不能写“是/否”）", "null": "空值"}


def _explain(err: jsonschema.ValidationError, loc: tuple) -> tuple[str, tuple | None]:
    v = err.validator
    if v == "additionalProperties":
        allowed = sorted((err.schema.get("properties") or {}).keys())
        extra = sorted(set(err.instance) - set(allowed)) if isinstance(err.instance, dict) else []
        name = extra[0] if extra else "?"
        hint = f"；可用的键：{', '.join(allowed)}" if allowed else ""
        return f"未知的键 {name}{hint}", loc + (name,)
    if v == "required":
        missing = [k for k in err.validator_value if k not in (err.instance or {})]
        name = missing[0] if missing else "?"
        return f"缺少必填的键 {name}", loc + (name,)
    if v == "type":
        want = err.validator_value
        want = [want] if isinstance(want, str) else want
        return f"应为{'或'.join(_TYPES.get(t, t) for t in want)}，实际为 {_show(err.instance)}", None
    if v == "enum":
        return f"取值 {_show(err.instance)} 无效，应为：{'、'.join(map(str, err.validator_value))}", None
    if v == "const":
        return f"取值应为 {err.validator_value}", None
    if v == "pattern":
        desc = err.schema.get("description") or f"格式 {err.validator_value}"
        return f"取值 {_show(err.instance)} 不符合{desc}", None
    if v in ("minimum", "exclusiveMinimum"):
        return f"取值 {err.instance} 过小（应不小于 {err.validator_value}）", None
    if v in ("maximum", "exclusiveMaximum"):
        return f"取值 {err.instance} 过大（应不大于 {err.validator_value}）", None
    if v == "minItems":
        return f"至少需要 {err.validator_value} 项", None
    if v == "minLength":
        return "不能为空", None
    if v in ("oneOf", "anyOf"):
        desc = err.schema.get("description")
        return (f"取值 {_show(err.instance)} 无效：{desc}" if desc else f"取值 {_show(err.instance)} 无效"), None
    return err.message, None


def _show(value: Any) -> str:
    s = json.dumps(value, ensure_ascii=False, default=str)
    return s if len(s) <= 40 else s[:37] + "…"
