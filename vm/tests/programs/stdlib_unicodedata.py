# unicodedata: properties of long-stable characters, normalization, the
# ucd_3_2_0 object, CPython's errors, and the users of the database
# (\N{...} literals, the namereplace error handler, encodings.idna).
import unicodedata as u


def show(f, *args):
    try:
        print(repr(f(*args)))
    except Exception as e:
        print(type(e).__name__, e)


print(type(u.unidata_version).__name__, u.ucd_3_2_0.unidata_version)
print(type(u.ucd_3_2_0) is u.UCD, u.UCD.__name__, u.UCD.__module__)

for c in "A\u00e9\u20ac 1\u0661\u00bd\u00b2\u0301\u3042\uff21(\u2022":
    print(u.name(c), u.category(c), repr(u.bidirectional(c)), u.combining(c),
          u.east_asian_width(c), u.mirrored(c), repr(u.decomposition(c)),
          u.decimal(c, None), u.digit(c, None), u.numeric(c, None))
print(u.name("\uac00"), u.name("\u4e00"))
print(u.category("\ue000"), u.name("\ue000", "<none>"))

for name in ["BULLET", "bullet", "LATIN SMALL LETTER E WITH ACUTE", "HANGUL SYLLABLE GA",
             "CJK UNIFIED IDEOGRAPH-4E00", "LATIN CAPITAL LETTER GHA",
             "LATIN SMALL LETTER R WITH TILDE"]:
    show(u.lookup, name)
show(u.lookup, b"EURO SIGN")

s = "e\u0301 \ufb01 \u00c5 \u212b \u2460"
for form in ["NFC", "NFD", "NFKC", "NFKD"]:
    print(form, ascii(u.normalize(form, s)), u.is_normalized(form, s),
          u.is_normalized(form, u.normalize(form, s)))

# Errors and defaults.
show(u.lookup, "NO SUCH THING")
show(u.lookup, "X" * 300)
show(u.lookup, 5)
show(u.lookup, bytearray(b"BULLET"))
show(u.lookup)
show(u.name, "\ue000")
show(u.name, "\ue000", 42)
show(u.name, 1)
show(u.name, "ab")
show(u.name)
show(u.name, "a", "b", "c")
show(u.decimal, "a")
show(u.digit, "a")
show(u.numeric, "a")
show(u.decimal, "\u00b2")
show(u.numeric, "x", 1.5)
show(u.category, "")
show(u.category, 65)
show(u.category)
show(u.normalize, "XYZ", "a")
show(u.normalize, 1, "a")
show(u.normalize, "NFC", 1)
show(u.normalize, "NFC")
show(u.is_normalized, "nfc", "a")
try:
    u.name("a", default=1)
except TypeError as e:
    print(e)
try:
    u.category(chr=1)
except TypeError as e:
    print(e)
show(u.UCD)
show(u.UCD.category, "a", "a")

# ucd_3_2_0: the same methods over Unicode 3.2.0.
U = u.ucd_3_2_0
for c in "A\u00e9\u20ac1\u0301(":
    print(U.name(c), U.category(c), U.bidirectional(c), U.combining(c),
          U.mirrored(c), repr(U.decomposition(c)), U.numeric(c, None))
show(U.lookup, "LATIN SMALL LETTER R WITH TILDE")
show(U.lookup, "LATIN CAPITAL LETTER GHA")
show(U.lookup, "EURO SIGN")
show(U.category, "ab")
show(U.category)
show(U.name)
print(U.normalize("NFC", "e\u0301") == "\u00e9", U.is_normalized("NFD", "\u00e9"))

# Users of the database.
print(ascii("\N{BULLET}"), ascii("\N{LATIN SMALL LETTER A WITH GRAVE}"))
import codecs
exc = UnicodeEncodeError("ascii", "\u2022x\u00e9", 0, 3, "ordinal not in range(128)")
print(codecs.lookup_error("namereplace")(exc))
import encodings.idna
import stringprep
print(stringprep.in_table_b1("\u00ad"), stringprep.in_table_c12("\u00a0"))
print("b\u00fccher.example".encode("idna"))
