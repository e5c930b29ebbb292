# subprocess (stdlib, unmodified) on heaplab's _posixsubprocess, posix
# and select modules.
import os
import select
import subprocess
import _posixsubprocess

r = subprocess.run(["echo", "hello", "world"], capture_output=True, text=True)
print(repr(r.stdout), repr(r.stderr), r.returncode)

r = subprocess.run(["cat"], input=b"abc\x00def", capture_output=True)
print(r.stdout, r.returncode)

print(subprocess.run(["sh", "-c", "exit 3"]).returncode)
print(subprocess.run("kill -TERM $$", shell=True).returncode)

out = subprocess.check_output("echo out; echo err >&2", shell=True,
                              stderr=subprocess.STDOUT)
print(out)
print(subprocess.check_output(["sh", "-c", "echo $FOO-$BAR"],
                              env={"FOO": "foo", "BAR": "bar"}))
print(subprocess.check_output(["pwd"], cwd="/"))
print(subprocess.run(["cat"], stdin=subprocess.DEVNULL,
                     stdout=subprocess.PIPE).stdout)

try:
    subprocess.check_call(["sh", "-c", "exit 7"])
except subprocess.CalledProcessError as e:
    print(type(e).__name__, e.returncode, e)

try:
    subprocess.run(["sleep", "5"], timeout=0.2)
except subprocess.TimeoutExpired as e:
    print(type(e).__name__)

p = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
out, err = p.communicate(input=b"x" * 200000)
print(len(out), err, p.returncode)

# A program or directory that is not there, and a raising preexec_fn.
for kwargs in [{"args": ["/nonexistent/prog"]}, {"args": ["true"], "cwd": "/nonexistent"}]:
    try:
        subprocess.run(**kwargs)
    except OSError as e:
        print(type(e).__name__, e.errno, e.filename)
try:
    subprocess.run(["true"], preexec_fn=lambda: 1 / 0)
except subprocess.SubprocessError as e:
    print(type(e).__name__, e)

# The child's report of a failed exec, as subprocess.py reads it.
errpipe_read, errpipe_write = os.pipe()
pid = _posixsubprocess.fork_exec(
    [b"prog"], (b"/nonexistent/prog",), True, (errpipe_write,), None, None,
    -1, -1, -1, -1, -1, -1, errpipe_read, errpipe_write, True, False, -1,
    None, None, None, -1, None, True)
os.close(errpipe_write)
report = b""
while part := os.read(errpipe_read, 100):
    report += part
print(report)
os.close(errpipe_read)
_, status = os.waitpid(pid, 0)
print(os.WIFEXITED(status), os.waitstatus_to_exitcode(status))

# select on a pipe before and after writing
rfd, wfd = os.pipe()
print(select.select([rfd], [], [], 0))
print(select.select([rfd], [wfd], [], 0) == ([], [wfd], []))
os.write(wfd, b"!")
print(select.select([rfd], [wfd], [], 0) == ([rfd], [wfd], []))
poller = select.poll()
poller.register(rfd, select.POLLIN)
print(poller.poll(0) == [(rfd, select.POLLIN)])
os.close(wfd)
print(os.read(rfd, 10), poller.poll(0) == [(rfd, select.POLLHUP)])
os.close(rfd)
print(os.get_inheritable(os.dup(0)), select.error is OSError)
