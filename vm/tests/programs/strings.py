# Strings: indexing, slicing, methods, formatting, repr.
s = "Hello, World"
print(s[0], s[-1], s[4], s[1:5], s[:5], s[7:], s[-5:], s[::2], s[::-1], s[1:10:3], s[10:2:-2])
print(s[100:], s[-100:3], repr(s[5:5]), len(s), len(""))
print("ab" + "cd", "ab" * 3, 3 * "x", "" * 5 == "", "-" * 0 == "")
print("ell" in s, "xyz" in s, "" in s, "W" not in s)
print("a,b,,c".split(","), "  a  b c ".split(), "a b c d".split(" ", 2), "a-b-c".rsplit("-", 1), "x".split(","))
print("1 2  3".rsplit(), "a::b::c".split("::"), "".split(), "".split(","))
print("-".join(["a", "b", "c"]), "".join(["x", "y"]), ", ".join("abc"), "+".join([]))
print(repr("  pad  ".strip()), repr("  pad  ".lstrip()), repr("  pad  ".rstrip()), "xxhixx".strip("x"), "abcba".strip("ab"))
print("hello".replace("l", "L"), "aaaa".replace("a", "b", 2), "abc".replace("", "-"), "abab".replace("ab", ""))
print("hello".find("l"), "hello".rfind("l"), "hello".find("z"), "hello".index("e"), "hello".rindex("l"), "hello".find("l", 3), "hello".find("", 2))
print("banana".count("a"), "banana".count("an"), "banana".count(""), "banana".count("a", 2, 4))
print("hello".startswith("he"), "hello".endswith("lo"), "hello".startswith(("x", "h")), "hello".endswith("l", 0, 3), "hello".startswith("l", 2))
print("MiXeD".upper(), "MiXeD".lower(), "hello world foo".title(), "hELLO wORLD".capitalize(), "MiXeD".swapcase())
print("42".zfill(5), "-42".zfill(5), "abc".ljust(6, "*") + "|", "abc".rjust(6) + "|", "abc".center(7, "-"), "abcd".center(7, "."))
print("key=value=x".partition("="), "key=value=x".rpartition("="), "nokey".partition("="), "nokey".rpartition("="))
print("line1\nline2\r\nline3\n".splitlines(), "a\n\nb".splitlines(), "a\nb\n".splitlines(True))
print("123".isdigit(), "12a".isdigit(), "abc".isalpha(), "ab1".isalpha(), "ab1".isalnum(), "   ".isspace(), "".isdigit())
print("abc".islower(), "ABC".isupper(), "Title Case".istitle(), "abc".isupper(), "x_1".isidentifier(), "1x".isidentifier())
print("a\tb".expandtabs(4), "Hello".casefold(), "abc".encode(), "tab\there".split("\t"))
print(str(12), str(-3.5), str(True), str(None), str([1, "a"]), repr("x"), str("x"))
# comparisons and ordering
print("abc" < "abd", "abc" < "ab", "B" < "a", "" < "a", "abc" == "abc", sorted(["pear", "apple", "Fig", "banana"]))
print(min("hello"), max("hello"), list("abc"), tuple("xy"), "".join(reversed("stressed")))
# f-strings
name, n, f = "Ann", 42, 3.14159
print(f"{name} is {n}", f"{n:5d}|", f"{n:<5}|", f"{n:^7}|", f"{n:>+6}|", f"{n:05d}", f"{n:x}", f"{n:#x}", f"{n:#b}", f"{n:o}")
print(f"{f:.2f}", f"{f:10.3f}|", f"{f:<10.1f}|", f"{f:e}", f"{f:.3e}", f"{1234567.891:,.2f}", f"{0.256:.1%}", f"{2.0:g}", f"{1e20:g}")
print(f"{name!r}", f"{name:>6}", f"{name:*^9}", f"{'q'!r:>5}", f"{n!s:>4}", f"{[1, 2]}", f"{{literal}}", f"{n + 1}")
width, prec = 10, 3
print(f"{f:{width}.{prec}f}|", f"{'x' * 3}", f"{n=}", f"{1_000_000:_}", f"{-5:+}", f"{5:+}", f"{-5: }", f"{True}")
# % formatting
print("%d-%s-%r" % (5, "s", "s"), "%5d|%-5d|" % (3, 4), "%05.1f" % 2.345, "%x %X %o" % (255, 255, 8), "%%", "%s" % [1, 2])
print("%(a)s and %(b)d" % {"a": "A", "b": 2}, "%c%c" % (72, "i"), "%.3s" % "abcdef", "%e" % 12345.678, "%10.4f|" % f)
# str.format
class P:
    def __init__(self):
        self.x = 7
        self.items = ["zero", "one"]
p = P()
print("{} {}".format(1, 2), "{1} {0} {1}".format("a", "b"), "{k}={v}".format(k="key", v=9), "{0.x}".format(p), "{0.items[1]}".format(p))
print("{d[a]} {l[0]}".format(d={"a": 1}, l=[9]), "{:>8}|".format("r"), "{:08.3f}".format(-f), "{0:{1}}|".format("w", 4), "{!r}".format("q"))
print("{:,}".format(1234567), "{:b}".format(10), "{:^10s}|".format("mid"), "{:=+8d}".format(42), "{{}}".format())
# repr of strings with quotes and escapes
print(repr("it's"), repr('say "hi"'), repr("both ' and \""), repr("tab\tnew\nline\\"), repr("\x00\x7f"), repr("\u00e9"), repr(""))
print(repr("a\rb"), repr("\x1b[0m"), ascii("caf\u00e9"), len("\u00e9\u4e2d"), "\u4e2d\u6587"[1] == "\u6587")
# misc
print(ord("\n"), "abc"[1:2] * 2, "x".join("123"), "%s|%s" % ("a", None), str.upper("up"), "a" "b" "c")
words = "the quick brown fox jumps over the lazy dog".split()
print(len(words), sorted(set(words)), max(words, key=len), [w[::-1] for w in words[:3]])
acc = ""
for ch in "abc":
    acc += ch.upper() + ch
print(acc, "abc" * -1 == "", hash("abc") == hash("a" + "bc"))
# PEP 616
print("heaplab.py".removesuffix(".py"), "heaplab".removeprefix("heap"), "x".removeprefix("xy"), "".removesuffix(""))
try:
    "a".removeprefix(1)
except TypeError as e:
    print(e)
