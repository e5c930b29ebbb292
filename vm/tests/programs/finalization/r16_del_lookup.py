# R16 (finalizer registration): instances of a class that defines __del__,
# itself or inherited, when the instance is created are finalizable, and
# __del__ is looked up on the type when it is called: a __del__ replaced on
# the class after the instance was created is the one that runs, and a
# __del__ stored on the instance is ignored. (Adding __del__ to a class after
# instances exist, and __class__ assignment, MAY DIFFER: not tested.)
import gc

log = []


class Base:
    def __init__(self, name):
        self.name = name
        self.me = self

    def __del__(self):
        log.append("Base.__del__ " + self.name)


class Sub(Base):
    pass


class SubSub(Sub):
    pass


class Override(Base):
    def __del__(self):
        log.append("Override.__del__ " + self.name)
        super().__del__()


class Mixin:
    def __del__(self):
        log.append("Mixin.__del__ " + self.name)


class Plain:
    def __init__(self, name):
        self.name = name


class Multi(Plain, Mixin):
    pass


class Replaced:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        log.append("original __del__ " + self.name)


def new_del(self):
    log.append("replacement __del__ " + self.name)


def make():
    Sub("sub")
    SubSub("subsub")
    Override("override")
    Multi("multi")
    r = Replaced("replaced")
    r.me = r
    i = Base("instance attribute")
    i.__del__ = lambda: log.append("instance __del__ (must not run)")
    return r


R = make()
gc.collect()
print("before replacing:", sorted(log))
log.clear()
# R is still alive (a global), so it cannot have been processed yet.
Replaced.__del__ = new_del
R = None
gc.collect()
for line in sorted(log):
    print(line)
