"""gc.contrib.framework (tf.contrib.framework): arg_scope and the model-variable
helpers (slim.model_variable, get_variables_to_restore, assign_from_checkpoint_fn, ...;
see framework_variables.py)."""
from .arg_scope import *  # noqa: F401,F403
from .framework_variables import *  # noqa: F401,F403
from . import arg_scope as _arg_scope, framework_variables as _variables

__all__ = list(_arg_scope.__all__) + list(_variables.__all__)
from .framework_more import *  # noqa: F401,F403,E402 (TF 1.15 names tf_slim lacks)
from .framework_more import __all__ as _more_all  # noqa: E402
__all__ += _more_all
from .framework_more2 import *  # noqa: F401,F403,E402 (more TF 1.15 contrib names)
from .framework_more2 import __all__ as _more2_all  # noqa: E402
__all__ += _more2_all
