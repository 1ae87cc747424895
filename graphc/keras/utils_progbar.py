"""gc.keras.utils.Progbar: a text progress bar with running averages of metrics
(tf.keras.utils.Progbar), and the interactive-logging switch Keras' printing reads.

    bar = gc.keras.utils.Progbar(target=100)
    for i in range(100):
        bar.update(i + 1, values=[("loss", 0.5)])
"""
import sys
import time

import numpy as np

__all__ = ["Progbar", "enable_interactive_logging", "disable_interactive_logging",
           "is_interactive_logging_enabled"]

_INTERACTIVE = [True]


def enable_interactive_logging():
    """Print progress bars and logs to stdout (the default)."""
    _INTERACTIVE[0] = True


def disable_interactive_logging():
    """Stop Progbar from printing (tf.keras sends logs to absl logging instead; graphc
    writes them to Python's logging at INFO level)."""
    _INTERACTIVE[0] = False


def is_interactive_logging_enabled():
    """Whether Progbar prints to stdout."""
    return _INTERACTIVE[0]


def _write(text):
    if _INTERACTIVE[0]:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        import logging
        logging.getLogger("graphc.keras").info(text.strip("\r\n"))


def _format_time(seconds):
    if seconds > 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600) // 60:02d}:{int(seconds % 60):02d}"
    if seconds > 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


class Progbar:
    """A progress bar of `target` steps (None: unknown). verbose 1 redraws one line
    at most every `interval` seconds; 2 prints one line when finished; 0 prints
    nothing. Values are averaged over the steps they were given for, except
    stateful_metrics (shown as given).

        bar = gc.keras.utils.Progbar(10, stateful_metrics=["acc"])
        bar.add(1, values=[("loss", 0.25)])
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None,
                 unit_name="step"):
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name = interval, unit_name
        self.stateful_metrics = set(stateful_metrics or [])
        self._dynamic_display = hasattr(sys.stdout, "isatty") and sys.stdout.isatty()
        self._total_width, self._seen_so_far = 0, 0
        self._values, self._values_order = {}, []
        self._start = time.time()
        self._last_update = 0.0

    def update(self, current, values=None, finalize=None):
        """Show step `current` with (name, value) pairs."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for k, v in values or []:
            if k not in self._values_order:
                self._values_order.append(k)
            if k in self.stateful_metrics:
                self._values[k] = [v, 1]
            else:
                step = max(current - self._seen_so_far, 1)
                total, count = self._values.get(k, [0.0, 0])
                self._values[k] = [total + v * step, count + step]
        self._seen_so_far = current
        now = time.time()
        elapsed = now - self._start
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            prev = self._total_width
            line = self._bar(current)
            if finalize:
                line += f" - {_format_time(elapsed)} {self._per_unit(elapsed, current)}"
            elif self.target is not None and current:
                eta = elapsed / current * (self.target - current)
                line += f" - ETA: {_format_time(eta)}"
            line += self._metrics()
            self._total_width = len(line)
            pad = " " * max(prev - len(line), 0)
            _write(("\r" if self._dynamic_display else "\n") + line + pad +
                   ("\n" if finalize else ""))
        elif self.verbose == 2 and finalize:
            digits = len(str(self.target)) if self.target is not None else 1
            count = f"{current:{digits}d}/{self.target}" if self.target is not None else ""
            _write(f"{count} - {elapsed:.0f}s{self._metrics()}\n")     # (TF 1.15's)
        self._last_update = now

    def _bar(self, current):
        if self.target is None:
            return f"{current:7d}/Unknown"
        digits = len(str(self.target))
        bar = f"{current:{digits}d}/{self.target} ["
        prog_width = int(self.width * min(current / self.target, 1.0)) if self.target else 0
        if prog_width > 0:
            bar += "=" * (prog_width - 1) + (">" if current < self.target else "=")
        return bar + "." * (self.width - prog_width) + "]"

    def _per_unit(self, elapsed, current):
        per = elapsed / max(current, 1)
        if per >= 1 or per == 0:
            return f"{per:.0f}s/{self.unit_name}"
        if per >= 1e-3:
            return f"{per * 1e3:.0f}ms/{self.unit_name}"
        return f"{per * 1e6:.0f}us/{self.unit_name}"

    def _metrics(self):
        out = ""
        for k in self._values_order:
            total, count = self._values[k]
            avg = float(np.mean(total / max(1, count)))
            out += f" - {k}: {avg:.4f}" if abs(avg) > 1e-3 else f" - {k}: {avg:.4e}"
        return out

    def add(self, n, values=None):
        """Advance by n steps."""
        self.update(self._seen_so_far + n, values)
