"""The Python half of heaplab's native `_string` module: the format-string
parsers behind string.Formatter."""


def formatter_parser(s):
    """Yields (literal_text, field_name, format_spec, conversion) tuples."""
    if not isinstance(s, str):
        raise TypeError("expected str, got %s" % type(s).__name__)
    return iter(_parse(s))


def _parse(s):
    out = []
    n = len(s)
    i = 0
    lit = []
    while i < n:
        c = s[i]
        if c == "{":
            if i + 1 < n and s[i + 1] == "{":
                lit.append("{")
                out.append(("".join(lit), None, None, None))
                lit = []
                i += 2
                continue
            # A replacement field: find its matching '}'.
            depth = 1
            j = i + 1
            field_start = j
            while j < n:
                cj = s[j]
                if cj == "{":
                    depth += 1
                elif cj == "}":
                    depth -= 1
                    if depth == 0:
                        break
                elif cj == "[" and depth == 1:
                    # Brackets in the field name may hold any characters.
                    k = s.find("]", j)
                    colon = s.find(":", field_start)
                    bang = s.find("!", field_start)
                    limit = min(x for x in (colon, bang, n) if x >= 0)
                    if k > 0 and j < limit:
                        j = k
                j += 1
            if j >= n:
                if depth > 0:
                    raise ValueError("expected '}' before end of string")
            field = s[field_start:j]
            out.append(("".join(lit),) + _split_field(field))
            lit = []
            i = j + 1
            continue
        if c == "}":
            if i + 1 < n and s[i + 1] == "}":
                lit.append("}")
                out.append(("".join(lit), None, None, None))
                lit = []
                i += 2
                continue
            raise ValueError("Single '}' encountered in format string")
        lit.append(c)
        i += 1
    if lit:
        out.append(("".join(lit), None, None, None))
    return out


def _split_field(field):
    """(field_name, format_spec, conversion) of a replacement field body."""
    # The field name ends at the first '!' or ':' outside brackets.
    i = 0
    n = len(field)
    while i < n:
        c = field[i]
        if c == "[":
            k = field.find("]", i)
            if k < 0:
                break
            i = k + 1
            continue
        if c in "!:":
            break
        i += 1
    name = field[:i]
    conversion = None
    spec = ""
    if i < n and field[i] == "!":
        if i + 1 >= n:
            raise ValueError("end of string while looking for conversion specifier")
        conversion = field[i + 1]
        i += 2
        if i < n:
            if field[i] != ":":
                raise ValueError("expected ':' after conversion specifier")
    if i < n and field[i] == ":":
        spec = field[i + 1:]
    return (name, spec, conversion)


def formatter_field_name_split(name):
    """(first, iterator of (is_attribute, key))."""
    if not isinstance(name, str):
        raise TypeError("expected str, got %s" % type(name).__name__)
    n = len(name)
    i = 0
    while i < n and name[i] not in ".[":
        i += 1
    first = name[:i]
    if first.isdigit():
        first = int(first)
    rest = []
    while i < n:
        c = name[i]
        if c == ".":
            j = i + 1
            while j < n and name[j] not in ".[":
                j += 1
            attr = name[i + 1:j]
            if not attr:
                raise ValueError("Empty attribute in format string")
            rest.append((True, attr))
            i = j
        elif c == "[":
            j = name.find("]", i)
            if j < 0:
                raise ValueError("Missing ']' in format string")
            key = name[i + 1:j]
            if not key:
                raise ValueError("Empty attribute in format string")
            if key.isdigit():
                key = int(key)
            rest.append((False, key))
            i = j + 1
            if i < n and name[i] not in ".[":
                raise ValueError("Only '.' or '[' may follow ']' in format field specifier")
        else:
            raise ValueError("Only '.' or '[' may follow ']' in format field specifier")
    return (first, iter(rest))
