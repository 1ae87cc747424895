"""tf.flags' help text and small text helpers (absl.flags semantics): text_wrap,
doc_to_help, get_help_width, flag_dict_to_args, and the per-module help that
FlagValues.get_help / module_help render.

    list(tf.flags.flag_dict_to_args({"lr": 0.1, "debug": True}))
    # ['--lr=0.1', '--debug']
"""
import os
import re
import sys
import textwrap

from .tf_flags_core import ArgumentParser, ArgumentSerializer
from .tf_flags_flag import Flag

_DEFAULT_HELP_WIDTH = 80
_MIN_HELP_WIDTH = 40

# modules that called disclaim_key_flags(): their flag calls count for their caller
DISCLAIMED = set()

# the flags every FlagValues understands in argv (parsed in tf_flags_values.py)
SPECIAL_FLAGS = {name: Flag(ArgumentParser(), ArgumentSerializer(), name, "", text)
                 for name, text in (
    ("flagfile", "Insert flag definitions from the given file into the command line."),
    ("undefok", "comma-separated list of flag names that it is okay to specify on the "
                "command line even if the program does not define a flag with that "
                "name.  IMPORTANT: flags in this list that have arguments MUST use the "
                "--flag=value format."))}


def get_help_width():
    """The width help text wraps to: $COLUMNS, else the terminal's, else 80.

        tf.flags.get_help_width()           # 80 when not on a terminal
    """
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    if not sys.stdout.isatty():
        return _DEFAULT_HELP_WIDTH
    try:
        columns = os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return _DEFAULT_HELP_WIDTH
    return columns if columns >= _MIN_HELP_WIDTH else _DEFAULT_HELP_WIDTH


def text_wrap(text, length=None, indent="", firstline_indent=None):
    """Wrap `text` to `length` columns (default get_help_width()), keeping its line
    breaks; lines start with `indent` (the first with `firstline_indent`).

        tf.flags.text_wrap("a b c", 3)      # 'a b\\nc'
    """
    if length is None:
        length = get_help_width()
    if indent is None:
        indent = ""
    if firstline_indent is None:
        firstline_indent = indent
    if len(indent) >= length:
        raise ValueError("Length of indent exceeds length")
    if len(firstline_indent) >= length:
        raise ValueError("Length of first line indent exceeds length")
    text = text.expandtabs(4)
    out, first = [], True
    wrapper = textwrap.TextWrapper(width=length, break_on_hyphens=False)
    for line in text.splitlines():
        wrapper.initial_indent = firstline_indent if first else indent
        wrapper.subsequent_indent = indent
        line = line.strip()
        if line:
            out.extend(wrapper.wrap(line))
            first = False
        elif not first:
            out.append("")
    return "\n".join(out)


def doc_to_help(doc):
    """A docstring as help text: outer blank space and common indent removed, and the
    lines of a paragraph joined (indented lines stay as they are).

        tf.flags.doc_to_help("  Line one\\n  line two.")   # 'Line one line two.'
    """
    doc = doc.strip()
    lines = doc.splitlines()
    indents = [len(s) - len(s.lstrip()) for s in lines[1:] if s.strip()]
    if indents:
        cut = min(indents)
        lines = lines[:1] + [s[cut:] for s in lines[1:]]
    return re.sub(r"(?<=\S)\n(?=\S)", " ", "\n".join(lines), flags=re.M)


def flag_dict_to_args(flag_map, multi_flags=None):
    """argv strings for a {name: value} dict: True -> --name, False -> --noname, None
    -> --name, lists joined with commas (or one --name=item each for names in
    `multi_flags`).

        list(tf.flags.flag_dict_to_args({"a": 1, "b": False}))   # ['--a=1', '--nob']
    """
    for key, value in flag_map.items():
        if value is None:
            yield f"--{key}"
        elif isinstance(value, str):
            yield f"--{key}={value}"
        elif isinstance(value, bool):
            yield f"--{key}" if value else f"--no{key}"
        elif isinstance(value, (bytes, bytearray)):
            yield f"--{key}={value!r}"
        elif hasattr(value, "__iter__"):
            if multi_flags and key in multi_flags:
                for item in value:
                    yield f"--{key}={item}"
            else:
                yield f"--{key}={','.join(str(item) for item in value)}"
        else:
            yield f"--{key}={value}"


def _flag_lines(flags, prefix):
    """The help lines for `flags` (each once, sorted by name)."""
    width = get_help_width()
    lines, seen = [], set()
    for flag in sorted(flags, key=lambda f: f.name):
        if id(flag) in seen:
            continue
        seen.add(id(flag))
        head = f"-{flag.short_name}," if flag.short_name else ""
        head += f"--[no]{flag.name}: " if flag.boolean else f"--{flag.name}: "
        lines.append(text_wrap(head + flag.help, width, prefix + "    ", prefix + "  "))
        if flag.default_as_str:
            lines.append(text_wrap(f"(default: {flag.default_as_str})", width,
                                   prefix + "    "))
        if flag.parser.syntactic_help:
            lines.append(text_wrap(f"({flag.parser.syntactic_help})", width,
                                   prefix + "    "))
    return lines


def _module_name(module):
    return module if isinstance(module, str) else module.__name__


def module_help(fv, module):
    """FlagValues.module_help: '\\n<module>:' and the help of its key flags."""
    module = _module_name(module)
    flags = fv.get_key_flags_for_module(module)
    return "\n".join([f"\n{module}:"] + _flag_lines(flags, "")) if flags else ""


def get_help(fv, prefix="", include_special_flags=True):
    """FlagValues.get_help: every module's flags, the main module first."""
    by_module = fv.flags_by_module_dict()
    modules = sorted(by_module)
    main = sys.argv[0]
    if main in modules:
        modules.remove(main)
        modules.insert(0, main)
    lines = []
    for module in modules:
        flags = [f for f in by_module[module] if f in fv._flags().values()]
        if flags:
            lines.append(f"\n{prefix}{module}:")
            lines.extend(_flag_lines(flags, prefix))
    if not by_module:
        lines.extend(_flag_lines(set(fv._flags().values()), prefix))
    if include_special_flags:
        lines.append(f"\n{prefix}absl.flags:")
        lines.extend(_flag_lines(SPECIAL_FLAGS.values(), prefix))
    return "\n".join(lines)
