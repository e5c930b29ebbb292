# resource: getrusage's struct_rusage, getrlimit/setrlimit round-trips,
# the constants, and CPython's errors for bad arguments.
import resource as r


def show(f, *args):
    try:
        print(repr(f(*args)))
    except Exception as e:
        print(type(e).__name__, e)


print(r.error is OSError)
for name in ["RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE",
             "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_OFILE", "RLIMIT_MEMLOCK",
             "RLIMIT_AS", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
             "RLIMIT_SIGPENDING", "RLIM_INFINITY", "RUSAGE_SELF", "RUSAGE_CHILDREN",
             "RUSAGE_THREAD"]:
    print(name, getattr(r, name))

ru = r.getrusage(r.RUSAGE_SELF)
print(type(ru).__name__, type(ru).__module__, isinstance(ru, tuple), len(ru))
print(ru.n_fields, ru.n_sequence_fields, ru.n_unnamed_fields)
print([n for n in dir(ru) if n.startswith("ru_")])
print(type(ru.ru_utime).__name__, type(ru.ru_stime).__name__, type(ru.ru_maxrss).__name__)
print(ru.ru_maxrss > 0, ru[2] == ru.ru_maxrss, ru.ru_utime >= 0.0)
print(repr(ru).startswith("resource.struct_rusage(ru_utime="), repr(ru).endswith(")"))
print(type(r.getrusage(r.RUSAGE_CHILDREN)).__name__, type(r.getrusage(r.RUSAGE_THREAD)).__name__)
print(r.struct_rusage(range(16)))
show(r.struct_rusage, (1, 2))
print(r.struct_rusage.__doc__.splitlines()[0])

soft, hard = r.getrlimit(r.RLIMIT_NOFILE)
print(type(soft).__name__, soft <= hard or hard == r.RLIM_INFINITY)
r.setrlimit(r.RLIMIT_NOFILE, (soft, hard))
print(r.getrlimit(r.RLIMIT_NOFILE) == (soft, hard))
core = r.getrlimit(r.RLIMIT_CORE)
r.setrlimit(r.RLIMIT_CORE, [0, core[1]])
print(r.getrlimit(r.RLIMIT_CORE)[0])
r.setrlimit(r.RLIMIT_CORE, core)
print(r.getrlimit(r.RLIMIT_CORE) == core)
print(r.prlimit(0, r.RLIMIT_CORE) == core)
show(r.prlimit, 0, r.RLIMIT_CORE, None)
print(r.prlimit(0, r.RLIMIT_CORE, core) == core, r.getrlimit(r.RLIMIT_CORE) == core)
print(r.getpagesize() > 0, r.getpagesize() % 1024)

# Errors.
show(r.getrusage, 5)
show(r.getrusage, "a")
show(r.getrusage, 1.5)
show(r.getrusage)
show(r.getrlimit, 99)
show(r.getrlimit, -1)
show(r.getrlimit, "a")
show(r.getrlimit, 1, 2)
show(r.setrlimit, 99, (1, 2))
show(r.setrlimit, r.RLIMIT_CORE, 5)
show(r.setrlimit, r.RLIMIT_CORE, (1,))
show(r.setrlimit, r.RLIMIT_CORE, ("a", "b"))
show(r.setrlimit, r.RLIMIT_CORE, (0, 2 ** 70))
show(r.setrlimit, r.RLIMIT_CORE)
if hard != r.RLIM_INFINITY:
    show(r.setrlimit, r.RLIMIT_NOFILE, (hard + 1, hard))
else:
    print("ValueError current limit exceeds maximum limit")
show(r.prlimit, 0, 99)
show(r.prlimit)
show(r.getpagesize, 1)
try:
    r.getrusage(who=0)
except TypeError as e:
    print(e)
