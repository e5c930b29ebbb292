"""SciMark-style numeric kernels (Heaplab clean-room version).

One program, five kernels, each driven by its own inline pseudo-random
generator:
  * FFT: in-place radix-2 complex FFT on an interleaved float list, forward
    then inverse, with the round-trip error measured;
  * SOR: Gauss-Seidel successive over-relaxation sweeps on a list-of-lists
    grid;
  * Monte Carlo: estimate pi by sampling the unit quarter circle;
  * sparse matrix times vector in compressed-row form;
  * LU: dense LU factorisation with partial pivoting of a fresh copy of a
    matrix on every cycle.
Floats dominate the allocation (boxed on most VMs), plus row lists and the
matrix copies. The size is a cycle multiplier applied to every kernel.
"""

import math
import sys
from heaplab_hook import run

DEFAULT_SIZE = 45


class Random(object):
    """Small multiplicative-congruential generator returning floats in [0, 1)."""
    __slots__ = ("state",)

    MODULUS = 2147483647
    MULT = 48271

    def __init__(self, seed):
        self.state = seed % self.MODULUS or 1

    def next_float(self):
        self.state = (self.state * self.MULT) % self.MODULUS
        return self.state / float(self.MODULUS)

    def vector(self, n):
        return [self.next_float() for _ in range(n)]

    def matrix(self, rows, cols):
        return [self.vector(cols) for _ in range(rows)]


# ---------------------------------------------------------------- FFT

def int_log2(n):
    k = 0
    while (1 << k) < n:
        k += 1
    if (1 << k) != n:
        raise ValueError("FFT length must be a power of two")
    return k


def fft_bit_reverse(data):
    n = len(data) // 2
    j = 0
    for i in range(n - 1):
        if i < j:
            ii, jj = 2 * i, 2 * j
            data[ii], data[jj] = data[jj], data[ii]
            data[ii + 1], data[jj + 1] = data[jj + 1], data[ii + 1]
        k = n >> 1
        while k <= j:
            j -= k
            k >>= 1
        j += k


def fft_transform(data, direction):
    n = len(data) // 2
    if n <= 1:
        return
    logn = int_log2(n)
    fft_bit_reverse(data)
    dual = 1
    for _ in range(logn):
        theta = direction * math.pi / dual
        s = math.sin(theta)
        t = math.sin(theta / 2.0)
        s2 = 2.0 * t * t
        w_re, w_im = 1.0, 0.0
        for a in range(dual):
            for b in range(a, n, 2 * dual):
                i = 2 * b
                j = 2 * (b + dual)
                z_re = data[j]
                z_im = data[j + 1]
                t_re = w_re * z_re - w_im * z_im
                t_im = w_re * z_im + w_im * z_re
                data[j] = data[i] - t_re
                data[j + 1] = data[i + 1] - t_im
                data[i] += t_re
                data[i + 1] += t_im
            # w *= exp(i * theta) by the stable recurrence
            w_re, w_im = (w_re - s * w_im - s2 * w_re,
                          w_im + s * w_re - s2 * w_im)
        dual *= 2


def fft_inverse(data):
    fft_transform(data, 1.0)
    n = len(data) // 2
    norm = 1.0 / n
    for i in range(len(data)):
        data[i] *= norm


def kernel_fft(n, cycles, rng):
    original = rng.vector(2 * n)
    error = 0.0
    for _ in range(cycles):
        data = list(original)
        fft_transform(data, -1.0)
        fft_inverse(data)
        diff = 0.0
        for i in range(2 * n):
            d = data[i] - original[i]
            diff += d * d
        error += math.sqrt(diff / n)
    return error / cycles, data[1]


# ---------------------------------------------------------------- SOR

def kernel_sor(n, cycles, omega, rng):
    grid = rng.matrix(n, n)
    w4 = omega * 0.25
    keep = 1.0 - omega
    for _ in range(cycles):
        for i in range(1, n - 1):
            above = grid[i - 1]
            row = grid[i]
            below = grid[i + 1]
            for j in range(1, n - 1):
                row[j] = (w4 * (above[j] + below[j] + row[j - 1] + row[j + 1])
                          + keep * row[j])
    total = 0.0
    for row in grid:
        for v in row:
            total += v
    return total / (n * n)


# ---------------------------------------------------------------- Monte Carlo

def kernel_monte_carlo(samples, rng):
    inside = 0
    for _ in range(samples):
        x = rng.next_float()
        y = rng.next_float()
        if x * x + y * y <= 1.0:
            inside += 1
    return 4.0 * inside / samples


# ---------------------------------------------------------------- sparse

class CSRMatrix(object):
    __slots__ = ("n", "values", "cols", "row_start")

    def __init__(self, n, values, cols, row_start):
        self.n = n
        self.values = values
        self.cols = cols
        self.row_start = row_start

    def multiply(self, x):
        values = self.values
        cols = self.cols
        starts = self.row_start
        y = []
        for r in range(self.n):
            acc = 0.0
            for k in range(starts[r], starts[r + 1]):
                acc += values[k] * x[cols[k]]
            y.append(acc)
        return y


def make_sparse(n, nz, rng):
    per_row = nz // n
    values = []
    cols = []
    row_start = [0]
    for r in range(n):
        # Columns spread over the row, always including the diagonal.
        step = max(1, r // per_row) if r >= per_row else 1
        used = []
        c = 0
        while len(used) < per_row and c <= r:
            used.append(c)
            c += step
        if r not in used:
            used.append(r)
        for c in used:
            values.append(rng.next_float())
            cols.append(c)
        row_start.append(len(values))
    return CSRMatrix(n, values, cols, row_start)


def kernel_sparse(n, nz, cycles, rng):
    m = make_sparse(n, nz, rng)
    x = rng.vector(n)
    total = 0.0
    for _ in range(cycles):
        y = m.multiply(x)
        norm = 0.0
        for v in y:
            norm += v * v
        norm = math.sqrt(norm)
        x = [v / norm for v in y]
        total += norm
    return total / cycles


# ---------------------------------------------------------------- LU

def lu_factor(a, pivot):
    """In-place LU with partial pivoting; returns the sign of the permutation."""
    n = len(a)
    sign = 1
    for j in range(n):
        # Pivot: the row with the largest |a[i][j]| at or below j.
        p = j
        best = abs(a[j][j])
        for i in range(j + 1, n):
            v = abs(a[i][j])
            if v > best:
                best = v
                p = i
        pivot[j] = p
        if p != j:
            a[p], a[j] = a[j], a[p]
            sign = -sign
        row_j = a[j]
        diag = row_j[j]
        if diag == 0.0:
            raise ZeroDivisionError("singular matrix")
        recip = 1.0 / diag
        for i in range(j + 1, n):
            row_i = a[i]
            f = row_i[j] * recip
            row_i[j] = f
            if f != 0.0:
                for k in range(j + 1, n):
                    row_i[k] -= f * row_j[k]
    return sign


def kernel_lu(n, cycles, rng):
    original = rng.matrix(n, n)
    pivot = [0] * n
    det_log = 0.0
    for _ in range(cycles):
        a = [list(row) for row in original]
        sign = lu_factor(a, pivot)
        det_log = 0.0
        for i in range(n):
            det_log += math.log(abs(a[i][i]))
    return det_log, sign, sum(pivot)


# ---------------------------------------------------------------- driver

def bench(size):
    fft_err, fft_probe = kernel_fft(1024, 4 * size, Random(101))
    sor_mean = kernel_sor(100, 10 * size, 1.25, Random(202))
    pi_est = kernel_monte_carlo(30000 * size, Random(303))
    sparse_norm = kernel_sparse(1000, 5000, 15 * size, Random(404))
    det_log, sign, pivsum = kernel_lu(100, size, Random(505))
    return "fft=%.9f/%.9f sor=%.9f mc=%.9f sparse=%.9f lu=%.9f/%d/%d" % (
        fft_err * 1e12, fft_probe, sor_mean, pi_est, sparse_norm,
        det_log, sign, pivsum)


if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
