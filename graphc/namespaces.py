"""How TF1's utility namespaces (tf.logging, tf.gfile, tf.app, tf.flags) are built: each
is a plain module object holding functions of the module that defines it."""
import types


def _namespace(name, doc, members, g):
    """A module object named graphc.<name> holding `members` (names in the globals `g`
    of the module that builds it)."""
    mod = types.ModuleType(f"graphc.{name}", doc)
    for m in members:
        setattr(mod, m, g[m])
    mod.__all__ = list(members)
    return mod
