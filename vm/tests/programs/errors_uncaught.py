# expect-exit: 1
# An uncaught exception must terminate the program with exit status 1.
# The traceback goes to stderr (not recorded); stdout written before it must be
# kept, including a final partial line without a newline (flushed at exit).
def level3(x):
    print("level3 entered with", x)
    if x > 0:
        print("raising now...", end="")
        raise ValueError("boom")
    return x

def level2(x):
    print("level2 entered")
    return level3(x) + 1

def level1(x):
    print("level1 entered")
    try:
        return level2(x)
    finally:
        print("level1 finally runs during unwinding")

print("start")
for i in range(3):
    print("loop", i, i * i)

# A handled exception first: the program must carry on normally.
try:
    level1(2)
except ValueError as e:
    print()
    print("handled:", e)
print("level1(0) returned", level1(0))

# Now the real, uncaught one. Handlers that do not match must not run;
# finally blocks at every level must.
try:
    level1(1)
except TypeError:
    print("wrong handler: not printed")
finally:
    print("module-level finally runs (no newline)", end="")
print("not reached")
