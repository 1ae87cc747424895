"""gc.distribute.experimental: the strategies graphc does not provide, named so that
using one says so (TF1 has them in tf.distribute.experimental)."""

__all__ = ["CentralStorageStrategy", "MultiWorkerMirroredStrategy",
           "ParameterServerStrategy", "TPUStrategy"]


def _missing(name, why):
    def make(*args, **kwargs):
        raise NotImplementedError(f"gc.distribute.experimental.{name}: {why}; graphc has "
                                  "MirroredStrategy and OneDeviceStrategy on local CPUs")
    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"Not supported in graphc ({why})."
    return make


CentralStorageStrategy = _missing("CentralStorageStrategy", "not implemented")
MultiWorkerMirroredStrategy = _missing("MultiWorkerMirroredStrategy",
                                       "graphc runs in one process (no workers)")
ParameterServerStrategy = _missing("ParameterServerStrategy",
                                   "graphc runs in one process (no parameter servers)")
TPUStrategy = _missing("TPUStrategy", "graphc has no TPU")
