# signal through the native _signal: handlers run at the next safepoint
# (or at once for raise_signal), their exceptions propagate, SIGINT's
# default handler raises KeyboardInterrupt, and the argument checks.

import signal

print(int(signal.SIGINT), repr(signal.SIGTERM), signal.Signals(15).name, signal.NSIG)
print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
print(signal.getsignal(signal.SIGUSR1), signal.Handlers.SIG_IGN)
got = []

def record(sig, frame):
    got.append(sig)

print(signal.signal(signal.SIGUSR1, record), signal.getsignal(signal.SIGUSR1) is record)
signal.raise_signal(signal.SIGUSR1)
print(got)
signal.signal(signal.SIGUSR2, record)
signal.raise_signal(signal.SIGUSR2)
for i in range(100):
    pass
print(got)

def boom(sig, frame):
    raise ValueError("from handler %d" % sig)

signal.signal(signal.SIGUSR2, boom)
try:
    signal.raise_signal(signal.SIGUSR2)
except ValueError as e:
    print("ValueError", e)
try:
    signal.raise_signal(signal.SIGINT)
except KeyboardInterrupt as e:
    print("KeyboardInterrupt", repr(e))
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
signal.raise_signal(signal.SIGUSR1)
print(signal.getsignal(signal.SIGUSR1), got)
print(signal.signal(signal.SIGUSR1, signal.SIG_DFL))
for bad in [(0, record), (signal.SIGUSR1, 5), (signal.SIGUSR1, "x"), (100, signal.SIG_DFL), ("2", record)]:
    try:
        signal.signal(*bad)
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
try:
    signal.signal(signal.SIGKILL, record)
except OSError as e:
    print(type(e).__name__, e.errno, e)
print(signal.strsignal(signal.SIGTERM), signal.strsignal(signal.SIGSEGV))
valid = signal.valid_signals()
print(len(valid), 32 in valid, signal.SIGRTMIN in valid, signal.SIGRTMAX in valid)
print(signal.set_wakeup_fd(-1))
print(signal.alarm(0))
signal.signal(signal.SIGALRM, record)
signal.alarm(1)
while signal.SIGALRM not in got:
    pass
print("alarm delivered")
signal.siginterrupt(signal.SIGALRM, True)
signal.signal(signal.SIGALRM, signal.SIG_DFL)
print(sorted(set(got)))
