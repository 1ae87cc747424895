"""gc.contrib.image: TF 1.15's tf.contrib.image (see docs/contrib-image.md).

    rotated = gc.contrib.image.rotate(images, angles, "BILINEAR")
    warped = gc.contrib.image.dense_image_warp(images, flow)
"""
from .image_misc import (adjust_hsv_in_yiq, bipartite_match, connected_components,
                         random_hsv_in_yiq)
from .image_transform import (angles_to_projective_transforms, compose_transforms,
                              flat_transforms_to_matrices, matrices_to_flat_transforms,
                              rotate, transform, translate,
                              translations_to_projective_transforms)
from .image_warp import dense_image_warp, interpolate_spline, sparse_image_warp

__all__ = ["transform", "rotate", "translate", "angles_to_projective_transforms",
           "translations_to_projective_transforms", "compose_transforms",
           "flat_transforms_to_matrices", "matrices_to_flat_transforms",
           "dense_image_warp", "interpolate_spline", "sparse_image_warp",
           "connected_components", "adjust_hsv_in_yiq", "random_hsv_in_yiq",
           "bipartite_match"]
