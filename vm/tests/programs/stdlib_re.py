# The re module on the native _sre engine: compile, match objects, the
# search family, sub/subn/split, flags, named groups, bytes, lookarounds,
# repeats and errors.
import re

# compile, attributes and repr
p = re.compile(r"(?P<first>\w+) (?P<last>\w+)")
print(p.pattern, p.groups, sorted(p.groupindex.items()), p.flags == re.UNICODE)
print(repr(re.compile("a+")), repr(re.compile("x", re.I | re.M)), repr(re.compile(b"y")))
print(re.compile("a+") == re.compile("a+"), re.compile("a+") == re.compile("a*"))
print(hash(re.compile("q")) == hash(re.compile("q")), re.compile("z") is re.compile("z"))

# match objects
m = p.search("--  John Smith  --")
print(m)
print(m.group(), m.group(1), m.group("last"), m.group(0, 2, "first"), m[1], m["last"])
print(m.groups(), m.groupdict(), m.span(), m.span(2), m.start("last"), m.end(1))
print(m.pos, m.endpos, m.lastindex, m.lastgroup, m.regs, m.re is p, m.string[:4])
print(m.expand(r"\g<last>, \1 (\g<0>)"))
m = re.match(r"(a)(b)?(c)?", "ac")
print(m.groups(), m.groups("-"), m.group(2), m.span(2), m.lastindex)
try:
    m.group(7)
except IndexError as e:
    print("IndexError:", e)

# the search family
print(re.match(r"\d+", "a12"), re.match(r"\d+", "12a"))
print(re.fullmatch(r"\d+", "123"), re.fullmatch(r"\d+", "123a"))
print(re.search(r"\d+", "ab 42 x"), re.compile(r"\d").search("a1b2", 2))
print(re.compile(r"\d+").match("a12345", 1, 3))
print(re.findall(r"\d+", "a1b22c333"), re.findall(r"(\w)=(\d)", "a=1, b=2"))
print(re.findall(r"(\w)(x)?", "ax b"), re.findall("x*", "axxb"))
print([m.span() for m in re.finditer(r"\w+", "one two  three")])
sc = re.compile(r"\d").scanner("1a2")
print(sc.match(), sc.match(), sc.search(), sc.search())

# sub, subn, split
print(re.sub(r"(\w+)@(\w+)", r"\2 at \1", "joe@home, ann@work"))
print(re.sub(r"(?P<k>\w+)=(?P<v>\w+)", r"\g<v>=\g<k>", "a=1 b=2"))
print(re.sub(r"\d", lambda m: str(int(m.group()) * 2), "a1b2c3"))
print(re.subn("o", "0", "foo boo", count=3), re.sub("", "-", "abc"))
print(re.sub(r"x*", "-", "abxd"), re.sub("a", r"\n", "bab") == "b\nb")
print(re.split(r",\s*", "a, b,c,   d"), re.split(r"(,)", "a,b"), re.split(",", "a,b,c", maxsplit=1))
print(re.split(r"\b", "hi there"), re.split("x", ""))

# flags
print(re.findall("abc", "ABC abc aBc", re.IGNORECASE), re.match("straße", "STRASSE", re.I))
print(re.findall(r"^\w+$", "foo\nbar\nbaz", re.MULTILINE), re.findall(r"^\w+$", "foo\nbar"))
print(re.match("a.b", "a\nb"), re.match("a.b", "a\nb", re.DOTALL))
print(re.match(r"""
    (\d+)   # digits
    \s*     # space
    ([a-z]+)  # word
""", "42  apples", re.VERBOSE).groups())
print(re.findall(r"\w+", "héllo wörld", re.ASCII), re.findall(r"\w+", "héllo wörld"))
print(re.findall("(?i)É", "éÉe"))

# bytes
bp = re.compile(rb"(\w)(\d)")
print(bp.findall(b"a1 b2 c"), bp.sub(rb"\2\1", b"a1 b2 c"), bp.split(b"xa1y"))
print(bp.search(bytearray(b"zz9")).group(), re.match(rb"\xff+", b"\xff\xff\x00"))
try:
    bp.match("a1")
except TypeError as e:
    print("TypeError:", e)

# lookarounds and conditionals
print(re.findall(r"(?<=a)b", "ab cb ab"), re.findall(r"(?<!a)b", "ab cb"))
print(re.findall(r"\w+(?=!)", "hey! you! no"), re.findall(r"\d(?!0)", "10 20 31"))
print(re.findall(r"(<)?\w+(?(1)>)", "<a> b <c"))

# repeats: greedy, lazy, possessive, atomic, backreferences
print(re.match("a{2,3}", "aaaa"), re.match("a{2,3}?", "aaaa"), re.match("<.*?>", "<a><b>"))
print(re.match("a*+a", "aaa"), re.match("(?>a+)b", "aaab"), re.match(r"(ab)++", "ababx"))
print(re.findall(r"(\w)\1", "aabbcd"), re.match(r"(?P<q>['\"]).*?(?P=q)", "'x' y"))

# unicode subjects
s = "ünïcödé ŝtring ✓ ok"
print(re.findall(r"[^\W\d]+", s), [m.span() for m in re.finditer(r"\w+", s)])
print(re.sub(r"\w+", lambda m: m.group().upper(), s), re.split(r"\s+", s))

# errors
for bad in ["(", "a**", "[a-", r"\8", "(?P<1>x)"]:
    try:
        re.compile(bad)
    except re.error as e:
        print("re.error:", e)
try:
    re.sub("a", lambda m: 3, "a")
except TypeError as e:
    print("TypeError:", e)
print(re.escape("a.b*c"), re.purge())
