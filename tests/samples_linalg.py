"""Samples for graphc.ops.linalg (see samples.py)."""
import numpy as np

import graphc as gc
from samples import Sample, normal


def _ints(r, s):
    return r.integers(-5, 6, size=s).astype(np.int32)


def _pair(sa, sb, gen=normal):
    return lambda r: [gen(r, sa), gen(r, sb)]


SAMPLES = [
    Sample("MatMul", lambda a, b: a @ b, _pair((2, 3), (3, 4)), np.matmul),
    Sample("MatMul", lambda a, b: gc.matmul(a, b, transpose_a=True, transpose_b=True),
           _pair((3, 2), (4, 3)), lambda a, b: a.T @ b.T, id="tt"),
    Sample("MatMul", lambda a, b: gc.matmul(a, b, transpose_b=True),
           _pair((5, 2, 3), (4, 3)), lambda a, b: a @ np.swapaxes(b, -1, -2), id="batched"),
    Sample("MatMul", lambda a, b: a @ b, _pair((2, 3), (3, 4), _ints), np.matmul,
           grad=False, id="int32"),
    Sample("Tensordot", lambda a, b: gc.tensordot(a, b, 2), _pair((2, 3, 4), (3, 4, 5)),
           lambda a, b: np.tensordot(a, b, 2), id="int"),
    Sample("Tensordot", lambda a, b: gc.tensordot(a, b, [[0, 2], [2, 1]]),
           _pair((2, 3, 4), (5, 4, 2)), lambda a, b: np.tensordot(a, b, [[0, 2], [2, 1]]),
           id="lists"),
    Sample("Tensordot", lambda a, b: gc.tensordot(a, b, 0), _pair((2, 3), (4,)),
           lambda a, b: np.tensordot(a, b, 0), id="outer"),
    Sample("Tensordot", lambda a, b: gc.tensordot(a, b, [[-1], [0]]),
           _pair((2, 3), (3, 4), _ints), lambda a, b: a @ b, grad=False, id="int32"),
    Sample("Einsum", lambda a, b: gc.einsum("bij,bjk->bik", a, b),
           _pair((2, 3, 4), (2, 4, 5)), lambda a, b: a @ b, id="bmm"),
    Sample("Einsum", lambda a: gc.einsum("ijk->kj", a), lambda r: [normal(r, (2, 3, 4))],
           lambda a: a.sum(0).T, id="sum-and-permute"),
    Sample("Einsum", lambda a, b, c: gc.einsum("ij,jk,kl->il", a, b, c),
           lambda r: [normal(r, (2, 3)), normal(r, (3, 4)), normal(r, (4, 5))],
           lambda a, b, c: a @ b @ c, id="chain"),
    Sample("Einsum", lambda a, b: gc.einsum("ij,k->ijk", a, b), _pair((2, 3), (4,)),
           lambda a, b: a[:, :, None] * b, id="outer"),
    Sample("Einsum", lambda a, b: gc.einsum("...ij,...jk->...ik", a, b),
           _pair((2, 1, 3, 4), (5, 4, 2)), lambda a, b: np.matmul(a, b), id="ellipsis"),
    Sample("Einsum", lambda a, b: gc.einsum("...i,ij", a, b),
           _pair((2, 3, 4), (4, 5)), lambda a, b: a @ b, id="implicit"),
    Sample("Einsum", lambda a, b: gc.einsum("ij,jk->ik", a, b), _pair((2, 3), (3, 4), _ints),
           np.matmul, grad=False, id="int32"),
]
