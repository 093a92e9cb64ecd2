#!/usr/bin/env python3
"""What the client's wasm bytes are spent on: the largest functions of the
release build before wasm-opt (the file that still has a name section),
grouped by crate, like `twiggy top`. Usage: wasm_top.py FILE.wasm [N]"""
import re
import sys
from collections import Counter


def leb(data, i):
    result = shift = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, i


def sections(data):
    i = 8
    while i < len(data):
        sid = data[i]
        size, j = leb(data, i + 1)
        yield sid, data[j:j + size]
        i = j + size


ESCAPES = {"$LT$": "<", "$GT$": ">", "$RF$": "&", "$BP$": "*", "$LP$": "(", "$RP$": ")", "$C$": ",", "$u20$": " ",
           "$u27$": "'", "$u5b$": "[", "$u5d$": "]", "$u7b$": "{", "$u7d$": "}", "$u7e$": "~", "$u3b$": ";", "$u2b$": "+",
           "$u22$": '"', "$SP$": "@"}


def demangle(sym):
    """Rust's legacy mangling (_ZN<len><ident>...E) to a readable path."""
    if not sym.startswith("_ZN"):
        return sym
    i, parts = 3, []
    while i < len(sym) and sym[i].isdigit():
        j = i
        while sym[j].isdigit():
            j += 1
        n = int(sym[i:j])
        parts.append(sym[j:j + n])
        i = j + n
    if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()
    out = "::".join(parts)
    for k, v in ESCAPES.items():
        out = out.replace(k, v)
    out = out.replace("..", "::")
    return re.sub(r"(^|::)_<", r"\1<", out)


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    data = open(path, "rb").read()
    imported = 0
    bodies = []
    names = {}
    total_by_section = Counter()
    for sid, body in sections(data):
        total_by_section[sid] += len(body)
        if sid == 2:  # imports: count imported functions (they shift indices)
            n, i = leb(body, 0)
            for _ in range(n):
                for _ in range(2):
                    ln, i = leb(body, i)
                    i += ln
                kind = body[i]
                i += 1
                if kind == 0:
                    _, i = leb(body, i)
                    imported += 1
                elif kind == 1:
                    i += 1
                    flags, i = leb(body, i)
                    _, i = leb(body, i)
                    if flags & 1:
                        _, i = leb(body, i)
                elif kind == 2:
                    flags, i = leb(body, i)
                    _, i = leb(body, i)
                    if flags & 1:
                        _, i = leb(body, i)
                elif kind == 3:
                    i += 2
        elif sid == 10:  # code
            n, i = leb(body, 0)
            for _ in range(n):
                size, j = leb(body, i)
                bodies.append(size + (j - i))
                i = j + size
        elif sid == 0:  # custom: the "name" section
            ln, i = leb(body, 0)
            if body[i:i + ln] != b"name":
                continue
            i += ln
            while i < len(body):
                sub = body[i]
                size, j = leb(body, i + 1)
                if sub == 1:
                    n, k = leb(body, j)
                    for _ in range(n):
                        idx, k = leb(body, k)
                        ln2, k = leb(body, k)
                        names[idx] = demangle(body[k:k + ln2].decode("utf-8", "replace"))
                        k += ln2
                i = j + size
    code_total = sum(bodies)
    print(f"{path}: {len(data):,} bytes; code {code_total:,} in {len(bodies):,} functions; data {total_by_section[11]:,}")
    rows = sorted(((size, names.get(imported + k, f"func[{imported + k}]")) for k, size in enumerate(bodies)), reverse=True)
    print(f"\nTop {top} functions:")
    for size, name in rows[:top]:
        print(f"{size:>9,}  {size * 100 / code_total:5.2f}%  {name[:110]}")

    def crate_of(name):
        # The crate a function belongs to: the first path segment, or for a
        # trait impl "<crate::Type as ...>" the type's crate.
        m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)::", re.sub(r"^[<&*]+(mut )?", "", name))
        return m.group(1) if m else "(other)"

    by_crate = Counter()
    for size, name in rows:
        by_crate[crate_of(name)] += size
    print("\nCode by crate (first path segment of each function's name):")
    for crate, size in by_crate.most_common(15):
        print(f"{size:>9,}  {size * 100 / code_total:5.2f}%  {crate}")


if __name__ == "__main__":
    main()
