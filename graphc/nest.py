"""TF's tf.nest: nested structures of lists, tuples, namedtuples and dicts, whose other
values are leaves (None and strings included). Dicts are flattened in sorted key order,
as TF does, so a structure and its flat list always line up.

    gc.nest.flatten({"b": [1, 2], "a": 3})                 # [3, 1, 2]
    gc.nest.map_structure(lambda t: t * 2, (x, {"y": y}))
"""
import collections.abc

__all__ = ["is_nested", "flatten", "pack_sequence_as", "map_structure",
           "assert_same_structure"]


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def is_nested(seq):
    """True for a list, tuple (namedtuples too) or mapping: anything nest descends into."""
    return isinstance(seq, (list, tuple, collections.abc.Mapping))


def _children(x):
    if isinstance(x, collections.abc.Mapping):
        return [x[k] for k in _sorted_keys(x)]
    return list(x)


def _sorted_keys(d):
    try:
        return sorted(d)
    except TypeError as e:
        raise TypeError(f"nest only handles dicts with sortable keys, not {list(d)!r}") \
            from e


def flatten(structure, expand_composites=False):
    """The leaves of structure, depth first, dict values in sorted key order."""
    out, stack = [], [structure]
    while stack:
        x = stack.pop()
        if is_nested(x):
            stack.extend(reversed(_children(x)))
        else:
            out.append(x)
    return out


def _rebuild(like, children):
    if isinstance(like, collections.abc.Mapping):
        values = dict(zip(_sorted_keys(like), children))
        return type(like)((k, values[k]) for k in like)     # the original key order
    if _is_namedtuple(like):
        return type(like)(*children)
    return type(like)(children)


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """flat_sequence's leaves put into the shape of structure (flatten's inverse).

        gc.nest.pack_sequence_as({"a": 0, "b": (0, 0)}, [1, 2, 3])   # {"a": 1, "b": (2, 3)}
    """
    flat = list(flat_sequence)
    n = len(flatten(structure))
    if len(flat) != n:
        raise ValueError(f"pack_sequence_as: the structure has {n} leaves but "
                         f"flat_sequence has {len(flat)} items")
    leaves = iter(flat)
    # post-order over the structure: each container is rebuilt once its children are
    stack, built = [(structure, False)], []
    while stack:
        x, expanded = stack.pop()
        if not is_nested(x):
            built.append(next(leaves))
        elif not expanded:
            kids = _children(x)
            stack.append((x, True))
            stack.extend((k, False) for k in reversed(kids))
        else:
            k = len(_children(x))
            children = built[len(built) - k:]
            del built[len(built) - k:]
            built.append(_rebuild(x, children))
    return built[0]


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    """Raise ValueError (TypeError for differing container types with check_types) unless
    both have the same nesting."""
    stack = [(nest1, nest2)]
    while stack:
        a, b = stack.pop()
        if is_nested(a) != is_nested(b):
            raise ValueError(f"The two structures don't have the same nested structure: "
                             f"{a!r} and {b!r}")
        if not is_nested(a):
            continue
        if check_types and type(a) is not type(b) and not (
                isinstance(a, collections.abc.Mapping)
                and isinstance(b, collections.abc.Mapping)):
            raise TypeError(f"The two structures don't have the same sequence type: "
                            f"{type(a).__name__} and {type(b).__name__}")
        if isinstance(a, collections.abc.Mapping) and set(a) != set(b):
            raise ValueError(f"The two dictionaries don't have the same keys: "
                             f"{sorted(a, key=str)} and {sorted(b, key=str)}")
        ka, kb = _children(a), _children(b)
        if len(ka) != len(kb):
            raise ValueError(f"The two structures don't have the same number of "
                             f"elements: {len(ka)} and {len(kb)} in {a!r} and {b!r}")
        stack.extend(zip(ka, kb))


def map_structure(func, *structure, check_types=True, expand_composites=False):
    """func applied to the leaves of each structure in turn, in the first's shape."""
    if not structure:
        raise ValueError("map_structure needs at least one structure")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    flats = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*xs) for xs in zip(*flats)])
