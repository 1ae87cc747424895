"""float64 numpy kernels of tf.math.special's Bessel J/Y/K functions, Dawson's integral,
the exponential integral, the Fresnel integrals and Spence's function (no scipy).

- J0, J1, Y0, Y1: for 0 < x <= 25 Miller's backward recurrence J_(k-1) = 2k/x J_k -
  J_(k+1), normalised by J_0 + 2 sum J_2k = 1; Y0 and Y1 come from the same sequence by
  the Neumann series Y0 = 2/pi (ln(x/2) + gamma) J0 - 4/pi sum_k (-1)^k J_2k / k and its
  derivative (Y1 = -Y0'). Past 25 the Hankel asymptotic series (error ~e^-2x).
- K0, K1 (and e^x K): the power series for x <= 2, Steed's continued fraction beyond.
- dawsn: the Maclaurin series for |x| < 0.5, Rybicki's sampling sum
  F(x) = pi^-1/2 sum_(n odd) e^-(x - nh)^2 / n for |x| <= 10, the asymptotic series past.
- expint Ei(x) (x > 0): the power series up to 40, the asymptotic series beyond.
- fresnel: the power series for |x| < 1.8, the continued fraction of erfc past it.
- spence(x) = Li2(1 - x): the Bernoulli series in u = -ln(1 - y) on y in [-1, 1/2] and
  the reflection and inversion identities of Li2 elsewhere.
"""
import numpy as np

_GAMMA = 0.5772156649015329         # Euler's constant
_MILLER_MAX = 25.0                  # J/Y: Hankel's asymptotic series past this
_SMALL = 1e-5                       # J/Y: two-term series below this


def _jy_series_small(x):
    """(J0, J1, Y0, Y1) for 0 < x < 1e-5 from the leading terms of the power series."""
    lg = np.log(x / 2) + _GAMMA
    j0, j1 = 1 - x * x / 4, x / 2 - x ** 3 / 16
    y0 = 2 / np.pi * (lg * j0 + x * x / 4)
    y1 = -2 / (np.pi * x) + x / np.pi * (lg - 0.5)
    return j0, j1, y0, y1


def _jy_miller(x):
    """(J0, J1, Y0, Y1) for 1e-5 <= x <= 25 (see the module docstring)."""
    top = 2 * int((x.max() + 22 + np.sqrt(60 * x.max())) / 2)     # even, J_top ~ 0
    jn1, jn = np.zeros_like(x), np.full_like(x, 1e-30)            # J_(k+1), J_k
    norm, s0, s1 = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    j0 = j1 = None
    for k in range(top, -1, -1):
        if k % 2 == 0:
            m = k // 2
            norm += jn if m == 0 else 2 * jn
            if m:
                s0 += (-1) ** m * jn / m
        else:                           # the J_k of sum_m (-1)^m (J_(2m-1) - J_(2m+1)) / m
            c = (-1) ** ((k + 1) // 2) * 2.0 / (k + 1)
            if k >= 3:
                c -= (-1) ** ((k - 1) // 2) * 2.0 / (k - 1)
            s1 += c * jn
        if k == 1:
            j1 = jn.copy()
        if k == 0:
            j0 = jn
            break
        jn1, jn = jn, 2 * k / x * jn - jn1
        big = np.abs(jn) > 1e200
        if big.any():
            for v in (jn1, jn, norm, s0, s1):
                v[big] *= 1e-200
    j0, j1, s0, s1 = j0 / norm, j1 / norm, s0 / norm, s1 / norm
    lg = np.log(x / 2) + _GAMMA
    y0 = 2 / np.pi * lg * j0 - 4 / np.pi * s0
    y1 = 2 / np.pi * (lg * j1 - j0 / x) + 2 / np.pi * s1
    return j0, j1, y0, y1


def _jy_hankel(x, nu):
    """(J_nu, Y_nu) for x > 25 from P, Q of Hankel's expansion."""
    mu = 4.0 * nu * nu
    t = np.ones_like(x)
    p, q = t.copy(), np.zeros_like(x)
    for k in range(1, 60):
        t = t * (mu - (2 * k - 1) ** 2) / (8.0 * k * x)
        sgn = (-1) ** (k // 2)
        if k % 2:
            q += sgn * t
        else:
            p += sgn * t
        if np.all(np.abs(t) < 1e-18):
            break
    c, s = np.cos(x), np.sin(x)
    if nu == 0:                     # chi = x - pi/4
        cc, sc = (c + s) / np.sqrt(2), (s - c) / np.sqrt(2)
    else:                           # chi = x - 3 pi/4
        cc, sc = (s - c) / np.sqrt(2), -(s + c) / np.sqrt(2)
    amp = np.sqrt(2 / (np.pi * x))
    return amp * (p * cc - q * sc), amp * (p * sc + q * cc)


def bessel_jy(x):
    """(J0, J1, Y0, Y1) of a float64 array, with TF's values off the domain: J(+-inf) and
    Y(inf) NaN, Y(x <= 0) -inf, J0 even, J1 odd."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    outs = [np.full(x.shape, np.nan) for _ in range(4)]
    for mask, fn in ((ax < _SMALL, _jy_series_small),
                     ((ax >= _SMALL) & (ax <= _MILLER_MAX), _jy_miller)):
        mask = mask & (ax > 0)
        if mask.any():
            for o, v in zip(outs, fn(ax[mask])):
                o[mask] = v
    big = (ax > _MILLER_MAX) & np.isfinite(ax)
    if big.any():
        (outs[0][big], outs[2][big]), (outs[1][big], outs[3][big]) = \
            _jy_hankel(ax[big], 0), _jy_hankel(ax[big], 1)
    j0, j1, y0, y1 = outs
    j0[x == 0], j1[x == 0] = 1.0, 0.0
    j1 = np.sign(x) * j1
    y0[x <= 0], y1[x <= 0] = -np.inf, -np.inf
    return j0, j1, y0, y1


def _k_series(x):
    """(e^x K0, e^x K1) for 0 < x <= 2 from the power series (A&S 9.6.13, 9.6.11)."""
    y = x * x / 4
    lg = np.log(x / 2)
    t, u = np.ones_like(x), np.ones_like(x)          # y^k/k!^2, y^k/(k!(k+1)!)
    i0, i1s, h = t.copy(), u.copy(), 0.0
    k0 = np.zeros_like(x)
    psi_sum = (-2 * _GAMMA + 1.0) * u                # (psi(k+1) + psi(k+2)) u_k, k = 0
    for k in range(1, 40):
        h += 1.0 / k
        t = t * y / (k * k)
        u = u * y / (k * (k + 1))
        i0 += t
        i1s += u
        k0 += h * t
        psi_sum += (-2 * _GAMMA + 2 * h + 1.0 / (k + 1)) * u
    k0 = k0 - (lg + _GAMMA) * i0
    k1 = 1 / x + lg * (x / 2) * i1s - x / 4 * psi_sum
    e = np.exp(x)
    return k0 * e, k1 * e


def _k_steed(x):
    """(e^x K0, e^x K1) for x > 2 by Steed's continued fraction (Temme's CF2, nu = 0)."""
    b = 2.0 * (1.0 + x)
    d = 1.0 / b
    h = delh = d
    q1, q2 = np.zeros_like(x), np.ones_like(x)
    a1 = 0.25
    q = c = np.full_like(x, a1)
    a = -a1
    s = 1.0 + q * delh
    for i in range(2, 2000):
        a -= 2 * (i - 1)
        c = -a * c / i
        qnew = (q1 - b * q2) / a
        q1, q2 = q2, qnew
        q = q + c * qnew
        b = b + 2.0
        d = 1.0 / (b + a * d)
        delh = (b * d - 1.0) * delh
        h = h + delh
        dels = q * delh
        s = s + dels
        if np.all(np.abs(dels) < 1e-17 * np.abs(s)):
            break
    k0e = np.sqrt(np.pi / (2 * x)) / s
    return k0e, k0e * (x + 0.5 - a1 * h) / x


def bessel_ke(x):
    """(e^x K0, e^x K1) of a float64 array: inf at x <= 0, 0 at inf (TF's values)."""
    x = np.asarray(x, np.float64)
    k0, k1 = np.full(x.shape, np.nan), np.full(x.shape, np.nan)
    for mask, fn in (((x > 0) & (x <= 2), _k_series), ((x > 2) & (x < np.inf), _k_steed)):
        if mask.any():
            k0[mask], k1[mask] = fn(x[mask])
    k0[x <= 0], k1[x <= 0] = np.inf, np.inf
    k0[x == np.inf], k1[x == np.inf] = 0.0, 0.0
    return k0, k1


def dawsn(x):
    """Dawson's integral e^-x^2 int_0^x e^t^2 dt (odd; 0 at +-inf)."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    out = np.full(x.shape, np.nan)
    small, mid, big = ax < 0.5, (ax >= 0.5) & (ax <= 10), (ax > 10) & (ax < np.inf)
    if small.any():                 # sum_k (-2x^2)^k x / (2k+1)!!
        v = ax[small]
        t = v.copy()
        s = t.copy()
        for k in range(1, 30):
            t = -t * 2 * v * v / (2 * k + 1)
            s += t
        out[small] = s
    if mid.any():                   # Rybicki with h = 0.2: aliasing error ~e^-(pi/2h)^2
        v, h = ax[mid], 0.2
        n0 = 2 * np.round((v / h - 1) / 2) + 1          # the odd n nearest v/h
        s = np.zeros_like(v)
        for m in range(-20, 21):
            n = n0 + 2 * m
            s += np.exp(-(v - n * h) ** 2) / n
        out[mid] = s / np.sqrt(np.pi)
    if big.any():                   # 1/(2x) sum_k (2k-1)!! / (2x^2)^k
        v = ax[big]
        t = 1.0 / (2 * v)
        s = t.copy()
        for k in range(1, 30):
            t = t * (2 * k - 1) / (2 * v * v)
            s += t
        out[big] = s
    out[np.isinf(x)] = 0.0
    return np.sign(x) * out


def expint(x):
    """Ei(x) for x > 0, -inf at 0, NaN for x < 0 and at inf (TF's values)."""
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    ser, asy = (x > 0) & (x <= 40), (x > 40) & (x < np.inf)
    if ser.any():                   # gamma + ln x + sum_k x^k / (k k!)
        v = x[ser]
        t = np.ones_like(v)
        s = np.zeros_like(v)
        for k in range(1, 200):
            t = t * v / k
            s += t / k
            if np.all(t / k < 1e-17 * s):
                break
        out[ser] = _GAMMA + np.log(v) + s
    if asy.any():                   # e^x / x sum_k k! / x^k
        v = x[asy]
        t = np.ones_like(v)
        s = t.copy()
        for k in range(1, 40):
            t = t * k / v
            s += t
        out[asy] = np.exp(v) / v * s
    out[x == 0] = -np.inf
    return out


def fresnel(x):
    """(S(x), C(x)) = int_0^x (sin, cos)(pi t^2 / 2) dt, odd, +-1/2 at +-inf."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    s_out, c_out = np.full(x.shape, np.nan), np.full(x.shape, np.nan)
    small, big = ax < 1.8, (ax >= 1.8) & (ax < np.inf)
    if small.any():                 # sum_k (-1)^k (pi/2)^(2k+r) x^(4k+2r+1) / ((2k+r)! (4k+2r+1))
        v = ax[small]
        w = np.pi / 2 * v * v
        for r, out in ((0, c_out), (1, s_out)):
            t = v * w ** r / (1.0 if r == 0 else 1.0)      # x w^r / r!
            s = t / (2 * r + 1)
            for k in range(1, 40):
                n = 2 * k + r
                t = -t * w * w / ((n - 1) * n)
                s += t / (2 * n + 1)
            out[small] = s
    if big.any():                   # C + iS = (1+i)/2 (1 - e^(i pi x^2/2) h), h by Lentz
        v = ax[big]
        pix2 = np.pi * v * v
        b = 1.0 - 1j * pix2
        cc = np.full(v.shape, 1e300 + 0j)
        d = h = 1.0 / b
        n = -1
        for _ in range(2, 1000):
            n += 2
            a = -n * (n + 1.0)
            b = b + 4.0
            d = 1.0 / (a * d + b)
            cc = b + a / cc
            delta = cc * d
            h = h * delta
            if np.all(np.abs(delta.real - 1) + np.abs(delta.imag) < 1e-16):
                break
        h = (v - 1j * v) * h
        half = np.mod(v * v, 4.0) * (np.pi / 2)          # pi x^2 / 2 reduced mod 2 pi
        cs = (0.5 + 0.5j) * (1.0 - (np.cos(half) + 1j * np.sin(half)) * h)
        c_out[big], s_out[big] = cs.real, cs.imag
    for out in (s_out, c_out):
        out[np.isinf(x)] = 0.5
    return np.sign(x) * s_out, np.sign(x) * c_out


_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
        43867 / 798, -174611 / 330)


def _li2_core(y):
    """Li2(y) for y in [-1, 1/2]: sum_n B_n u^(n+1) / (n+1)!, u = -ln(1 - y)."""
    u = -np.log1p(-y)
    s = u - u * u / 4                                # n = 0, 1
    p, fact = u.copy(), 1.0
    for k, b in enumerate(_B2K, 1):                  # n = 2k: B_2k u^(2k+1) / (2k+1)!
        p = p * u * u
        fact *= (2 * k) * (2 * k + 1)
        s = s + b * p / fact
    return s


def spence(x):
    """spence(x) = int_1^x ln t / (1 - t) dt = Li2(1 - x) for x >= 0; NaN below and at inf."""
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    lo, mid, hi = (x > 0) & (x < 0.5), (x >= 0.5) & (x <= 2), (x > 2) & (x < np.inf)
    if lo.any():                    # Li2(y) = pi^2/6 - ln y ln(1-y) - Li2(1-y), y = 1 - x
        v = x[lo]
        out[lo] = np.pi ** 2 / 6 - np.log(v) * np.log1p(-v) - _li2_core(v)
    if mid.any():
        out[mid] = _li2_core(1 - x[mid])
    if hi.any():                    # Li2(y) = -pi^2/6 - ln^2(-y)/2 - Li2(1/y), y = 1 - x < -1
        v = x[hi]
        out[hi] = -np.pi ** 2 / 6 - 0.5 * np.log(v - 1) ** 2 - _li2_core(1 / (1 - v))
    out[x == 0] = np.pi ** 2 / 6
    return out
