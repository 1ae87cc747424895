"""gc.contrib.seq2seq: TF 1.15's tf.contrib.seq2seq (decoders, helpers, attention, beam
search, sequence_loss), re-exported from the seq2seq_* modules. See docs/seq2seq.md.

    decoder = gc.contrib.seq2seq.BasicDecoder(cell, helper, initial_state)
    outputs, state, lengths = gc.contrib.seq2seq.dynamic_decode(decoder)
"""
from .seq2seq_attention import *  # noqa: F401,F403
from .seq2seq_beam import *  # noqa: F401,F403
from .seq2seq_beam_search import *  # noqa: F401,F403
from .seq2seq_decoder import *  # noqa: F401,F403
from .seq2seq_helper import *  # noqa: F401,F403
from .seq2seq_loss import *  # noqa: F401,F403
from .seq2seq_wrapper import *  # noqa: F401,F403
from . import (seq2seq_attention, seq2seq_beam, seq2seq_beam_search, seq2seq_decoder,
               seq2seq_helper, seq2seq_loss, seq2seq_wrapper)

__all__ = sorted(set(seq2seq_attention.__all__ + seq2seq_beam.__all__ +
                     seq2seq_beam_search.__all__ +
                     seq2seq_decoder.__all__ + seq2seq_helper.__all__ + seq2seq_loss.__all__ +
                     seq2seq_wrapper.__all__))
