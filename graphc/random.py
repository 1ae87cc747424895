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
