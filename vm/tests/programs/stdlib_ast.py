# ast: compile(..., PyCF_ONLY_AST) trees, dump with positions, literal_eval,
# visitors and transformers, unparse, and compile()/exec of a tree.
import ast

SRC = '''
"""Module doc."""
import os.path as osp, sys
from ..pkg import (a, b as c)
@dec
@dec2(1, k=2)
class C(Base, metaclass=Meta):
    """Doc of C."""
    x: int = 1
    def method(self, a, /, b: int = 2, *args: str, c, d=4, **kw) -> None:
        global g
        return [i * 2 for i in range(10) if i % 2 if i > 3]
async def co(x):
    async with lock as l, other:
        await x
    async for y in z:
        pass
    return {k: v for k, v in x}, {s for s in x}, f(g for g in x)
def gen():
    h = lambda a, *b, c=1, **d: a
    yield 1
    yield from gen()
try:
    x = y[1:2, ::3, a:b:c]
except (ValueError, TypeError) as e:
    raise RuntimeError("bad") from e
else:
    del x, y[0], z.a
finally:
    assert x, "msg"
with open(f) as fh:
    first, *rest = fh
while (n := n - 1) > 0:
    if n == 3 or not n and n is not None:
        break
    elif n in (1, 2):
        continue
    else:
        n += 1; n <<= 2
s = b"b" + u"uni" 'str' + f"a{b!r:>{w}} c{d=}"
t = {1: 2, **o}, [1, 2.5, ...], {True, None}, a < b <= c
match p:
    case [1, *rest] if rest:
        pass
    case {'k': v, **kw}:
        pass
    case Point(x=0, y=_) | None:
        pass
    case (a as b) | 'str' | -1:
        pass
'''

tree = ast.parse(SRC)
print(ast.dump(tree, include_attributes=True, indent=1))
print(ast.dump(ast.parse("x + 1", mode="eval")))
print(ast.dump(ast.parse("x = 1", mode="single")))
print(ast.get_docstring(tree))
print(ast.get_docstring(tree.body[3]))
print(sorted({type(n).__name__ for n in ast.walk(tree)})[:12])

# unparse round trip: the unparsed text parses back to the same tree.
# (No str constants: heaplab's str lacks isprintable, which unparse uses.)
code = ast.parse("""
@dec(k=2)
class C(Base, metaclass=Meta):
    def m(self, a, /, b: int = 2, *args, c, d=4, **kw) -> None:
        return [i * 2 for i in range(10) if i % 2 if i > 3]
async def co(x):
    async with lock as l:
        await x
    return {k: v for k, v in x}, f(g for g in x), lambda a, *b, c=1: a
try:
    x = y[1:2, ::3]
except (ValueError, TypeError) as e:
    raise RuntimeError(b'bad') from e
finally:
    del x, y[0], z.a
while (n := n - 1) > 0:
    if n == 3 or not n and n is not None:
        break
    n += 1; n <<= 2
""")
text = ast.unparse(code)
print(text)
print(ast.dump(ast.parse(text)) == ast.dump(code))

# literal_eval
print(ast.literal_eval("[1, (2, 'a'), {3: None, 'k': {True, -4.5}}, b'x']"))
print(ast.literal_eval("(-1, +2.5, ())"))
for bad in ["f(1)", "x", "[1, y]", "1 + ", "-1 + 2"]:
    try:
        ast.literal_eval(bad)
    except (ValueError, SyntaxError) as e:
        print(type(e).__name__, e.msg if isinstance(e, SyntaxError) else str(e).split(":")[0])


class Names(ast.NodeVisitor):
    def __init__(self):
        self.seen = []

    def visit_Name(self, node):
        self.seen.append((node.id, type(node.ctx).__name__, node.lineno, node.col_offset))


v = Names()
v.visit(ast.parse("a = b + c\nfor d in e: f(d)"))
print(v.seen)


class Double(ast.NodeTransformer):
    def visit_Constant(self, node):
        if isinstance(node.value, int):
            return ast.Constant(node.value * 2)
        return node


prog = ast.parse("def f(x):\n    return x + 10\nresult = f(1) * 3\n")
prog = ast.fix_missing_locations(Double().visit(prog))
print(ast.unparse(prog))
ns = {}
exec(compile(prog, "<ast>", "exec"), ns)
print(ns["result"])
expr = ast.Expression(ast.BinOp(ast.Constant(6), ast.Mult(), ast.Constant(7)))
print(eval(compile(ast.fix_missing_locations(expr), "<ast>", "eval")))
try:
    compile(expr, "<ast>", "exec")
except TypeError as e:
    print("TypeError", e)
print(compile("x", "f", "eval", ast.PyCF_ONLY_AST).body.id)
print(type(compile(source="1", filename="f", mode="eval", flags=ast.PyCF_ONLY_AST)).__name__)
exec(compile(ast.parse("y = 5", mode="single"), "<ast>", "single"), ns)
print(ns["y"])

moved = ast.parse("a\nb")
ast.increment_lineno(moved, 3)
print([(n.lineno, n.end_lineno) for n in moved.body])

for bad in ["def f(:\n  pass", "a b", "x = 1\nfor\n"]:
    try:
        ast.parse(bad, "bad.py")
    except SyntaxError as e:
        print("SyntaxError", e.msg, e.filename, e.lineno, e.offset)
