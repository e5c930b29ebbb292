# The csv module over the native _csv: reading, writing, dialects, errors.
import csv
import io
import _csv


def show_error(f, *args, **kw):
    try:
        r = f(*args, **kw)
    except Exception as e:
        print("  ", type(e).__name__, "|", e)
    else:
        print("  no error:", repr(r))


print("== module")
print(csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC, csv.QUOTE_NONE)
print(csv.__version__, sorted(csv.list_dialects()))
print(type(csv.reader([])), type(csv.writer(io.StringIO())))
print(issubclass(csv.Error, Exception), csv.Error.__module__)

print("== reader basics")
data = 'a,b,c\r\n1,"2,x",3\r\n"q""uote",,"multi\nline"\r\n\r\nlast,row'
r = csv.reader(io.StringIO(data, newline=""))
for row in r:
    print(r.line_num, row)
print(r.dialect.delimiter, repr(r.dialect.lineterminator), r.dialect.quoting)
print(list(csv.reader(["x;y;'z;w'"], delimiter=";", quotechar="'")))
print(list(csv.reader(["a,  b,   c"], skipinitialspace=True)))
print(list(csv.reader(["a,  b"])))
print(list(csv.reader(['a\\,b,c\\"d', '"e\\"f"'], escapechar="\\")))
print(list(csv.reader(["1,2.5,'x',-3"], quoting=csv.QUOTE_NONNUMERIC, quotechar="'")))
print(list(csv.reader(['a,"b"c,d'])))
print(list(csv.reader(['"unterminated'])))
print(list(csv.reader(['a,"b', 'c",d'])))
print(list(csv.reader(['a\tb\tc'], dialect="excel-tab")))
print(list(csv.reader(['a,b\\', 'c'], escapechar="\\")))
print(list(csv.reader(['"a"b"c"'], doublequote=False)))
print(list(csv.reader(['"a",b'], quoting=csv.QUOTE_NONE)))
print(list(csv.reader(["x\x00y,z"])))

print("== writer")
out = io.StringIO()
w = csv.writer(out)
print(w.writerow(["a", 1, 2.5, None, 'q"t', "c,d", "n\nl", ""]))
w.writerows([[1, 2], (x for x in "ab"), [""], []])
print(repr(out.getvalue()))
for q in (csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC):
    out = io.StringIO()
    csv.writer(out, quoting=q, lineterminator="\n").writerow(["s", 1, 2.0, None, True, "a b"])
    print(q, repr(out.getvalue()))
out = io.StringIO()
w = csv.writer(out, quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
w.writerow(["a,b", 'c"d', "e\\f", "g\nh"])
w2 = csv.writer(out, doublequote=False, escapechar="\\", lineterminator="\n")
w2.writerow(['x"y', "p,q"])
print(repr(out.getvalue()))
print(w.dialect.escapechar, w.dialect.quoting)

print("== round trips")
rows = [["id", "text", "num"], ["1", 'he said "hi"', "3.5"], ["2", "a,b\nc", ""], ["3", " sp ", "-"]]
for d in ("excel", "excel-tab", "unix"):
    out = io.StringIO()
    csv.writer(out, dialect=d).writerows(rows)
    back = list(csv.reader(io.StringIO(out.getvalue(), newline=""), dialect=d))
    print(d, back == rows, repr(out.getvalue()[:30]))
out = io.StringIO()
dw = csv.DictWriter(out, fieldnames=["name", "age", "city"], restval="?",
                    extrasaction="ignore")  # "raise" needs dict_keys - list
dw.writeheader()
dw.writerow({"name": "Ann", "age": 30, "city": "Oslo, NO"})
dw.writerows([{"name": "Bob", "age": 4, "extra": 1}, {"name": 'Q"', "age": None, "city": "x"}])
print(repr(out.getvalue()))
dr = csv.DictReader(io.StringIO(out.getvalue(), newline=""))
print(dr.fieldnames)
for rec in dr:
    print(dr.line_num, rec)
dr = csv.DictReader(["a,b", "1,2,3,4", "5"], restkey="rest", restval="RV")
print(list(dr))

print("== dialects")


class Semi(csv.Dialect):
    delimiter = ";"
    quotechar = "'"
    doublequote = True
    skipinitialspace = True
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL


csv.register_dialect("semi", Semi)
d = csv.get_dialect("semi")
print(type(d).__name__, d.delimiter, d.quotechar, d.doublequote, d.skipinitialspace,
      repr(d.lineterminator), d.quoting, d.escapechar, d.strict)
out = io.StringIO()
csv.writer(out, "semi").writerow(["a;b", "c'd", "e"])
print(repr(out.getvalue()), list(csv.reader(out.getvalue().splitlines(), "semi")))
csv.register_dialect("pipes", delimiter="|", quoting=csv.QUOTE_ALL)
print(csv.get_dialect("pipes").delimiter, csv.get_dialect("pipes").quoting)
csv.register_dialect("pipes2", "pipes", lineterminator="!")
out = io.StringIO()
csv.writer(out, "pipes2").writerow([1, 2])
print(repr(out.getvalue()))
print(sorted(csv.list_dialects()))
csv.unregister_dialect("pipes2")
print(sorted(csv.list_dialects()))
print(csv.reader([], Semi).dialect.delimiter, csv.reader([], Semi()).dialect.quotechar)
dd = _csv.Dialect(delimiter=":")
print(_csv.Dialect(dd) is dd, _csv.Dialect(dd, delimiter="!").delimiter)
print(csv.reader([], quotechar=None).dialect.quoting)
show_error(csv.reader, [], dd, quotechar=None)
show_error(setattr, dd, "delimiter", "x")
show_error(csv.get_dialect, "nope")
show_error(csv.unregister_dialect, "nope")
show_error(csv.register_dialect, 1)
show_error(csv.reader, [], "nope")


class Bad(csv.Dialect):
    delimiter = "::"
    quotechar = '"'
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL


show_error(Bad)

print("== validation")
for kw in [dict(delimiter=1), dict(delimiter="ab"), dict(delimiter=None), dict(quotechar=1),
           dict(quotechar="ab"), dict(quotechar=None), dict(quotechar=None, quoting=0),
           dict(lineterminator=1), dict(lineterminator=None), dict(quoting=9),
           dict(quoting="a"), dict(escapechar="ab"), dict(escapechar=5), dict(bogus=1),
           dict(strict=1, doublequote=0)]:
    print(kw)
    show_error(lambda: csv.reader([], **kw).dialect.quoting)

print("== reader errors")
show_error(list, csv.reader(["a,b\rc"]))
show_error(list, csv.reader([b"a,b"]))
show_error(list, csv.reader(['a,"b"c'], strict=True))
show_error(list, csv.reader(['"abc'], strict=True))
show_error(list, csv.reader(["1,x"], quoting=csv.QUOTE_NONNUMERIC))
show_error(csv.reader, 5)
old = csv.field_size_limit(10)
print(old, csv.field_size_limit())
show_error(list, csv.reader(["a" * 11]))
print(list(csv.reader(["a" * 10])))
show_error(csv.field_size_limit, "x")
print(csv.field_size_limit(new_limit=old))
r = csv.reader(["ok", "bad\rx", "after"])
print(next(r), r.line_num)
show_error(next, r)
print(r.line_num, next(r))

print("== writer errors")
show_error(csv.writer, 5)
show_error(csv.writer(io.StringIO()).writerow, 5)
show_error(csv.writer(io.StringIO(), quoting=csv.QUOTE_NONE).writerow, ["a,b"])
show_error(csv.writer(io.StringIO(), quoting=csv.QUOTE_NONE).writerow, [""])
show_error(csv.writer(io.StringIO(), doublequote=False).writerow, ['a"b'])


class Sink:
    def write(self, s):
        return len(s) * 100


print(csv.writer(Sink()).writerow(["abc", "d"]))

print("== sniffer")
sample = 'name;age;town\r\n"Ann";30;Oslo\r\n"Bob";4;Rome\r\n'
sn = csv.Sniffer()
dia = sn.sniff(sample)
print(repr(dia.delimiter), repr(dia.quotechar), dia.doublequote, dia.skipinitialspace)
print(list(csv.reader(io.StringIO(sample, newline=""), dia)))
dia = sn.sniff("a|b|c\n1|2|3\n4|5|6\n", delimiters="|,")
print(repr(dia.delimiter))

print("== edge cases")
show_error(_csv.Reader)
show_error(csv.reader)
show_error(csv.writer, io.StringIO(), "excel", 3)
show_error(_csv.Dialect, quoting=2 ** 70)
show_error(_csv.field_size_limit, True)


class Sub(_csv.Dialect):
    pass


sd = Sub(delimiter=";")
print(type(sd).__name__, sd.delimiter, isinstance(sd, _csv.Dialect))
print(list(csv.reader((s for s in ["a;b", "c"]), sd)))
print(list(csv.reader(["a,b\\"], escapechar="\\")))
print(list(csv.reader(['"a\\', 'b"'], escapechar="\\")))
print(list(csv.reader(["a\\\r", "b"], escapechar="\\")))
print(list(csv.reader(["\u00e9,\u4e2d\"x\""])))
import decimal
import fractions
out = io.StringIO()
csv.writer(out, quoting=csv.QUOTE_NONNUMERIC).writerow(
    [decimal.Decimal("1.5"), fractions.Fraction(1, 3), b"x", [1], False])
print(repr(out.getvalue()))
