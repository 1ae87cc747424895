"""`import graphc` leaves gc.contrib, gc.keras, gc.estimator and gc.test (with unittest)
unloaded until first use, as TF's LazyLoader does for keras and estimator; the op
registry still finds their ops by name. Each check runs in a fresh interpreter, where
nothing else has imported them."""
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAZY = ("graphc.contrib", "graphc.keras", "graphc.estimator", "graphc.test", "unittest")


def _run(code):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_import_leaves_the_lazy_packages_unloaded():
    loaded = _run(f"""
        import sys
        import graphc
        print(*[m for m in {LAZY!r} if m in sys.modules])
        """)
    assert loaded == []


def test_attribute_access_loads_each_package_once():
    out = _run("""
        import sys
        import graphc as gc
        import graphc.compat.v1 as tf
        print('keras' in dir(gc), 'contrib' in dir(tf))
        dense = gc.keras.layers.Dense
        print(gc.keras is sys.modules['graphc.keras'], tf.keras is gc.keras)
        print('graphc.contrib' in sys.modules)
        from graphc.compat.v1 import estimator
        print(estimator is gc.estimator, tf.test.TestCase is gc.test.TestCase)
        """)
    assert out == ["True", "True", "True", "True", "False", "True", "True"]


def test_unknown_attribute_is_an_attribute_error():
    out = _run("""
        import graphc as gc
        import graphc.compat.v1 as tf
        for mod in (gc, tf):
            try:
                mod.no_such_thing
            except AttributeError as e:
                print(type(e).__name__)
        """)
    assert out == ["AttributeError", "AttributeError"]


def test_registry_loads_contrib_for_its_ops():
    """A GraphDef or saved graph may name an op that gc.contrib registers (GatherTree)
    before anything touched gc.contrib: the registry loads it on the miss."""
    out = _run("""
        import sys
        import graphc as gc
        from graphc.ops.registry import REGISTRY
        print('graphc.contrib' in sys.modules, REGISTRY.get('NoSuchOp'))
        print(REGISTRY['GatherTree'].name, 'graphc.contrib' in sys.modules)
        """)
    assert out == ["False", "None", "GatherTree", "True"]


def test_listing_the_registry_includes_contrib_ops():
    out = _run("""
        import graphc as gc
        from graphc.ops.registry import REGISTRY
        print('BipartiteMatch' in set(REGISTRY), 'GatherTree' in REGISTRY)
        """)
    assert out == ["True", "True"]
