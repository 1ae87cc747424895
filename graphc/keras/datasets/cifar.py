"""What cifar10 and cifar100 share: reading one pickled CIFAR batch file."""
import pickle

__all__ = ["load_batch"]


def load_batch(fpath, label_key="labels"):
    """(data (N, 3, 32, 32), labels) of a CIFAR python batch file (a pickled dict with
    bytes keys b"data" and b"<label_key>")."""
    with open(fpath, "rb") as f:
        d = pickle.load(f, encoding="bytes")
    d = {k.decode("utf8"): v for k, v in d.items()}
    data = d["data"]
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]
