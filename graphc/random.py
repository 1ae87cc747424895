"""TF1's tf.random namespace (TF 1.13+ names): thin re-exports."""
from .ops.random import random_normal as normal  # noqa: F401
from .ops.random import random_shuffle as shuffle  # noqa: F401
from .ops.random import random_uniform as uniform  # noqa: F401
from .ops.random import set_random_seed, truncated_normal  # noqa: F401
from .ops.random_extra import categorical, multinomial  # noqa: F401
from .ops.random_extra import random_gamma as gamma  # noqa: F401
from .ops.random_extra import random_poisson as poisson  # noqa: F401
from .ops.random_extra import stateless_random_normal as stateless_normal  # noqa: F401
from .ops.random_extra import stateless_random_uniform as stateless_uniform  # noqa: F401
from .ops.random_extra import stateless_truncated_normal  # noqa: F401
from .ops.random_stateless_more import (stateless_binomial,  # noqa: F401
                                        stateless_categorical, stateless_multinomial,
                                        stateless_parameterized_truncated_normal,
                                        stateless_random_gamma, stateless_random_poisson)
from .ops.random_stateless_more import stateless_random_gamma as stateless_gamma  # noqa: F401
from .ops.random_stateless_more import stateless_random_poisson as stateless_poisson  # noqa
from .ops.random_stateless_more import fold_in, split  # noqa: F401,E402
from .ops.sampled import (fixed_unigram_candidate_sampler,  # noqa: F401,E402
                          log_uniform_candidate_sampler, uniform_candidate_sampler)

from .ops.sampled_more import *  # noqa: F401,F403,E402
from .random_generator import *  # noqa: F401,F403,E402
from .ops.random_index_shuffle import *  # noqa: F401,F403,E402


def get_seed(op_seed):
    """(graph seed, op seed) for a random op given op_seed, as TF1's tf.get_seed:
    (None, None) when neither the graph nor op_seed sets one. Without op_seed the op
    seed is derived from the graph's size, so it differs from TF's own count."""
    from .graph import get_default_graph
    from .ops.random import get_seed as _get_seed
    seeds = _get_seed(get_default_graph(), op_seed)
    return (None, None) if seeds is None else seeds
