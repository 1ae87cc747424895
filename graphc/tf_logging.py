"""TF1's tf.logging: Python's logging, logger "graphc"; and tf.get_logger.

    import graphc.compat.v1 as tf
    tf.logging.set_verbosity(tf.logging.INFO)
    tf.logging.info("step %d", 10)

`logging` is a plain module object built from the functions below
(namespaces._namespace); the functions keep TF1's names and signatures.
"""
import logging as _pylog
import sys

from .namespaces import _namespace


DEBUG = _pylog.DEBUG
INFO = _pylog.INFO
WARN = _pylog.WARN
WARNING = _pylog.WARNING
ERROR = _pylog.ERROR
FATAL = _pylog.FATAL

_logger = _pylog.getLogger("graphc")
_log_counts = {}       # (filename, lineno) of a log_every_n/log_first_n call -> calls


def get_logger():
    """The "graphc" logger (TF1: tf.get_logger). As TF does, it gets a stderr handler
    on first use only when the root logger has none, so an app's own logging setup
    is respected and nothing is printed twice."""
    if not _logger.handlers and not _pylog.getLogger().handlers:
        handler = _pylog.StreamHandler(sys.stderr)
        handler.setFormatter(_pylog.Formatter(_pylog.BASIC_FORMAT))
        _logger.addHandler(handler)
    return _logger


def set_verbosity(v):
    """Log messages at level `v` (DEBUG, INFO, ...; or its name) and above."""
    get_logger().setLevel(v)


def get_verbosity():
    """The level below which messages are dropped."""
    return get_logger().getEffectiveLevel()


def log(level, msg, *args, **kwargs):
    """Log `msg % args` at `level`.

        tf.logging.log(tf.logging.INFO, "step %d loss %.3f", step, loss)
    """
    kwargs.setdefault("stacklevel", 2)    # the record names the caller's line
    get_logger().log(level, msg, *args, **kwargs)


def vlog(level, msg, *args, **kwargs):
    """TF1's verbose log: the same as log()."""
    kwargs.setdefault("stacklevel", 2)
    get_logger().log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs):
    kwargs.setdefault("stacklevel", 2)
    get_logger().debug(msg, *args, **kwargs)


def info(msg, *args, **kwargs):
    kwargs.setdefault("stacklevel", 2)
    get_logger().info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs):
    kwargs.setdefault("stacklevel", 2)
    get_logger().warning(msg, *args, **kwargs)


warn = warning


def error(msg, *args, **kwargs):
    kwargs.setdefault("stacklevel", 2)
    get_logger().error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs):
    """Log at FATAL (CRITICAL) level; as in TF1 this does not exit."""
    kwargs.setdefault("stacklevel", 2)
    get_logger().critical(msg, *args, **kwargs)


def log_if(level, msg, condition, *args):
    """Log `msg % args` at `level` if `condition` holds."""
    if condition:
        get_logger().log(level, msg, *args, stacklevel=2)


def _next_count():
    """How many times the caller's caller has run this line before (0 the first time)."""
    f = sys._getframe(2)
    key = (f.f_code.co_filename, f.f_lineno)
    n = _log_counts.get(key, -1) + 1
    _log_counts[key] = n
    return n


def log_every_n(level, msg, n, *args):
    """Log at the 1st, (n+1)th, (2n+1)th, ... call from the same line.

        for step in range(1000):
            tf.logging.log_every_n(tf.logging.INFO, "step %d", 100, step)
    """
    if _next_count() % n == 0:
        get_logger().log(level, msg, *args, stacklevel=2)


def log_first_n(level, msg, n, *args):
    """Log only at the first `n` calls from the same line."""
    if _next_count() < n:
        get_logger().log(level, msg, *args, stacklevel=2)


def TaskLevelStatusMessage(msg):  # noqa: N802 (TF's name)
    """Log a task-level status message; TF1 logs it at ERROR level, so it shows at the
    default verbosity."""
    get_logger().error(msg, stacklevel=2)


def flush():
    """Flush the logger's handlers."""
    for h in get_logger().handlers:
        h.flush()


logging = _namespace("logging", "TF1's tf.logging on Python's logging (logger 'graphc').", [
    "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "set_verbosity",
    "get_verbosity", "log", "vlog", "debug", "info", "warn", "warning", "error", "fatal",
    "log_if", "log_every_n", "log_first_n", "flush", "TaskLevelStatusMessage"], globals())
