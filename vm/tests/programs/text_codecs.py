# str.encode / bytes.decode: the fast paths (utf-8, ascii, latin-1) and
# everything else through the codec registry (CPython's encodings
# package): other codecs, error handlers, keyword arguments, failures.
import codecs


def show(f):
    try:
        print(repr(f()))
    except Exception as e:
        print(type(e).__name__ + ":", e)


text = "Grüße, ½ € — 𝄞 ok"
for enc in ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be", "latin-1", "cp1252", "cp437", "ascii"]:
    show(lambda: text.encode(enc))
    show(lambda: text.encode(enc, "replace").decode(enc))
# namereplace names the characters from the Unicode database (last line).
for errors in ["strict", "ignore", "replace", "xmlcharrefreplace", "backslashreplace"]:
    show(lambda: "aé€b".encode("ascii", errors))
    show(lambda: "aé€b".encode(encoding="latin-1", errors=errors))
for errors in ["strict", "ignore", "replace", "backslashreplace"]:
    show(lambda: b"a\xff\xfeb".decode("utf-8", errors))
    show(lambda: b"a\x80b".decode(encoding="ascii", errors=errors))
    show(lambda: b"a\x00b".decode("utf-16-le", errors))
    show(lambda: b"\x00\xd8a\x00".decode("utf-16-le", errors))
    show(lambda: b"\x00\x00\x11\x00".decode("utf-32-le", errors))
show(lambda: b"\xff\xfea\x00\x3d\xd8\x1e\xdd".decode("utf-16"))
show(lambda: b"\xfe\xff\x00a".decode("utf-16"))
show(lambda: "x".encode("rot13"))
show(lambda: b"x".decode("hex"))
show(lambda: "x".encode("no-such-codec"))
show(lambda: "x".encode(errors="strict", encoding="UTF_8"))
show(lambda: bytearray(b"caf\xe9").decode("cp1252"))
show(lambda: codecs.encode("abc", "rot13"))
show(lambda: codecs.decode(b"616263", "hex"))
dec = codecs.getincrementaldecoder("utf-16")()
show(lambda: [dec.decode(b"\xff"), dec.decode(b"\xfeh"), dec.decode(b"\x00i\x00", final=True)])
enc = codecs.getincrementalencoder("utf-16-be")()
show(lambda: enc.encode("hi") + enc.encode("!", final=True))
print("a\xe9\u20ac\U0001F600".encode("ascii", "namereplace"), "\x00\u0378".encode("latin-1", "namereplace"))
