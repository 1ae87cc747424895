"""Parsing ops (TF1's tf.io names, also in gc and gc.io): Examples and SequenceExamples
(parsing_example.py, parsing_sequence.py) and byte-level decoding and file ops
(parsing_misc.py, parsing_files.py). See docs/input-files.md."""
from . import parsing_example, parsing_files, parsing_misc, parsing_sequence
from . import parsing_sequence_batch  # noqa: F401 (registers ParseSequenceExample: gc.io)
from .parsing_example import *  # noqa: F401,F403
from .parsing_misc import *  # noqa: F401,F403
from .parsing_files import *  # noqa: F401,F403
from .parsing_sequence import *  # noqa: F401,F403

__all__ = (parsing_example.__all__ + parsing_sequence.__all__ + parsing_misc.__all__
           + parsing_files.__all__)
