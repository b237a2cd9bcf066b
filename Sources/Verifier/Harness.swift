// The Python side of the verifier: the harness each sandboxed worker runs (see Worker.swift).
// It is passed to the interpreter with `-c`, so nothing needs installing beside the binary.

enum Harness {
    static let source = #"""
# Fluke's verify harness. It runs inside the sandbox, as one long-lived worker per core:
# requests arrive as JSON lines on fd 0, replies leave as JSON lines on fd 1. For every
# candidate and every part (base, plus) the worker forks a fresh child that drops to the
# sandbox user, takes its resource limits, runs the candidate on the inputs and compares the
# outputs as EvalPlus 0.3.1 does; the worker enforces the wall-clock limit, kills what is
# left, and removes the child's folder. Expected outputs come from the canonical solution,
# run the same way (in a child, as the sandbox user).
import base64
import copy
import json
import math
import os
import pickle
import reprlib
import resource
import select
import shutil
import signal
import sys
import time

CONF = json.loads(sys.argv[1])
UID = CONF.get("uid")  # run children as this uid (root modes); None: as we are
PIDNS = CONF.get("pidns", False)  # our own pid namespace: kill(-1) reaches only the sandbox
WORK = CONF["work"]
LIM = CONF["limits"]
SHM_SIZE = 1 << 16

_repr = reprlib.Repr()
_repr.maxstring = 80
_repr.maxother = 80
_repr.maxlist = _repr.maxtuple = _repr.maxset = _repr.maxdict = 8
_repr.maxlevel = 3


def short(value, size=200):
    try:
        text = _repr.repr(value)
    except BaseException:
        text = "<unprintable %s>" % type(value).__name__
    return text if len(text) <= size else text[: size - 3] + "..."


class TimeLimitExceeded(Exception):
    """Raised in the candidate when an input runs past its limit (an Exception, as EvalPlus's,
    so a candidate that catches everything catches it too)."""


def _on_alarm(signum, frame):
    raise TimeLimitExceeded("time limit")


class _Sink:
    """Standard output and error of the candidate: written to nowhere; reading raises."""

    def write(self, s):
        return len(s)

    def writelines(self, lines):
        pass

    def flush(self):
        pass

    def isatty(self):
        return False

    def readable(self):
        return False

    def writable(self):
        return True

    def read(self, *a):
        raise IOError("no input")

    readline = readlines = read


# --- EvalPlus's special oracles, restated --------------------------------------------------
MBPP_NOT_NONE = {"check_str", "text_match_three", "text_starta_endb"}
MBPP_SET_EQ = {"similar_elements", "find_char_long", "common_in_nested_lists", "extract_singly",
               "larg_nnum", "intersection_array", "find_dissimilar", "Diff"}


def pyramid_surface(base_edge, height):  # Mbpp/581: height is the pyramid's, not the slant
    slant = math.sqrt((base_edge / 2) ** 2 + height ** 2)
    return round(base_edge ** 2 + 2 * base_edge * slant)


def digit_distance(a, b):  # Mbpp/558: shorter number padded with zeros on the left
    x, y = str(a), str(b)
    n = max(len(x), len(y))
    return sum(abs(int(p) - int(q)) for p, q in zip(x.zfill(n), y.zfill(n)))


def poly_at(xs, x):  # HumanEval/32
    return sum(c * math.pow(x, i) for i, c in enumerate(xs))


def mbpp_inputs(task_number, inputs):
    """MBPP+ stores tuples, sets and complex numbers as JSON lists and strings; EvalPlus turns
    them back per task. The same conversions, by task number."""
    t = task_number
    tup = tuple
    if t in (2, 116, 132, 143, 222, 261, 273, 394, 399, 421, 424, 429, 470, 560, 579, 596, 616,
             630, 726, 740, 744, 809):
        return [[tup(a) for a in inp] for inp in inputs]
    if t in (63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780):
        return [[[tup(x) for x in a] for a in inp] for inp in inputs]
    if t in (75, 413, 444, 753):
        return [[[tup(x) for x in inp[0]]] + [inp[1]] for inp in inputs]
    if t in (106, 750):
        return [[inp[0]] + [tup(inp[1])] for inp in inputs]
    if t == 115:
        return [[[set(x) if isinstance(x, list) and len(x) else {} for x in inp[0]]] for inp in inputs]
    if t == 124:
        return [(float(inp[0]), complex(inp[1])) for inp in inputs]
    if t in (250, 405, 446, 617, 720, 763, 808):
        return [[tup(inp[0])] + [inp[1]] for inp in inputs]
    if t in (259, 401, 445):
        return [[tup(tup(x) for x in a) for a in inp] for inp in inputs]
    if t == 278:
        return [[tup(tup(x) if isinstance(x, list) else x for x in inp[0])] for inp in inputs]
    if t == 307:
        return [[tup(inp[0])] + [inp[1], inp[2]] for inp in inputs]
    if t == 722:
        return [[{k: tup(v) for k, v in inp[0].items()}] + inp[1:] for inp in inputs]
    if t == 252:
        return [[complex(inp[0])] for inp in inputs]
    if t in (580, 615, 791):
        def deep(x):
            return tup(deep(y) for y in x) if isinstance(x, list) else x
        return [deep(inp) for inp in inputs]
    return inputs


def floats_like(x):
    if isinstance(x, float):
        return True
    if isinstance(x, (list, tuple)) and x:
        return all(isinstance(i, float) for i in x)
    np = sys.modules.get("numpy")
    if np is not None and isinstance(x, np.ndarray):
        return x.dtype == np.float64 or x.dtype == np.float32
    return False


def all_close(out, exp, atol, rtol=1e-07):
    """numpy.allclose(out, exp, rtol, atol), without numpy where it is missing."""
    try:
        import numpy
    except ImportError:
        numpy = None
    if numpy is not None:
        return bool(numpy.allclose(out, exp, rtol=rtol, atol=atol))

    def flat(v):
        if isinstance(v, (list, tuple)):
            r = []
            for x in v:
                r.extend(flat(x))
            return r
        return [v]
    a, b = flat(out), flat(exp)
    if len(a) != len(b) and len(a) != 1 and len(b) != 1:
        raise ValueError("shapes differ")
    if len(a) == 1:
        a = a * len(b)
    if len(b) == 1:
        b = b * len(a)
    for x, y in zip(a, b):
        x, y = complex(x), complex(y)
        if math.isinf(abs(x)) or math.isinf(abs(y)):
            if x != y:
                return False
        elif not abs(x - y) <= atol + rtol * abs(y):
            return False
    return True


def check_part(kind, entry, code, inputs, expected, limits, atol, shm):
    """Runs in the child. Returns what happened, as EvalPlus would judge it with fast_check:
    the first input that fails ends the part."""
    g = {}
    try:
        exec(code, g)
        fn = g[entry]
    except BaseException as e:
        return {"status": "error", "exception": type(e).__name__, "detail": str(e)[:160]}
    # EvalPlus's own progress count, which decides the input its eval_results name: it counts
    # every input that passes or fails, except find_zero's passes (its loop `continue`s first).
    progress = 0

    def done(result):
        result["evalplus_index"] = progress - 1  # -1: none
        return result
    for i, inp in enumerate(inputs):
        shm[0:4] = (i + 1).to_bytes(4, "little")
        shm[12:16] = progress.to_bytes(4, "little")
        try:
            signal.setitimer(signal.ITIMER_REAL, limits[i])
            signal.signal(signal.SIGALRM, _on_alarm)
            try:
                out = fn(*inp)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except TimeLimitExceeded:
            progress += 1
            return done({"status": "timeout", "index": i})
        except BaseException as e:
            progress += 1
            return done({"status": "error", "index": i, "exception": type(e).__name__,
                         "detail": str(e)[:160]})
        try:
            exp = expected[i]
            same = out == exp
            if kind == "mbpp":
                if entry == "are_equivalent":
                    same = True
                elif entry == "sum_div":
                    same = same or out == 0
                elif entry == "surface_Area":
                    same = same or abs(out - pyramid_surface(*inp)) <= atol
                elif entry == "digit_distance_nums":
                    same = same or out == digit_distance(*inp)
                elif entry in MBPP_SET_EQ:
                    same = set(out) == set(exp)
                elif entry in MBPP_NOT_NONE:
                    same = out == exp if isinstance(out, bool) else exp == (out is not None)
            if kind == "humaneval" and entry == "find_zero":
                ok = abs(poly_at(*inp, out)) <= atol
                if ok:
                    continue
            else:
                if atol == 0 and floats_like(exp):
                    atol = 1e-6  # as EvalPlus: from here on, for the rest of the part
                if not same and atol != 0:
                    ok = (type(out) == type(exp)
                          and (not isinstance(exp, (list, tuple)) or len(out) == len(exp))
                          and all_close(out, exp, atol))
                else:
                    ok = bool(same)
        except BaseException as e:
            ok = False
        progress += 1
        if not ok:
            return done({"status": "fail", "index": i, "output": short(out)})
    return {"status": "pass"}


def canonical_outputs(code, entry, parts, not_none):
    """Runs in the child: the canonical solution on every input (a deep copy, as EvalPlus), with
    the time each call took."""
    g = {}
    exec(code, g)
    fn = g[entry]
    result = {}
    for name, inputs in parts:
        outs, times = [], []
        for inp in inputs:
            inp = copy.deepcopy(inp)
            t = time.time()
            outs.append(fn(*inp))
            times.append(time.time() - t)
        if not_none:
            outs = [o is not None for o in outs]
        result[name] = outs
        result[name + "_time"] = times
    return result


# --- the worker ------------------------------------------------------------------------------
SIGNAL_NAMES = {getattr(signal, n): n for n in dir(signal) if n.startswith("SIG") and not n.startswith("SIG_")}
counter = [0]


def enter_child(folder, cpu_seconds, keep_fd=None):
    """In a fresh child: own process group, the sandbox user, limits, a fresh folder, no
    standard streams, no inherited descriptors."""
    os.setpgid(0, 0)
    if UID is not None:
        os.setgroups([])
        os.setgid(UID)
        os.setuid(UID)
    mem = LIM["memory"]
    if mem:
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_DATA, (mem, mem))
        try:  # as EvalPlus: deep recursion (with a raised recursion limit) may use it all
            resource.setrlimit(resource.RLIMIT_STACK, (mem, mem))
        except (ValueError, OSError):
            pass
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIM["fsize"], LIM["fsize"]))
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIM["nofile"], LIM["nofile"]))
    resource.setrlimit(resource.RLIMIT_NPROC, (LIM["nproc"], LIM["nproc"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(math.ceil(cpu_seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writing past the limit fails, not kills
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGALRM):
        signal.signal(s, signal.SIG_DFL)
    os.mkdir(folder, 0o700)
    os.chdir(folder)
    os.environ["HOME"] = os.environ["TMPDIR"] = folder
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    if keep_fd is None:
        os.closerange(3, 1 << 16)
    else:
        os.closerange(3, keep_fd)
        os.closerange(keep_fd + 1, 1 << 16)
    sys.stdout = sys.stderr = _Sink()
    sys.stdin = _Sink()


def wait_child(pid, seconds):
    """Waits up to `seconds` for the child; returns its wait status, or None if it still runs."""
    deadline = time.monotonic() + seconds
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if fd is not None:
                select.select([fd], [], [], left)
            else:
                time.sleep(min(left, 0.005))
    finally:
        if fd is not None:
            os.close(fd)


def clean_up(pid, folder):
    """Kills the child's process group and whatever it left (in our own pid namespace, or as
    the per-worker user: nothing else can be hit), then removes its folder."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    if PIDNS and not os.path.lexists(folder) and not others():
        return  # nothing left behind: no process, no folder
    if UID is not None:
        helper = os.fork()
        if helper == 0:
            try:
                os.setgroups([])
                os.setgid(UID)
                os.setuid(UID)
                sweep(UID)  # every process of this worker's own user
                shutil.rmtree(folder, ignore_errors=True)
            finally:
                os._exit(0)
        os.waitpid(helper, 0)
    else:
        if PIDNS:
            sweep()  # all but us and the namespace's init
        def writable(func, path, exc):
            try:
                os.chmod(os.path.dirname(path), 0o700)
                os.chmod(path, 0o700)
                func(path)
            except OSError:
                pass
        shutil.rmtree(folder, onerror=writable)
    try:  # reap anything that was ours
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def others(uid=None):
    """Live processes in our pid namespace besides its init and us (of `uid`, if given);
    zombies are left to whoever reaps them."""
    me = os.getpid()
    found = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) in (1, me):
            continue
        try:
            if uid is not None and os.stat("/proc/" + p).st_uid != uid:
                continue
            with open("/proc/%s/stat" % p, "rb") as f:
                if f.read().rsplit(b")", 1)[1].split()[0] == b"Z":
                    continue
        except (OSError, IndexError):
            continue
        found.append(p)
    return found


def sweep(uid=None):
    """kill(-1) until nothing is left: a fork bomb can fork while one kill(-1) walks the list."""
    for _ in range(500):
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        if not PIDNS or not others(uid):
            return
        time.sleep(0.002)


def run_in_child(body, seconds, cpu_seconds, pipe=False, shm_size=SHM_SIZE):
    """Forks a child that runs `body(shm, write_fd)`; returns (wait status or None if killed at
    the deadline, the shared page, bytes read from the pipe, elapsed seconds)."""
    import mmap
    shm = mmap.mmap(-1, shm_size)
    counter[0] += 1
    folder = os.path.join(WORK, "c%d-%d" % (os.getpid(), counter[0]))
    r = w = None
    if pipe:
        r, w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            if r is not None:
                os.close(r)
            enter_child(folder, cpu_seconds, keep_fd=w)
            body(shm, w)
            code = 0
            os.chdir("/")
            shutil.rmtree(folder, ignore_errors=True)  # tidy: spares the worker a clean-up
        finally:
            os._exit(code)
    data = b""
    if pipe:
        os.close(w)
        chunks = []
        deadline = start + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            ready, _, _ = select.select([r], [], [], left)
            if not ready:
                break
            chunk = os.read(r, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(r)
        data = b"".join(chunks)
    status = wait_child(pid, max(0.0, start + seconds - time.monotonic()))
    elapsed = time.monotonic() - start
    clean_up(pid, folder)
    return status, shm, data, elapsed


def describe_death(status):
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return "signal %s" % SIGNAL_NAMES.get(sig, sig)
    return "exit %d" % os.WEXITSTATUS(status)


problems = {}  # key -> dict
order = []


def load_problem(msg):
    problems.clear()  # one problem at a time: a candidate inherits only its own problem's memory
    order.clear()
    p = msg["problem"]
    kind = msg["kind"]
    raw = {"base": p.get("base_input") or [], "plus": p.get("plus_input") or []}
    inputs = dict(raw)
    if kind == "mbpp":
        number = int(p["task_id"].split("/")[-1])
        inputs = {k: mbpp_inputs(number, v) for k, v in raw.items()}
    entry = p["entry_point"]
    atol = p.get("atol") or 0
    if isinstance(atol, str):
        atol = float(atol)
    prob = {"kind": kind, "entry": entry, "atol": atol, "inputs": inputs, "raw": raw}
    blob = msg.get("expected")
    if blob:
        expected = pickle.loads(base64.b64decode(blob))
        fresh = None
    else:
        code = p["prompt"] + (p.get("canonical_solution") or "")
        not_none = kind == "mbpp" and entry in MBPP_NOT_NONE
        parts = [("base", inputs["base"]), ("plus", inputs["plus"])]

        def body(shm, w):
            try:
                result = pickle.dumps(canonical_outputs(code, entry, parts, not_none))
                ok = b"K"
            except BaseException as e:
                result = ("%s: %s" % (type(e).__name__, short(str(e), 300))).encode()
                ok = b"E"
            view = memoryview(ok + result)
            while view:
                n = os.write(w, view)
                view = view[n:]

        seconds = msg.get("canonical_timeout", 600)
        status, shm, data, _ = run_in_child(body, seconds, seconds + 1, pipe=True)
        if status is None:
            return {"ok": False, "message": "the canonical solution ran past %gs" % seconds}
        if data[:1] != b"K":
            detail = data[1:].decode(errors="replace") if data[:1] == b"E" else describe_death(status)
            return {"ok": False, "message": "the canonical solution failed: " + detail}
        expected = pickle.loads(data[1:])
        fresh = base64.b64encode(data[1:]).decode()
    factor, floor = msg["factor"], msg["min_time"]
    prob["expected"] = {k: expected[k] for k in ("base", "plus")}
    prob["limits"] = {k: [max(floor, factor * t) for t in expected[k + "_time"]] for k in ("base", "plus")}
    if atol or any(floats_like(e) for k in ("base", "plus") for e in expected[k]):
        try:
            import numpy  # noqa: F401  (imported once here, not in every child)
        except ImportError:
            pass
    key = msg["key"]
    problems[key] = prob
    if key in order:
        order.remove(key)
    order.append(key)
    while len(order) > 1:
        problems.pop(order.pop(0), None)
    reply = {"ok": True, "limits": {k: sum(v) for k, v in prob["limits"].items()}}
    if fresh:
        reply["expected"] = fresh
    return reply


def run_candidate(msg):
    prob = problems.get(msg["key"])
    if prob is None:
        return {"ok": False, "message": "problem not loaded"}
    reply = {"ok": True}
    cap = msg["timeout_cap"]
    for part in msg.get("parts", ("base", "plus")):
        limits = prob["limits"][part]
        inputs = prob["inputs"][part]
        # EvalPlus: the process gets min(cap, sum of limits) + 1 s, and is joined 1 s more.
        seconds = min(cap, sum(limits)) + 2

        def body(shm, w):
            result = check_part(prob["kind"], prob["entry"], msg["code"], inputs,
                                prob["expected"][part], limits, prob["atol"], shm)
            data = json.dumps(result).encode()[: SHM_SIZE - 8]
            shm[4:8] = len(data).to_bytes(4, "little")
            shm[8:8 + len(data)] = data

        status, shm, _, elapsed = run_in_child(body, seconds, seconds + 1)
        started = int.from_bytes(shm[0:4], "little")
        size = int.from_bytes(shm[4:8], "little")
        result = None
        if size:
            try:
                result = json.loads(shm[8:8 + size])
            except ValueError:
                result = None
        if result is None:
            if status is None:
                result = {"status": "timeout", "killed": True}
            else:
                result = {"status": "error", "exception": describe_death(status), "died": True}
            if started:
                result["index"] = started - 1
                finished = int.from_bytes(shm[12:16], "little")
                result["evalplus_index"] = finished - 1
            result["evalplus"] = "timeout"  # EvalPlus counts a process that never reported as a timeout
        else:
            result["evalplus"] = "pass" if result["status"] == "pass" else "fail"
        if "index" in result:
            i = result["index"]
            result["input"] = short(prob["raw"][part][i]) if i < len(prob["raw"][part]) else None
        result["seconds"] = round(elapsed, 4)
        shm.close()
        reply[part] = result
    return reply

# --- consensus: outputs of a candidate on inputs that have no expected outputs ----------------
# `fluke consensus` compares candidates with each other, never with a reference: for each input
# it wants a canonical text of what the candidate did (its return value, the exception it
# raised, or a timeout), so that equal outputs give equal texts.
import hashlib
import re

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
CANON_MAX = 1 << 22  # characters of canonical text before an output is called too big
SLOT = 64  # bytes per input in the shared page: one length byte, then the text
COMPACT = SLOT - 8


class _TooBig(Exception):
    pass


def canonical(value):
    """Text that is the same for outputs Python's == calls equal: numbers by value (True, 1 and
    1.0 alike; floats rounded to 6 decimals and 10 significant digits, so that summation order
    does not split them), sets and dicts in a sorted order, lists and tuples apart (as == keeps
    them); other objects by repr, memory addresses removed."""
    parts = []
    size = [0]

    def emit(s):
        size[0] += len(s)
        if size[0] > CANON_MAX:
            raise _TooBig()
        parts.append(s)

    def number(x):
        if isinstance(x, bool):
            return "1" if x else "0"
        if isinstance(x, int):
            try:
                return repr(int(x))
            except ValueError:  # more digits than str() allows
                return "0x%x" % int(x)
        x = float(x)
        if x != x:
            return "nan"
        if x in (float("inf"), float("-inf")):
            return "inf" if x > 0 else "-inf"
        if x == int(x) and abs(x) < 2 ** 53:
            return repr(int(x))
        r = "%.10g" % round(x, 6)
        return "0" if r in ("0", "-0") else r

    def sub(x, depth):
        start = len(parts)
        walk(x, depth)
        text = "".join(parts[start:])
        del parts[start:]
        size[0] -= len(text)
        return text

    def walk(x, depth):
        if depth > 60:
            emit("<deep>")
            return
        t = type(x)
        if x is None:
            emit("None")
        elif isinstance(x, (bool, int, float)):
            emit(number(x))
        elif isinstance(x, complex):
            emit("complex(%s, %s)" % (number(x.real), number(x.imag)))
        elif isinstance(x, (str, bytes, bytearray)):
            emit(repr(x))
        elif isinstance(x, list):
            emit("[")
            for i, y in enumerate(x):
                if i:
                    emit(", ")
                walk(y, depth + 1)
            emit("]")
        elif isinstance(x, tuple):
            emit("(")
            for i, y in enumerate(x):
                if i:
                    emit(", ")
                walk(y, depth + 1)
            emit(",)" if len(x) == 1 else ")")
        elif isinstance(x, (set, frozenset)):
            items = sorted(sub(y, depth + 1) for y in x)
            emit("{" + ", ".join(items) + "}" if items else "set()")
        elif isinstance(x, dict):
            items = sorted((sub(k, depth + 1), sub(v, depth + 1)) for k, v in x.items())
            emit("{" + ", ".join("%s: %s" % kv for kv in items) + "}")
        elif t.__module__ == "numpy" and hasattr(x, "tolist"):
            walk(x.tolist(), depth)
        elif hasattr(x, "__index__") and not isinstance(x, type):
            emit(number(x.__index__()))
        elif hasattr(x, "__float__") and not isinstance(x, type):
            emit(number(x.__float__()))
        else:
            emit(_ADDRESS.sub("", repr(x)))

    try:
        walk(value, 0)
        text = "".join(parts)
    except _TooBig:
        return "#big"
    except RecursionError:
        return "#deep"
    data = text.encode("utf-8", "backslashreplace")
    if len(data) <= COMPACT and not text.startswith("#"):
        return text
    return "#" + hashlib.sha1(data).hexdigest()[:16]


def put_slot(shm, i, text):
    data = text.encode("utf-8", "backslashreplace")[: SLOT - 1]
    base = SLOT + i * SLOT
    shm[base + 1: base + 1 + len(data)] = data
    shm[base] = len(data)


def get_slot(shm, i):
    base = SLOT + i * SLOT
    n = shm[base]
    if not n:
        return None
    return bytes(shm[base + 1: base + 1 + n]).decode("utf-8", "replace")


def outputs_part(code, entry, inputs, start, limit, shm):
    """Runs in the child: the candidate on inputs[start:], each output's canonical text into
    its slot as soon as it is known (so that a death or a kill loses only the input it hit)."""
    g = {}
    try:
        exec(code, g)
        fn = g[entry]
    except BaseException as e:
        for i in range(start, len(inputs)):
            put_slot(shm, i, "load:" + type(e).__name__)
        shm[0:4] = len(inputs).to_bytes(4, "little")
        return
    for i in range(start, len(inputs)):
        shm[0:4] = (i + 1).to_bytes(4, "little")
        inp = inputs[i]
        if inp is None:
            put_slot(shm, i, "invalid-input")
            continue
        try:
            signal.setitimer(signal.ITIMER_REAL, limit)
            signal.signal(signal.SIGALRM, _on_alarm)
            try:
                text = canonical(fn(*inp))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except TimeLimitExceeded:
            text = "timeout"
        except BaseException as e:
            text = "raise:" + type(e).__name__
        put_slot(shm, i, text)


inputsets = {}


def load_inputs(msg):
    """A task's inputs (lists of arguments, no expected outputs) for `outputs` requests."""
    inputsets.clear()
    raw = msg["inputs"]
    kind = msg.get("kind", "other")
    inputs = []
    for inp in raw:
        try:
            if kind == "mbpp":
                inp = mbpp_inputs(int(msg["task_id"].split("/")[-1]), [inp])[0]
            if not isinstance(inp, (list, tuple)):
                raise TypeError("an input is a list of arguments")
            inputs.append(list(inp))
        except Exception:
            inputs.append(None)  # the same for every candidate: it cannot tell them apart
    inputsets[msg["key"]] = {"entry": msg["entry"], "inputs": inputs, "limit": float(msg["time_limit"])}
    return {"ok": True, "count": len(inputs)}


def run_outputs(msg):
    s = inputsets.get(msg["key"])
    if s is None:
        return {"ok": False, "message": "inputs not loaded"}
    inputs, limit, entry = s["inputs"], s["limit"], s["entry"]
    n = len(inputs)
    outputs = [None] * n
    cap = msg["timeout_cap"]
    began = time.monotonic()
    start = 0
    restarts = 0
    size = ((SLOT + n * SLOT) // 4096 + 1) * 4096
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    while start < n:
        left = cap - (time.monotonic() - began)
        if left <= 0:
            break
        seconds = min(left, (n - start) * limit) + 2

        def body(shm, w):
            outputs_part(msg["code"], entry, inputs, start, limit, shm)

        status, shm, _, _ = run_in_child(body, seconds, seconds + 1, shm_size=size)
        started = int.from_bytes(shm[0:4], "little")
        for i in range(start, min(started, n)):
            outputs[i] = get_slot(shm, i)
        shm.close()
        if started <= start:  # died before the first input: its code cannot even load
            what = "timeout" if status is None else "load:" + describe_death(status).replace(" ", ":")
            for i in range(start, n):
                outputs[i] = what
            break
        missing = next((i for i in range(start, n) if outputs[i] is None), n)
        if missing >= n:
            break
        # The input it was on when it was killed at its deadline, or died: that is its output.
        outputs[missing] = "timeout" if status is None else "died:" + describe_death(status).replace(" ", ":")
        start = missing + 1
        restarts += 1
    outputs = [o if o is not None else "timeout" for o in outputs]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    return {"ok": True, "outputs": outputs, "seconds": round(time.monotonic() - began, 4),
            "cpu": round(cpu, 4), "restarts": restarts}


def main():
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.makedirs(WORK, exist_ok=True)
    if UID is not None:
        os.chmod(WORK, 0o1777)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    os.write(replies, b'{"ok":true,"hello":1}\n')
    for line in requests:
        if not line.strip():
            continue
        msg = json.loads(line)
        op = msg.get("op")
        try:
            if op == "problem":
                reply = load_problem(msg)
            elif op == "run":
                reply = run_candidate(msg)
            elif op == "inputs":
                reply = load_inputs(msg)
            elif op == "outputs":
                reply = run_outputs(msg)
            else:
                reply = {"ok": False, "message": "unknown request"}
        except Exception as e:
            reply = {"ok": False, "message": "harness: %s: %s" % (type(e).__name__, e)}
        data = (json.dumps(reply) + "\n").encode()
        view = memoryview(data)
        while view:
            n = os.write(replies, view)
            view = view[n:]


main()
"""#
}
