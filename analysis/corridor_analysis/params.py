"""The run's parameters, from the ``resolved_parameters`` attribute of an output file.

The simulator writes its resolved parameters as a small, regular subset of YAML: block
mappings, block sequences of flow items, flow mappings and flow sequences on one line, and
plain scalars. PyYAML is not among the packages this analysis relies on (on Debian it comes
only with unrelated tools), so this module reads that subset itself and says so when it
meets anything outside it, rather than guessing.
"""
from __future__ import annotations

import re

_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$")
_NULLS = {"", "~", "null", "Null", "NULL"}


class ParamsError(ValueError):
    """The text uses YAML beyond the subset the simulator writes."""


def _scalar(text: str):
    s = text.strip()
    if s in _NULLS:
        return None
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"":
        body = s[1:-1]
        return body.replace("''", "'") if s[0] == "'" else body.replace('\\"', '"')
    if s in ("true", "True", "TRUE"):
        return True
    if s in ("false", "False", "FALSE"):
        return False
    if _INT.match(s):
        return int(s)
    if _FLOAT.match(s):
        return float(s)
    return s


def _strip_comment(line: str) -> str:
    # A '#' starts a comment only at the start or after blank space, and never inside quotes;
    # descriptions such as "tourism year 2024" must survive untouched.
    quote = None
    for k, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (k == 0 or line[k - 1] in " \t"):
            return line[:k].rstrip()
    return line.rstrip()


class _Flow:
    """Recursive descent over one line of flow YAML: {a: 1, b: [x, y]}."""

    def __init__(self, text: str):
        self.s = text
        self.i = 0

    def _ws(self):
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def value(self):
        self._ws()
        if self.i >= len(self.s):
            return None
        ch = self.s[self.i]
        if ch == "{":
            return self._mapping()
        if ch == "[":
            return self._sequence()
        return self._plain(",]}")

    def _plain(self, stops: str) -> object:
        start = self.i
        quote = None
        while self.i < len(self.s):
            ch = self.s[self.i]
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "'\"" and self.i == start:
                quote = ch
            elif ch in stops:
                break
            self.i += 1
        return _scalar(self.s[start:self.i])

    def _expect(self, ch: str):
        self._ws()
        if self.i >= len(self.s) or self.s[self.i] != ch:
            raise ParamsError(f"expected '{ch}' at column {self.i + 1} of: {self.s}")
        self.i += 1

    def _mapping(self) -> dict:
        self._expect("{")
        out: dict = {}
        self._ws()
        if self.s.startswith("}", self.i):
            self.i += 1
            return out
        while True:
            self._ws()
            key = self._plain(":,}")
            self._expect(":")
            out[str(key)] = self.value()
            self._ws()
            if self.s.startswith(",", self.i):
                self.i += 1
                continue
            self._expect("}")
            return out

    def _sequence(self) -> list:
        self._expect("[")
        out: list = []
        self._ws()
        if self.s.startswith("]", self.i):
            self.i += 1
            return out
        while True:
            out.append(self.value())
            self._ws()
            if self.s.startswith(",", self.i):
                self.i += 1
                continue
            self._expect("]")
            return out


def _inline(text: str):
    t = text.strip()
    if t.startswith(("{", "[")):
        p = _Flow(t)
        v = p.value()
        p._ws()
        if p.i != len(t):
            raise ParamsError(f"trailing text after flow value: {t}")
        return v
    return _scalar(t)


def _split_key(content: str):
    # Keys are plain words; the first ': ' (or a trailing ':') ends the key.
    if content.endswith(":") and ": " not in content:
        return content[:-1].strip(), ""
    k = content.find(": ")
    if k < 0:
        raise ParamsError(f"expected 'key: value', got: {content}")
    return content[:k].strip(), content[k + 2:]


def _block(lines, i: int, indent: int):
    if lines[i][1].startswith("-"):
        out_list = []
        while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("-"):
            item = lines[i][1][1:].strip()
            if not item.startswith(("{", "[")) and ": " in item:
                raise ParamsError(f"block mappings inside sequences are not supported: {item}")
            out_list.append(_inline(item))
            i += 1
        return out_list, i
    out: dict = {}
    while i < len(lines) and lines[i][0] == indent and not lines[i][1].startswith("-"):
        key, rest = _split_key(lines[i][1])
        i += 1
        if rest.strip():
            out[key] = _inline(rest)
        elif i < len(lines) and (
            lines[i][0] > indent or (lines[i][0] == indent and lines[i][1].startswith("-"))
        ):
            out[key], i = _block(lines, i, lines[i][0])
        else:
            out[key] = None
    return out, i


def parse_params(text: str) -> dict:
    """Parse the simulator's resolved YAML into nested dicts, lists and scalars.

    Dates stay ISO strings ("2023-11-10"); ``~`` and ``null`` become None.
    """
    lines = []
    for raw in text.splitlines():
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise ParamsError("tabs in indentation are not YAML")
        line = _strip_comment(raw)
        if line.strip():
            lines.append((len(line) - len(line.lstrip(" ")), line.strip()))
    if not lines:
        return {}
    value, i = _block(lines, 0, lines[0][0])
    if i != len(lines):
        raise ParamsError(f"unexpected indentation at: {lines[i][1]}")
    return value


def run_parameters(ds) -> dict:
    """The resolved parameters of a run opened with :func:`open_run` (or its attrs dict)."""
    attrs = ds if isinstance(ds, dict) else ds.attrs
    text = attrs.get("resolved_parameters")
    if not text:
        raise KeyError("the dataset has no 'resolved_parameters' attribute; open it with open_run()")
    return parse_params(text)
