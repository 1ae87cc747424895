"""Automatic differentiation as graph transformations: reverse (gradients), forward
(jvp) and mixed (Hessian-vector products, Jacobians)."""
