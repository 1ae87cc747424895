"""TF's raw op signatures for gc.raw_ops (made from TF's op registry and tf.raw_ops
by tests/data/make_tf_raw_op_defs.py; rerun it after adding ops to the import table).

RAW_OP_DEFS[op type] = (Python name, inputs, outputs, attrs):
  inputs: "keyword[=opdef name]:type" each, where type is a type attr ("T"), a fixed
    dtype ("=int32"), a number attr's count of either ("N*T"), or a list(type) attr
    ("[T]"); a leading "&" marks a ref input.
  outputs: "name:type" each (the OpDef's output args, types as for inputs).
  attrs: (name[=opdef name], attr type, allowed, minimum[, default]) each, allowed
    being an index into TYPE_SETS (type attrs) or a tuple of strings, or None.
TF_ONLY lists TF's other raw ops (those graphc's importer does not build)."""

__all__ = ["RAW_OP_DEFS", "TYPE_SETS", "TF_ONLY"]

TYPE_SETS = (
    # 0
    'bfloat16 float16 float32 float64 int8 int16 int32 int64',
    # 1
    'bfloat16 float16 float32 float64 complex64 complex128',
    # 2
    'bfloat16 float16 float32 float64 uint8 int8 int16 int32 int64 complex64 complex128 '
    'string',
    # 3
    'float32 float64 int32 uint8 int16 int8 complex64 int64 qint8 quint8 qint32 bfloat16 '
    'qint16 quint16 uint16 complex128 float16 uint32 uint64 variant',
    # 4
    'bfloat16 float16 float32 float64 uint8 uint16 uint32 uint64 int8 int16 int32 int64 '
    'complex64 complex128',
    # 5
    'float16 float32',
    # 6
    'int32 int64',
    # 7
    'complex64 complex128',
    # 8
    'float32 float64',
    # 9
    'float32 float64 int32 uint8 int16 int8 complex64 int64 qint8 quint8 qint32 bfloat16 '
    'qint16 quint16 uint16 complex128 float16 uint32 uint64',
    # 10
    'float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64 '
    'qint8 quint8 qint32 qint16 quint16 bool',
    # 11
    'int16 int32 int64',
    # 12
    'int16 uint16 int32 int64',
    # 13
    'float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64 '
    'complex64 complex128 bool variant string',
    # 14
    'bfloat16 float16 float32 float64',
    # 15
    'float16 bfloat16 float32 float64',
    # 16
    'bfloat16 float16 float32 float64 int32 int64 complex64 complex128',
    # 17
    'bfloat16 float16 float32 float64 int16 int32 int64 uint8 uint16 uint32 uint64 '
    'complex64 complex128',
    # 18
    'bfloat16 float16 float32 float64 uint8 int8 int16 int32 int64 complex64 complex128',
    # 19
    'bfloat16 float16 float32 float64 int16 int32 int64 complex64 complex128',
    # 20
    'int32 int64 float32 float64',
    # 21
    'bfloat16 float16 float32 float64 int64 int32 uint8 uint16 uint32 uint64 int8 int16 '
    'complex64 complex128 qint8 quint8 qint16 quint16 qint32',
    # 22
    'int8 int16 int32 int64 uint8 uint16 uint32 uint64',
    # 23
    'float64 float32 float16 complex64 complex128',
    # 24
    'complex64 complex128 variant',
    # 25
    'float16 bfloat16 float32 float64 int32',
    # 26
    'uint8 uint16 int8 int16 int32 int64 float16 float32 float64',
    # 27
    'float32 float16 float64',
    # 28
    'float32 float64 int32 int64 string',
    # 29
    'uint8 uint16 float32',
    # 30
    'uint8 uint16',
    # 31
    'float16 float32 float64 int32 uint16 uint8 int16 int8 int64 complex64 complex128 '
    'bool bfloat16',
    # 32
    'int8 int16 int32 int64 uint8 uint16 string',
    # 33
    'qint8 quint8 qint32 qint16 quint16',
    # 34
    'bfloat16 float32',
    # 35
    'float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64',
    # 36
    'float16 float32 bfloat16 float64 complex64 complex128',
    # 37
    'float32 float16',
    # 38
    'bfloat16 float16 float32 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 '
    'complex64 complex128 bool',
    # 39
    'bfloat16 float16 float32 float64 uint8 int8 uint16 int16 int32 uint32 uint64 int64 '
    'complex64 complex128',
    # 40
    'int8 int16 int32 int64 uint8 uint16 uint32 uint64 bfloat16 float16 float32 float64',
    # 41
    'float32 float64 int32 int64',
    # 42
    'float32',
    # 43
    'float16 bfloat16 float32',
    # 44
    'uint8 int32 int64 float16 bfloat16 float32 float64',
    # 45
    'uint8 float32 float16 float64',
    # 46
    'float16 float32 float64 complex64 complex128',
    # 47
    'bfloat16 float16 float32 float64 int32 int64 uint8 uint16 uint32 uint64 complex64 '
    'complex128',
    # 48
    'bfloat16 float64 float32 float16 complex64 complex128',
    # 49
    'float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64 '
    'qint8 quint8 qint32 qint16 quint16',
    # 50
    'float16 bfloat16 float32 float64 int32 int64 uint8 int16 int8 uint16 qint8',
    # 51
    'bfloat16 float16 float32 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64',
    # 52
    'bfloat16 float16 float32 float64 int8 int16 int32 int64 complex64 complex128',
    # 53
    'float64 float32',
    # 54
    'uint8 int8 int32 int64',
    # 55
    'bfloat16 float16 float32 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64 '
    'complex64 complex128 bool',
    # 56
    'float32 int64 string',
    # 57
    'bfloat16 float32 float16 float64 int8 int16 int32 int64 complex64 complex128',
    # 58
    'int64 int32',
    # 59
    'float16 float32 float64 int32 int64',
    # 60
    'bfloat16 float16 float32 float64 int8 int16 int32 int64 uint16 uint32 uint64',
    # 61
    'float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64 '
    'qint8',
    # 62
    'int8 uint8 int16 uint16 int32 int64 float16 float32 float64 bfloat16',
    # 63
    'int8 uint8 int16 uint16 int32 int64 bfloat16 float16 float32 float64 bfloat16',
    # 64
    'float32 bfloat16 float16 float64',
    # 65
    'uint8 int8 int32 float16 float32 float64 bfloat16',
    # 66
    'uint8 int8 uint16 int16 int32 uint32 int64 uint64 bool bfloat16 float16 float32 '
    'float64 complex64 complex128 string',
    # 67
    'uint8 int8 int16 int32 int64',
    # 68
    'int8 uint8 int16 uint16 int32 int64 bfloat16 float16 float32 float64',
    # 69
    'float16 bfloat16 float32 float64 int32 int64',
    # 70
    'string variant',
    # 71
    'int64 string',
    # 72
    'float16 float32 float64',
    # 73
    'int8 int32 int64',
    # 74
    'bfloat16 float16 float32 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 '
    'complex64 complex128',
    # 75
    'int32 int64 uint32 uint64',
    # 76
    'float32 float64 int32 int64 uint32 uint64',
    # 77
    'bfloat16 float16 float32 float64 uint8 int8 uint16 int16 int32 int64 complex64 '
    'complex128 uint32 uint64',
    # 78
    'int16 int32 int64 uint16',
    # 79
    'float64 float32 complex64 complex128',
    # 80
    'int32 int64 bfloat16 float16 float32 float64',
    # 81
    'float32 float64 int32 uint8 int16 int8 complex64 int64 qint8 quint8 qint32 bfloat16 '
    'qint16 quint16 uint16 complex128 float16 uint32 uint64 bool',
    # 82
    'float16 bfloat16 float32 float64 complex64 complex128',
)

RAW_OP_DEFS = {
    'Abs': ('_abs', 'x:T', 'y:T', (('T', 'type', 0, None),)),
    'Acos': ('acos', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'Acosh': ('acosh', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'Add': ('add', 'x:T y:T', 'z:T', (('T', 'type', 2, None),)),
    'AddN': ('add_n', 'inputs:N*T', 'sum:T', (('N', 'int', None, 1), ('T', 'type', 3, None))),
    'AddV2': ('add_v2', 'x:T y:T', 'z:T', (('T', 'type', 4, None),)),
    'AdjustContrastv2': ('adjust_contrastv2', 'images:T contrast_factor:=float32', 'output:T', (
        ('T', 'type', 5, None, 'float32'),)),
    'All': ('_all', 'input:=bool axis=reduction_indices:Tidx', 'output:=bool', (
        ('keep_dims', 'bool', None, None, False),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'Angle': ('angle', 'input:T', 'output:Tout', (
        ('T', 'type', 7, None, 'complex64'),
        ('Tout', 'type', 8, None, 'float32'),)),
    'Any': ('_any', 'input:=bool axis=reduction_indices:Tidx', 'output:=bool', (
        ('keep_dims', 'bool', None, None, False),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'ApplyAdaMax': (
        'apply_ada_max',
        'var:&T m:&T v:&T beta1_power:T lr:T beta1:T beta2:T epsilon:T grad:T',
        'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ApplyAdadelta': (
        'apply_adadelta',
        'var:&T accum:&T accum_update:&T lr:T rho:T epsilon:T grad:T',
        'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ApplyAdagrad': ('apply_adagrad', 'var:&T accum:&T lr:T grad:T', 'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('update_slots', 'bool', None, None, True),)),
    'ApplyAdagradDA': (
        'apply_adagrad_da',
        'var:&T gradient_accumulator:&T gradient_squared_accumulator:&T grad:T lr:T l1:T l2:T global_step:=int64',
        'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ApplyAdagradV2': ('apply_adagrad_v2', 'var:&T accum:&T lr:T epsilon:T grad:T', 'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('update_slots', 'bool', None, None, True),)),
    'ApplyAdam': (
        'apply_adam',
        'var:&T m:&T v:&T beta1_power:T beta2_power:T lr:T beta1:T beta2:T epsilon:T grad:T',
        'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('use_nesterov', 'bool', None, None, False),)),
    'ApplyCenteredRMSProp': (
        'apply_centered_rms_prop',
        'var:&T mg:&T ms:&T mom:&T lr:T rho:T momentum:T epsilon:T grad:T',
        'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ApplyFtrl': (
        'apply_ftrl', 'var:&T accum:&T linear:&T grad:T lr:T l1:T l2:T lr_power:T', 'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('multiply_linear_by_lr', 'bool', None, None, False),)),
    'ApplyFtrlV2': (
        'apply_ftrl_v2',
        'var:&T accum:&T linear:&T grad:T lr:T l1:T l2:T l2_shrinkage:T lr_power:T',
        'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('multiply_linear_by_lr', 'bool', None, None, False),)),
    'ApplyGradientDescent': ('apply_gradient_descent', 'var:&T alpha:T delta:T', 'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ApplyMomentum': ('apply_momentum', 'var:&T accum:&T lr:T grad:T momentum:T', 'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('use_nesterov', 'bool', None, None, False),)),
    'ApplyProximalAdagrad': (
        'apply_proximal_adagrad', 'var:&T accum:&T lr:T l1:T l2:T grad:T', 'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ApplyProximalGradientDescent': (
        'apply_proximal_gradient_descent', 'var:&T alpha:T l1:T l2:T delta:T', 'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ApplyRMSProp': (
        'apply_rms_prop',
        'var:&T ms:&T mom:&T lr:T rho:T momentum:T epsilon:T grad:T',
        'out:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ArgMax': ('arg_max', 'input:T dimension:Tidx', 'output:output_type', (
        ('T', 'type', 10, None),
        ('Tidx', 'type', 11, None, 'int32'),
        ('output_type', 'type', 12, None, 'int64'),)),
    'ArgMin': ('arg_min', 'input:T dimension:Tidx', 'output:output_type', (
        ('T', 'type', 10, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('output_type', 'type', 6, None, 'int64'),)),
    'AsString': ('as_string', 'input:T', 'output:=string', (
        ('T', 'type', 13, None),
        ('precision', 'int', None, None, -1),
        ('scientific', 'bool', None, None, False),
        ('shortest', 'bool', None, None, False),
        ('width', 'int', None, None, -1),
        ('fill', 'string', None, None, ''),)),
    'Asin': ('asin', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'Asinh': ('asinh', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'Assert': ('_assert', 'condition:=bool data:[T]', '', (
        ('T', 'list(type)', None, 1),
        ('summarize', 'int', None, None, 3),)),
    'Assign': ('assign', 'ref:&T value:T', 'output_ref:&T', (
        ('T', 'type', None, None),
        ('validate_shape', 'bool', None, None, True),
        ('use_locking', 'bool', None, None, True),)),
    'AssignAdd': ('assign_add', 'ref:&T value:T', 'output_ref:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'AssignAddVariableOp': ('assign_add_variable_op', 'resource:=resource value:dtype', '', (
        ('dtype', 'type', None, None),)),
    'AssignSub': ('assign_sub', 'ref:&T value:T', 'output_ref:&T', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'AssignSubVariableOp': ('assign_sub_variable_op', 'resource:=resource value:dtype', '', (
        ('dtype', 'type', None, None),)),
    'AssignVariableOp': ('assign_variable_op', 'resource:=resource value:dtype', '', (
        ('dtype', 'type', None, None),
        ('validate_shape', 'bool', None, None, False),)),
    'Atan': ('atan', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'Atan2': ('atan2', 'y:T x:T', 'z:T', (('T', 'type', 14, None),)),
    'Atanh': ('atanh', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'AudioSummaryV2': (
        'audio_summary_v2',
        'tag:=string tensor:=float32 sample_rate:=float32',
        'summary:=string', (
        ('max_outputs', 'int', None, 1, 3),)),
    'AvgPool': ('avg_pool', 'value:T', 'output:T', (
        ('ksize', 'list(int)', None, 4),
        ('strides', 'list(int)', None, 4),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('T', 'type', 15, None),)),
    'AvgPool3D': ('avg_pool3d', 'input:T', 'output:T', (
        ('ksize', 'list(int)', None, 5),
        ('strides', 'list(int)', None, 5),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('data_format', 'string', ('NDHWC', 'NCDHW'), None, 'NDHWC'),
        ('T', 'type', 15, None),)),
    'AvgPool3DGrad': ('avg_pool3d_grad', 'orig_input_shape:=int32 grad:T', 'output:T', (
        ('ksize', 'list(int)', None, 5),
        ('strides', 'list(int)', None, 5),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('data_format', 'string', ('NDHWC', 'NCDHW'), None, 'NDHWC'),
        ('T', 'type', 15, None),)),
    'AvgPoolGrad': ('avg_pool_grad', 'orig_input_shape:=int32 grad:T', 'output:T', (
        ('ksize', 'list(int)', None, 4),
        ('strides', 'list(int)', None, 4),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('T', 'type', 15, None),)),
    'BatchMatMul': ('batch_mat_mul', 'x:T y:T', 'output:T', (
        ('T', 'type', 16, None),
        ('adj_x', 'bool', None, None, False),
        ('adj_y', 'bool', None, None, False),
        ('grad_x', 'bool', None, None, False),
        ('grad_y', 'bool', None, None, False),)),
    'BatchMatMulV2': ('batch_mat_mul_v2', 'x:T y:T', 'output:T', (
        ('T', 'type', 17, None),
        ('adj_x', 'bool', None, None, False),
        ('adj_y', 'bool', None, None, False),
        ('grad_x', 'bool', None, None, False),
        ('grad_y', 'bool', None, None, False),)),
    'BatchMatMulV3': ('batch_mat_mul_v3', 'x:Ta y:Tb', 'output:Tout', (
        ('Ta', 'type', 18, None),
        ('Tb', 'type', 18, None),
        ('Tout', 'type', 19, None),
        ('adj_x', 'bool', None, None, False),
        ('adj_y', 'bool', None, None, False),
        ('grad_x', 'bool', None, None, False),
        ('grad_y', 'bool', None, None, False),)),
    'BatchToSpaceND': (
        'batch_to_space_nd', 'input:T block_shape:Tblock_shape crops:Tcrops', 'output:T', (
        ('T', 'type', None, None),
        ('Tblock_shape', 'type', 6, None, 'int32'),
        ('Tcrops', 'type', 6, None, 'int32'),)),
    'BesselI0e': ('bessel_i0e', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'BesselI1e': ('bessel_i1e', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'BesselJ0': ('bessel_j0', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'BesselJ1': ('bessel_j1', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'BesselK0': ('bessel_k0', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'BesselK0e': ('bessel_k0e', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'BesselK1': ('bessel_k1', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'BesselK1e': ('bessel_k1e', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'BesselY0': ('bessel_y0', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'BesselY1': ('bessel_y1', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'Betainc': ('betainc', 'a:T b:T x:T', 'z:T', (('T', 'type', 8, None),)),
    'BiasAdd': ('bias_add', 'value:T bias:T', 'output:T', (
        ('T', 'type', 9, None),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),)),
    'BiasAddGrad': ('bias_add_grad', 'out_backprop:T', 'output:T', (
        ('T', 'type', 9, None),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),)),
    'Bincount': ('bincount', 'arr:=int32 size:=int32 weights:T', 'bins:T', (
        ('T', 'type', 20, None),)),
    'Bitcast': ('bitcast', 'input:T', 'output:type', (
        ('T', 'type', 21, None),
        ('type', 'type', 21, None),)),
    'BitwiseAnd': ('bitwise_and', 'x:T y:T', 'z:T', (('T', 'type', 22, None),)),
    'BitwiseOr': ('bitwise_or', 'x:T y:T', 'z:T', (('T', 'type', 22, None),)),
    'BitwiseXor': ('bitwise_xor', 'x:T y:T', 'z:T', (('T', 'type', 22, None),)),
    'BroadcastArgs': ('broadcast_args', 's0:T s1:T', 'r0:T', (
        ('T', 'type', 6, None, 'int32'),)),
    'BroadcastGradientArgs': ('broadcast_gradient_args', 's0:T s1:T', 'r0:T r1:T', (
        ('T', 'type', 6, None, 'int32'),)),
    'BroadcastTo': ('broadcast_to', 'input:T shape:Tidx', 'output:T', (
        ('T', 'type', None, None),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'Bucketize': ('bucketize', 'input:T', 'output:=int32', (
        ('T', 'type', 20, None),
        ('boundaries', 'list(float)', None, None),)),
    'CTCBeamSearchDecoder': (
        'ctc_beam_search_decoder',
        'inputs:T sequence_length:=int32',
        'decoded_indices:top_paths*=int64 decoded_values:top_paths*=int64 decoded_shape:top_paths*=int64 log_probability:T', (
        ('beam_width', 'int', None, 1),
        ('top_paths', 'int', None, 1),
        ('merge_repeated', 'bool', None, None, True),
        ('T', 'type', 8, None, 'float32'),)),
    'CTCGreedyDecoder': (
        'ctc_greedy_decoder',
        'inputs:T sequence_length:=int32',
        'decoded_indices:=int64 decoded_values:=int64 decoded_shape:=int64 log_probability:T', (
        ('merge_repeated', 'bool', None, None, False),
        ('blank_index', 'int', None, None, -1),
        ('T', 'type', 8, None, 'float32'),)),
    'CTCLoss': (
        'ctc_loss',
        'inputs:T labels_indices:=int64 labels_values:=int32 sequence_length:=int32',
        'loss:T gradient:T', (
        ('preprocess_collapse_repeated', 'bool', None, None, False),
        ('ctc_merge_repeated', 'bool', None, None, True),
        ('ignore_longer_outputs_than_inputs', 'bool', None, None, False),
        ('T', 'type', 8, None, 'float32'),)),
    'Case': ('case', 'branch_index:=int32 input:[Tin]', 'output:[Tout]', (
        ('Tin', 'list(type)', None, 0),
        ('Tout', 'list(type)', None, 0),
        ('branches', 'list(func)', None, 1),
        ('output_shapes', 'list(shape)', None, None, []),)),
    'Cast': ('cast', 'x:SrcT', 'y:DstT', (
        ('SrcT', 'type', None, None),
        ('DstT', 'type', None, None),
        ('Truncate', 'bool', None, None, False),)),
    'Ceil': ('ceil', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'CheckNumerics': ('check_numerics', 'tensor:T', 'output:T', (
        ('T', 'type', 14, None),
        ('message', 'string', None, None),)),
    'Cholesky': ('cholesky', 'input:T', 'output:T', (('T', 'type', 23, None),)),
    'ClipByValue': ('_clip_by_value', 't:T clip_value_min:T clip_value_max:T', 'output:T', (
        ('T', 'type', 9, None),)),
    'CombinedNonMaxSuppression': (
        'combined_non_max_suppression',
        'boxes:=float32 scores:=float32 max_output_size_per_class:=int32 max_total_size:=int32 iou_threshold:=float32 score_threshold:=float32',
        'nmsed_boxes:=float32 nmsed_scores:=float32 nmsed_classes:=float32 valid_detections:=int32', (
        ('pad_per_class', 'bool', None, None, False),
        ('clip_boxes', 'bool', None, None, True),)),
    'Complex': ('_complex', 'real:T imag:T', 'out:Tout', (
        ('T', 'type', 8, None, 'float32'),
        ('Tout', 'type', 7, None, 'complex64'),)),
    'ComplexAbs': ('complex_abs', 'x:T', 'y:Tout', (
        ('T', 'type', 7, None, 'complex64'),
        ('Tout', 'type', 8, None, 'float32'),)),
    'Concat': ('concat', 'concat_dim:=int32 values:N*T', 'output:T', (
        ('N', 'int', None, 2),
        ('T', 'type', None, None),)),
    'ConcatOffset': (
        'concat_offset', 'concat_dim:=int32 shape:N*shape_type', 'offset:N*shape_type', (
        ('N', 'int', None, 2),
        ('shape_type', 'type', 6, None, 'int32'),)),
    'ConcatV2': ('concat_v2', 'values:N*T axis:Tidx', 'output:T', (
        ('N', 'int', None, 2),
        ('T', 'type', None, None),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'Conj': ('conj', 'input:T', 'output:T', (('T', 'type', 24, None, 'complex64'),)),
    'Const': ('const', '', 'output:dtype', (
        ('value', 'tensor', None, None),
        ('dtype', 'type', None, None),)),
    'Conv2D': ('conv2d', 'input:T filter:T', 'output:T', (
        ('T', 'type', 25, None),
        ('strides', 'list(int)', None, None),
        ('use_cudnn_on_gpu', 'bool', None, None, True),
        ('padding', 'string', ('SAME', 'VALID', 'EXPLICIT'), None),
        ('explicit_paddings', 'list(int)', None, None, []),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('dilations', 'list(int)', None, None, [1, 1, 1, 1]),)),
    'Conv2DBackpropFilter': (
        'conv2d_backprop_filter', 'input:T filter_sizes:=int32 out_backprop:T', 'output:T', (
        ('T', 'type', 15, None),
        ('strides', 'list(int)', None, None),
        ('use_cudnn_on_gpu', 'bool', None, None, True),
        ('padding', 'string', ('SAME', 'VALID', 'EXPLICIT'), None),
        ('explicit_paddings', 'list(int)', None, None, []),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('dilations', 'list(int)', None, None, [1, 1, 1, 1]),)),
    'Conv2DBackpropInput': (
        'conv2d_backprop_input', 'input_sizes:=int32 filter:T out_backprop:T', 'output:T', (
        ('T', 'type', 25, None),
        ('strides', 'list(int)', None, None),
        ('use_cudnn_on_gpu', 'bool', None, None, True),
        ('padding', 'string', ('SAME', 'VALID', 'EXPLICIT'), None),
        ('explicit_paddings', 'list(int)', None, None, []),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('dilations', 'list(int)', None, None, [1, 1, 1, 1]),)),
    'Conv3D': ('conv3d', 'input:T filter:T', 'output:T', (
        ('T', 'type', 15, None),
        ('strides', 'list(int)', None, 5),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('data_format', 'string', ('NDHWC', 'NCDHW'), None, 'NDHWC'),
        ('dilations', 'list(int)', None, None, [1, 1, 1, 1, 1]),)),
    'Conv3DBackpropFilterV2': (
        'conv3d_backprop_filter_v2', 'input:T filter_sizes:=int32 out_backprop:T', 'output:T', (
        ('T', 'type', 15, None),
        ('strides', 'list(int)', None, 5),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('data_format', 'string', ('NDHWC', 'NCDHW'), None, 'NDHWC'),
        ('dilations', 'list(int)', None, None, [1, 1, 1, 1, 1]),)),
    'Conv3DBackpropInputV2': (
        'conv3d_backprop_input_v2', 'input_sizes:Tshape filter:T out_backprop:T', 'output:T', (
        ('T', 'type', 15, None),
        ('strides', 'list(int)', None, 5),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('data_format', 'string', ('NDHWC', 'NCDHW'), None, 'NDHWC'),
        ('dilations', 'list(int)', None, None, [1, 1, 1, 1, 1]),
        ('Tshape', 'type', 6, None, 'int32'),)),
    'Cos': ('cos', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'Cosh': ('cosh', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'CountUpTo': ('count_up_to', 'ref:&T', 'output:T', (
        ('limit', 'int', None, None),
        ('T', 'type', 6, None),)),
    'CropAndResize': (
        'crop_and_resize',
        'image:T boxes:=float32 box_ind:=int32 crop_size:=int32',
        'crops:=float32', (
        ('T', 'type', 26, None),
        ('method', 'string', ('bilinear', 'nearest'), None, 'bilinear'),
        ('extrapolation_value', 'float', None, None, 0.0),)),
    'CropAndResizeGradBoxes': (
        'crop_and_resize_grad_boxes',
        'grads:=float32 image:T boxes:=float32 box_ind:=int32',
        'output:=float32', (
        ('T', 'type', 26, None),
        ('method', 'string', ('bilinear',), None, 'bilinear'),)),
    'CropAndResizeGradImage': (
        'crop_and_resize_grad_image',
        'grads:=float32 boxes:=float32 box_ind:=int32 image_size:=int32',
        'output:T', (
        ('T', 'type', 27, None),
        ('method', 'string', ('bilinear', 'nearest'), None, 'bilinear'),)),
    'Cumprod': ('cumprod', 'x:T axis:Tidx', 'out:T', (
        ('exclusive', 'bool', None, None, False),
        ('reverse', 'bool', None, None, False),
        ('T', 'type', 9, None),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'Cumsum': ('cumsum', 'x:T axis:Tidx', 'out:T', (
        ('exclusive', 'bool', None, None, False),
        ('reverse', 'bool', None, None, False),
        ('T', 'type', 9, None),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'CumulativeLogsumexp': ('cumulative_logsumexp', 'x:T axis:Tidx', 'out:T', (
        ('exclusive', 'bool', None, None, False),
        ('reverse', 'bool', None, None, False),
        ('T', 'type', 14, None),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'Dawsn': ('dawsn', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'DecodeAndCropJpeg': (
        'decode_and_crop_jpeg', 'contents:=string crop_window:=int32', 'image:=uint8', (
        ('channels', 'int', None, None, 0),
        ('ratio', 'int', None, None, 1),
        ('fancy_upscaling', 'bool', None, None, True),
        ('try_recover_truncated', 'bool', None, None, False),
        ('acceptable_fraction', 'float', None, None, 1.0),
        ('dct_method', 'string', None, None, ''),)),
    'DecodeBase64': ('decode_base64', 'input:=string', 'output:=string', ()),
    'DecodeBmp': ('decode_bmp', 'contents:=string', 'image:=uint8', (
        ('channels', 'int', None, None, 0),)),
    'DecodeCSV': (
        'decode_csv', 'records:=string record_defaults:[OUT_TYPE]', 'output:[OUT_TYPE]', (
        ('OUT_TYPE', 'list(type)', 28, 1),
        ('field_delim', 'string', None, None, ','),
        ('use_quote_delim', 'bool', None, None, True),
        ('na_value', 'string', None, None, ''),
        ('select_cols', 'list(int)', None, None, []),)),
    'DecodeGif': ('decode_gif', 'contents:=string', 'image:=uint8', ()),
    'DecodeImage': ('decode_image', 'contents:=string', 'image:dtype', (
        ('channels', 'int', None, None, 0),
        ('dtype', 'type', 29, None, 'uint8'),
        ('expand_animations', 'bool', None, None, True),)),
    'DecodeJSONExample': (
        'decode_json_example', 'json_examples:=string', 'binary_examples:=string', ()),
    'DecodeJpeg': ('decode_jpeg', 'contents:=string', 'image:=uint8', (
        ('channels', 'int', None, None, 0),
        ('ratio', 'int', None, None, 1),
        ('fancy_upscaling', 'bool', None, None, True),
        ('try_recover_truncated', 'bool', None, None, False),
        ('acceptable_fraction', 'float', None, None, 1.0),
        ('dct_method', 'string', None, None, ''),)),
    'DecodePng': ('decode_png', 'contents:=string', 'image:dtype', (
        ('channels', 'int', None, None, 0),
        ('dtype', 'type', 30, None, 'uint8'),)),
    'DecodeRaw': ('decode_raw', 'bytes:=string', 'output:out_type', (
        ('out_type', 'type', 31, None),
        ('little_endian', 'bool', None, None, True),)),
    'DecodeWav': ('decode_wav', 'contents:=string', 'audio:=float32 sample_rate:=int32', (
        ('desired_channels', 'int', None, None, -1),
        ('desired_samples', 'int', None, None, -1),)),
    'DenseBincount': ('dense_bincount', 'input:Tidx size:Tidx weights:T', 'output:T', (
        ('Tidx', 'type', 6, None),
        ('T', 'type', 20, None),
        ('binary_output', 'bool', None, None, False),)),
    'DenseToDenseSetOperation': (
        'dense_to_dense_set_operation',
        'set1:T set2:T',
        'result_indices:=int64 result_values:T result_shape:=int64', (
        ('set_operation', 'string', None, None),
        ('validate_indices', 'bool', None, None, True),
        ('T', 'type', 32, None),)),
    'DenseToSparseSetOperation': (
        'dense_to_sparse_set_operation',
        'set1:T set2_indices:=int64 set2_values:T set2_shape:=int64',
        'result_indices:=int64 result_values:T result_shape:=int64', (
        ('set_operation', 'string', None, None),
        ('validate_indices', 'bool', None, None, True),
        ('T', 'type', 32, None),)),
    'DepthToSpace': ('depth_to_space', 'input:T', 'output:T', (
        ('T', 'type', None, None),
        ('block_size', 'int', None, 2),
        ('data_format', 'string', ('NHWC', 'NCHW', 'NCHW_VECT_C'), None, 'NHWC'),)),
    'DepthwiseConv2dNative': ('depthwise_conv2d_native', 'input:T filter:T', 'output:T', (
        ('T', 'type', 15, None),
        ('strides', 'list(int)', None, None),
        ('padding', 'string', ('SAME', 'VALID', 'EXPLICIT'), None),
        ('explicit_paddings', 'list(int)', None, None, []),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('dilations', 'list(int)', None, None, [1, 1, 1, 1]),)),
    'DepthwiseConv2dNativeBackpropFilter': (
        'depthwise_conv2d_native_backprop_filter',
        'input:T filter_sizes:=int32 out_backprop:T',
        'output:T', (
        ('T', 'type', 15, None),
        ('strides', 'list(int)', None, None),
        ('padding', 'string', ('SAME', 'VALID', 'EXPLICIT'), None),
        ('explicit_paddings', 'list(int)', None, None, []),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('dilations', 'list(int)', None, None, [1, 1, 1, 1]),)),
    'DepthwiseConv2dNativeBackpropInput': (
        'depthwise_conv2d_native_backprop_input',
        'input_sizes:=int32 filter:T out_backprop:T',
        'output:T', (
        ('T', 'type', 15, None),
        ('strides', 'list(int)', None, None),
        ('padding', 'string', ('SAME', 'VALID', 'EXPLICIT'), None),
        ('explicit_paddings', 'list(int)', None, None, []),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('dilations', 'list(int)', None, None, [1, 1, 1, 1]),)),
    'Dequantize': (
        'dequantize', 'input:T min_range:=float32 max_range:=float32', 'output:dtype', (
        ('T', 'type', 33, None),
        ('mode', 'string', ('MIN_COMBINED', 'MIN_FIRST', 'SCALED'), None, 'MIN_COMBINED'),
        ('narrow_range', 'bool', None, None, False),
        ('axis', 'int', None, None, -1),
        ('dtype', 'type', 34, None, 'float32'),)),
    'DeserializeManySparse': (
        'deserialize_many_sparse',
        'serialized_sparse:=string',
        'sparse_indices:=int64 sparse_values:dtype sparse_shape:=int64', (
        ('dtype', 'type', None, None),)),
    'Diag': ('diag', 'diagonal:T', 'output:T', (('T', 'type', 16, None),)),
    'DiagPart': ('diag_part', 'input:T', 'diagonal:T', (('T', 'type', 16, None),)),
    'Digamma': ('digamma', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'Dilation2D': ('dilation2d', 'input:T filter:T', 'output:T', (
        ('T', 'type', 35, None),
        ('strides', 'list(int)', None, 4),
        ('rates', 'list(int)', None, 4),
        ('padding', 'string', ('SAME', 'VALID'), None),)),
    'Dilation2DBackpropFilter': (
        'dilation2d_backprop_filter', 'input:T filter:T out_backprop:T', 'filter_backprop:T', (
        ('T', 'type', 35, None),
        ('strides', 'list(int)', None, 4),
        ('rates', 'list(int)', None, 4),
        ('padding', 'string', ('SAME', 'VALID'), None),)),
    'Dilation2DBackpropInput': (
        'dilation2d_backprop_input', 'input:T filter:T out_backprop:T', 'in_backprop:T', (
        ('T', 'type', 35, None),
        ('strides', 'list(int)', None, 4),
        ('rates', 'list(int)', None, 4),
        ('padding', 'string', ('SAME', 'VALID'), None),)),
    'DisableCopyOnRead': ('disable_copy_on_read', 'resource:=resource', '', ()),
    'DivNoNan': ('div_no_nan', 'x:T y:T', 'z:T', (('T', 'type', 36, None),)),
    'DrawBoundingBoxesV2': (
        'draw_bounding_boxes_v2', 'images:T boxes:=float32 colors:=float32', 'output:T', (
        ('T', 'type', 37, None, 'float32'),)),
    'DynamicPartition': (
        'dynamic_partition', 'data:T partitions:=int32', 'outputs:num_partitions*T', (
        ('num_partitions', 'int', None, 1),
        ('T', 'type', None, None),)),
    'DynamicStitch': ('dynamic_stitch', 'indices:N*=int32 data:N*T', 'merged:T', (
        ('N', 'int', None, 1),
        ('T', 'type', None, None),)),
    'EditDistance': (
        'edit_distance',
        'hypothesis_indices:=int64 hypothesis_values:T hypothesis_shape:=int64 truth_indices:=int64 truth_values:T truth_shape:=int64',
        'output:=float32', (
        ('normalize', 'bool', None, None, True),
        ('T', 'type', None, None),)),
    'Einsum': ('einsum', 'inputs:N*T', 'output:T', (
        ('equation', 'string', None, None),
        ('N', 'int', None, 1),
        ('T', 'type', None, None),)),
    'Elu': ('elu', 'features:T', 'activations:T', (('T', 'type', 15, None),)),
    'EluGrad': ('elu_grad', 'gradients:T outputs:T', 'backprops:T', (('T', 'type', 15, None),)),
    'EmptyTensorList': (
        'empty_tensor_list',
        'element_shape:shape_type max_num_elements:=int32',
        'handle:=variant', (
        ('element_dtype', 'type', None, None),
        ('shape_type', 'type', 6, None),)),
    'EncodeBase64': ('encode_base64', 'input:=string', 'output:=string', (
        ('pad', 'bool', None, None, False),)),
    'EncodeJpeg': ('encode_jpeg', 'image:=uint8', 'contents:=string', (
        ('format', 'string', ('', 'grayscale', 'rgb'), None, ''),
        ('quality', 'int', None, None, 95),
        ('progressive', 'bool', None, None, False),
        ('optimize_size', 'bool', None, None, False),
        ('chroma_downsampling', 'bool', None, None, True),
        ('density_unit', 'string', ('in', 'cm'), None, 'in'),
        ('x_density', 'int', None, None, 300),
        ('y_density', 'int', None, None, 300),
        ('xmp_metadata', 'string', None, None, ''),)),
    'EncodePng': ('encode_png', 'image:T', 'contents:=string', (
        ('compression', 'int', None, None, -1),
        ('T', 'type', 30, None, 'uint8'),)),
    'EncodeWav': ('encode_wav', 'audio:=float32 sample_rate:=int32', 'contents:=string', ()),
    'EnsureShape': ('ensure_shape', 'input:T', 'output:T', (
        ('shape', 'shape', None, None),
        ('T', 'type', None, None),)),
    'Equal': ('equal', 'x:T y:T', 'z:=bool', (
        ('T', 'type', None, None),
        ('incompatible_shape_error', 'bool', None, None, True),)),
    'Erf': ('erf', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'Erfc': ('erfc', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'Erfinv': ('erfinv', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'Exp': ('exp', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'ExpandDims': ('expand_dims', 'input:T axis=dim:Tdim', 'output:T', (
        ('T', 'type', None, None),
        ('Tdim', 'type', 6, None, 'int32'),)),
    'Expint': ('expint', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'Expm1': ('expm1', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'ExtractGlimpse': (
        'extract_glimpse', 'input:=float32 size:=int32 offsets:=float32', 'glimpse:=float32', (
        ('centered', 'bool', None, None, True),
        ('normalized', 'bool', None, None, True),
        ('uniform_noise', 'bool', None, None, True),
        ('noise', 'string', None, None, 'uniform'),)),
    'ExtractImagePatches': ('extract_image_patches', 'images:T', 'patches:T', (
        ('ksizes', 'list(int)', None, 4),
        ('strides', 'list(int)', None, 4),
        ('rates', 'list(int)', None, 4),
        ('T', 'type', 38, None),
        ('padding', 'string', ('SAME', 'VALID'), None),)),
    'ExtractJpegShape': ('extract_jpeg_shape', 'contents:=string', 'image_shape:output_type', (
        ('output_type', 'type', 6, None, 'int32'),)),
    'ExtractVolumePatches': ('extract_volume_patches', 'input:T', 'patches:T', (
        ('ksizes', 'list(int)', None, 5),
        ('strides', 'list(int)', None, 5),
        ('T', 'type', 35, None),
        ('padding', 'string', ('SAME', 'VALID'), None),)),
    'FFT': ('fft', 'input:Tcomplex', 'output:Tcomplex', (
        ('Tcomplex', 'type', 7, None, 'complex64'),)),
    'FFT2D': ('fft2d', 'input:Tcomplex', 'output:Tcomplex', (
        ('Tcomplex', 'type', 7, None, 'complex64'),)),
    'FFT3D': ('fft3d', 'input:Tcomplex', 'output:Tcomplex', (
        ('Tcomplex', 'type', 7, None, 'complex64'),)),
    'FIFOQueueV2': ('fifo_queue_v2', '', 'handle:=resource', (
        ('component_types', 'list(type)', None, 1),
        ('shapes', 'list(shape)', None, 0, []),
        ('capacity', 'int', None, None, -1),
        ('container', 'string', None, None, ''),
        ('shared_name', 'string', None, None, ''),)),
    'FakeQuantWithMinMaxArgs': (
        'fake_quant_with_min_max_args', 'inputs:=float32', 'outputs:=float32', (
        ('min', 'float', None, None, -6.0),
        ('max', 'float', None, None, 6.0),
        ('num_bits', 'int', None, None, 8),
        ('narrow_range', 'bool', None, None, False),)),
    'FakeQuantWithMinMaxArgsGradient': (
        'fake_quant_with_min_max_args_gradient',
        'gradients:=float32 inputs:=float32',
        'backprops:=float32', (
        ('min', 'float', None, None, -6.0),
        ('max', 'float', None, None, 6.0),
        ('num_bits', 'int', None, None, 8),
        ('narrow_range', 'bool', None, None, False),)),
    'FakeQuantWithMinMaxVars': (
        'fake_quant_with_min_max_vars',
        'inputs:=float32 min:=float32 max:=float32',
        'outputs:=float32', (
        ('num_bits', 'int', None, None, 8),
        ('narrow_range', 'bool', None, None, False),)),
    'FakeQuantWithMinMaxVarsGradient': (
        'fake_quant_with_min_max_vars_gradient',
        'gradients:=float32 inputs:=float32 min:=float32 max:=float32',
        'backprops_wrt_input:=float32 backprop_wrt_min:=float32 backprop_wrt_max:=float32', (
        ('num_bits', 'int', None, None, 8),
        ('narrow_range', 'bool', None, None, False),)),
    'FakeQuantWithMinMaxVarsPerChannel': (
        'fake_quant_with_min_max_vars_per_channel',
        'inputs:=float32 min:=float32 max:=float32',
        'outputs:=float32', (
        ('num_bits', 'int', None, None, 8),
        ('narrow_range', 'bool', None, None, False),)),
    'FakeQuantWithMinMaxVarsPerChannelGradient': (
        'fake_quant_with_min_max_vars_per_channel_gradient',
        'gradients:=float32 inputs:=float32 min:=float32 max:=float32',
        'backprops_wrt_input:=float32 backprop_wrt_min:=float32 backprop_wrt_max:=float32', (
        ('num_bits', 'int', None, None, 8),
        ('narrow_range', 'bool', None, None, False),)),
    'Fill': ('fill', 'dims:index_type value:T', 'output:T', (
        ('T', 'type', None, None),
        ('index_type', 'type', 6, None, 'int32'),)),
    'Fingerprint': ('fingerprint', 'data:T method:=string', 'fingerprint:=uint8', (
        ('T', 'type', None, None),)),
    'Floor': ('floor', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'FloorDiv': ('floor_div', 'x:T y:T', 'z:T', (('T', 'type', 39, None),)),
    'FloorMod': ('floor_mod', 'x:T y:T', 'z:T', (('T', 'type', 40, None),)),
    'FractionalAvgPool': (
        'fractional_avg_pool',
        'value:T',
        'output:T row_pooling_sequence:=int64 col_pooling_sequence:=int64', (
        ('pooling_ratio', 'list(float)', None, 4),
        ('pseudo_random', 'bool', None, None, False),
        ('overlapping', 'bool', None, None, False),
        ('deterministic', 'bool', None, None, False),
        ('seed', 'int', None, None, 0),
        ('seed2', 'int', None, None, 0),
        ('T', 'type', 41, None),)),
    'FractionalAvgPoolGrad': (
        'fractional_avg_pool_grad',
        'orig_input_tensor_shape:=int64 out_backprop:T row_pooling_sequence:=int64 col_pooling_sequence:=int64',
        'output:T', (
        ('overlapping', 'bool', None, None, False),
        ('T', 'type', 41, None),)),
    'FractionalMaxPool': (
        'fractional_max_pool',
        'value:T',
        'output:T row_pooling_sequence:=int64 col_pooling_sequence:=int64', (
        ('pooling_ratio', 'list(float)', None, 4),
        ('pseudo_random', 'bool', None, None, False),
        ('overlapping', 'bool', None, None, False),
        ('deterministic', 'bool', None, None, False),
        ('seed', 'int', None, None, 0),
        ('seed2', 'int', None, None, 0),
        ('T', 'type', 41, None),)),
    'FractionalMaxPoolGrad': (
        'fractional_max_pool_grad',
        'orig_input:T orig_output:T out_backprop:T row_pooling_sequence:=int64 col_pooling_sequence:=int64',
        'output:T', (
        ('overlapping', 'bool', None, None, False),
        ('T', 'type', 41, None),)),
    'FresnelCos': ('fresnel_cos', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'FresnelSin': ('fresnel_sin', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'FusedBatchNorm': (
        '_fused_batch_norm',
        'x:T scale:T offset:T mean:T variance:T',
        'y:T batch_mean:T batch_variance:T reserve_space_1:T reserve_space_2:T', (
        ('T', 'type', 42, None),
        ('epsilon', 'float', None, None, 0.0001),
        ('exponential_avg_factor', 'float', None, None, 1.0),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('is_training', 'bool', None, None, True),)),
    'FusedBatchNormGrad': (
        'fused_batch_norm_grad',
        'y_backprop:T x:T scale:T reserve_space_1:T reserve_space_2:T',
        'x_backprop:T scale_backprop:T offset_backprop:T reserve_space_3:T reserve_space_4:T', (
        ('T', 'type', 42, None),
        ('epsilon', 'float', None, None, 0.0001),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('is_training', 'bool', None, None, True),)),
    'FusedBatchNormGradV2': (
        'fused_batch_norm_grad_v2',
        'y_backprop:T x:T scale:=float32 reserve_space_1:U reserve_space_2:U',
        'x_backprop:T scale_backprop:U offset_backprop:U reserve_space_3:U reserve_space_4:U', (
        ('T', 'type', 43, None),
        ('U', 'type', 42, None),
        ('epsilon', 'float', None, None, 0.0001),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('is_training', 'bool', None, None, True),)),
    'FusedBatchNormGradV3': (
        'fused_batch_norm_grad_v3',
        'y_backprop:T x:T scale:=float32 reserve_space_1:U reserve_space_2:U reserve_space_3:U',
        'x_backprop:T scale_backprop:U offset_backprop:U reserve_space_4:U reserve_space_5:U', (
        ('T', 'type', 43, None),
        ('U', 'type', 42, None),
        ('epsilon', 'float', None, None, 0.0001),
        ('data_format', 'string', ('NHWC', 'NCHW', 'NDHWC', 'NCDHW'), None, 'NHWC'),
        ('is_training', 'bool', None, None, True),)),
    'FusedBatchNormV2': (
        'fused_batch_norm_v2',
        'x:T scale:U offset:U mean:U variance:U',
        'y:T batch_mean:U batch_variance:U reserve_space_1:U reserve_space_2:U', (
        ('T', 'type', 43, None),
        ('U', 'type', 42, None),
        ('epsilon', 'float', None, None, 0.0001),
        ('exponential_avg_factor', 'float', None, None, 1.0),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('is_training', 'bool', None, None, True),)),
    'FusedBatchNormV3': (
        'fused_batch_norm_v3',
        'x:T scale:U offset:U mean:U variance:U',
        'y:T batch_mean:U batch_variance:U reserve_space_1:U reserve_space_2:U reserve_space_3:U', (
        ('T', 'type', 43, None),
        ('U', 'type', 34, None),
        ('epsilon', 'float', None, None, 0.0001),
        ('exponential_avg_factor', 'float', None, None, 1.0),
        ('data_format', 'string', ('NHWC', 'NCHW', 'NDHWC', 'NCDHW'), None, 'NHWC'),
        ('is_training', 'bool', None, None, True),)),
    'Gather': ('gather', 'params:Tparams indices:Tindices', 'output:Tparams', (
        ('validate_indices', 'bool', None, None, True),
        ('Tparams', 'type', None, None),
        ('Tindices', 'type', 6, None),)),
    'GatherNd': ('gather_nd', 'params:Tparams indices:Tindices', 'output:Tparams', (
        ('Tparams', 'type', None, None),
        ('Tindices', 'type', 11, None),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'GatherV2': ('gather_v2', 'params:Tparams indices:Tindices axis:Taxis', 'output:Tparams', (
        ('batch_dims', 'int', None, None, 0),
        ('Tparams', 'type', None, None),
        ('Tindices', 'type', 11, None),
        ('Taxis', 'type', 6, None),)),
    'Greater': ('greater', 'x:T y:T', 'z:=bool', (('T', 'type', 35, None),)),
    'GreaterEqual': ('greater_equal', 'x:T y:T', 'z:=bool', (('T', 'type', 35, None),)),
    'GuaranteeConst': ('guarantee_const', 'input:T', 'output:T', (('T', 'type', None, None),)),
    'HSVToRGB': ('hsv_to_rgb', 'images:T', 'output:T', (('T', 'type', 15, None, 'float32'),)),
    'HashTableV2': ('hash_table_v2', '', 'table_handle:=resource', (
        ('container', 'string', None, None, ''),
        ('shared_name', 'string', None, None, ''),
        ('use_node_name_sharing', 'bool', None, None, False),
        ('key_dtype', 'type', None, None),
        ('value_dtype', 'type', None, None),)),
    'HistogramFixedWidth': (
        '_histogram_fixed_width', 'values:T value_range:T nbins:=int32', 'out:dtype', (
        ('T', 'type', 20, None),
        ('dtype', 'type', 6, None, 'int32'),)),
    'HistogramSummary': ('histogram_summary', 'tag:=string values:T', 'summary:=string', (
        ('T', 'type', 35, None, 'float32'),)),
    'IFFT': ('ifft', 'input:Tcomplex', 'output:Tcomplex', (
        ('Tcomplex', 'type', 7, None, 'complex64'),)),
    'IFFT2D': ('ifft2d', 'input:Tcomplex', 'output:Tcomplex', (
        ('Tcomplex', 'type', 7, None, 'complex64'),)),
    'IFFT3D': ('ifft3d', 'input:Tcomplex', 'output:Tcomplex', (
        ('Tcomplex', 'type', 7, None, 'complex64'),)),
    'IRFFT': ('irfft', 'input:Tcomplex fft_length:=int32', 'output:Treal', (
        ('Treal', 'type', 8, None, 'float32'),
        ('Tcomplex', 'type', 7, None, 'complex64'),)),
    'IRFFT2D': ('irfft2d', 'input:Tcomplex fft_length:=int32', 'output:Treal', (
        ('Treal', 'type', 8, None, 'float32'),
        ('Tcomplex', 'type', 7, None, 'complex64'),)),
    'IRFFT3D': ('irfft3d', 'input:Tcomplex fft_length:=int32', 'output:Treal', (
        ('Treal', 'type', 8, None, 'float32'),
        ('Tcomplex', 'type', 7, None, 'complex64'),)),
    'Identity': ('identity', 'input:T', 'output:T', (('T', 'type', None, None),)),
    'IdentityN': ('identity_n', 'input:[T]', 'output:[T]', (('T', 'list(type)', None, 1),)),
    'If': ('_if', 'cond:Tcond input:[Tin]', 'output:[Tout]', (
        ('Tcond', 'type', None, None),
        ('Tin', 'list(type)', None, 0),
        ('Tout', 'list(type)', None, 0),
        ('then_branch', 'func', None, None),
        ('else_branch', 'func', None, None),
        ('output_shapes', 'list(shape)', None, None, []),)),
    'Igamma': ('igamma', 'a:T x:T', 'z:T', (('T', 'type', 14, None),)),
    'IgammaGradA': ('igamma_grad_a', 'a:T x:T', 'z:T', (('T', 'type', 8, None),)),
    'Igammac': ('igammac', 'a:T x:T', 'z:T', (('T', 'type', 14, None),)),
    'Imag': ('imag', 'input:T', 'output:Tout', (
        ('T', 'type', 7, None, 'complex64'),
        ('Tout', 'type', 8, None, 'float32'),)),
    'ImageProjectiveTransformV2': (
        'image_projective_transform_v2',
        'images:dtype transforms:=float32 output_shape:=int32',
        'transformed_images:dtype', (
        ('dtype', 'type', 44, None),
        ('interpolation', 'string', None, None),
        ('fill_mode', 'string', None, None, 'CONSTANT'),)),
    'ImageSummary': ('image_summary', 'tag:=string tensor:T', 'summary:=string', (
        ('max_images', 'int', None, 1, 3),
        ('T', 'type', 45, None, 'float32'),
        ('bad_color', 'tensor', None, None, [[255, 0, 0, 255], 'uint8']),)),
    'InTopKV2': ('in_top_kv2', 'predictions:=float32 targets:T k:T', 'precision:=bool', (
        ('T', 'type', 6, None, 'int32'),)),
    'InitializeTableFromTextFileV2': (
        'initialize_table_from_text_file_v2', 'table_handle:=resource filename:=string', '', (
        ('key_index', 'int', None, -2),
        ('value_index', 'int', None, -2),
        ('vocab_size', 'int', None, -1, -1),
        ('delimiter', 'string', None, None, '\t'),
        ('offset', 'int', None, None, 0),)),
    'InitializeTableV2': (
        'initialize_table_v2', 'table_handle:=resource keys:Tkey values:Tval', '', (
        ('Tkey', 'type', None, None),
        ('Tval', 'type', None, None),)),
    'Invert': ('invert', 'x:T', 'y:T', (('T', 'type', 22, None),)),
    'InvertPermutation': ('invert_permutation', 'x:T', 'y:T', (
        ('T', 'type', 6, None, 'int32'),)),
    'IsFinite': ('is_finite', 'x:T', 'y:=bool', (('T', 'type', 14, None),)),
    'IsInf': ('is_inf', 'x:T', 'y:=bool', (('T', 'type', 14, None),)),
    'IsNan': ('is_nan', 'x:T', 'y:=bool', (('T', 'type', 14, None),)),
    'IsVariableInitialized': ('is_variable_initialized', 'ref:&dtype', 'is_initialized:=bool', (
        ('dtype', 'type', None, None),)),
    'L2Loss': ('l2_loss', 't:T', 'output:T', (('T', 'type', 15, None),)),
    'LRN': ('lrn', 'input:T', 'output:T', (
        ('depth_radius', 'int', None, None, 5),
        ('bias', 'float', None, None, 1.0),
        ('alpha', 'float', None, None, 1.0),
        ('beta', 'float', None, None, 0.5),
        ('T', 'type', 43, None, 'float32'),)),
    'LRNGrad': ('lrn_grad', 'input_grads:T input_image:T output_image:T', 'output:T', (
        ('depth_radius', 'int', None, None, 5),
        ('bias', 'float', None, None, 1.0),
        ('alpha', 'float', None, None, 1.0),
        ('beta', 'float', None, None, 0.5),
        ('T', 'type', 43, None, 'float32'),)),
    'LeakyRelu': ('leaky_relu', 'features:T', 'activations:T', (
        ('alpha', 'float', None, None, 0.2),
        ('T', 'type', 15, None, 'float32'),)),
    'LeakyReluGrad': ('leaky_relu_grad', 'gradients:T features:T', 'backprops:T', (
        ('alpha', 'float', None, None, 0.2),
        ('T', 'type', 15, None, 'float32'),)),
    'LeftShift': ('left_shift', 'x:T y:T', 'z:T', (('T', 'type', 22, None),)),
    'Less': ('less', 'x:T y:T', 'z:=bool', (('T', 'type', 35, None),)),
    'LessEqual': ('less_equal', 'x:T y:T', 'z:=bool', (('T', 'type', 35, None),)),
    'Lgamma': ('lgamma', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'LinSpace': ('lin_space', 'start:T stop:T num:Tidx', 'output:T', (
        ('T', 'type', 14, None),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'ListDiff': ('list_diff', 'x:T y:T', 'out:T idx:out_idx', (
        ('T', 'type', None, None),
        ('out_idx', 'type', 6, None, 'int32'),)),
    'Log': ('log', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'Log1p': ('log1p', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'LogMatrixDeterminant': (
        'log_matrix_determinant', 'input:T', 'sign:T log_abs_determinant:T', (
        ('T', 'type', 46, None),)),
    'LogSoftmax': ('log_softmax', 'logits:T', 'logsoftmax:T', (('T', 'type', 15, None),)),
    'LogicalAnd': ('logical_and', 'x:=bool y:=bool', 'z:=bool', ()),
    'LogicalNot': ('logical_not', 'x:=bool', 'y:=bool', ()),
    'LogicalOr': ('logical_or', 'x:=bool y:=bool', 'z:=bool', ()),
    'LookupTableExportV2': (
        'lookup_table_export_v2', 'table_handle:=resource', 'keys:Tkeys values:Tvalues', (
        ('Tkeys', 'type', None, None),
        ('Tvalues', 'type', None, None),)),
    'LookupTableFindV2': (
        'lookup_table_find_v2',
        'table_handle:=resource keys:Tin default_value:Tout',
        'values:Tout', (
        ('Tin', 'type', None, None),
        ('Tout', 'type', None, None),)),
    'LookupTableImportV2': (
        'lookup_table_import_v2', 'table_handle:=resource keys:Tin values:Tout', '', (
        ('Tin', 'type', None, None),
        ('Tout', 'type', None, None),)),
    'LookupTableInsertV2': (
        'lookup_table_insert_v2', 'table_handle:=resource keys:Tin values:Tout', '', (
        ('Tin', 'type', None, None),
        ('Tout', 'type', None, None),)),
    'LookupTableRemoveV2': ('lookup_table_remove_v2', 'table_handle:=resource keys:Tin', '', (
        ('Tin', 'type', None, None),)),
    'LookupTableSizeV2': ('lookup_table_size_v2', 'table_handle:=resource', 'size:=int64', ()),
    'LowerBound': ('lower_bound', 'sorted_inputs:T values:T', 'output:out_type', (
        ('T', 'type', None, None),
        ('out_type', 'type', 6, None, 'int32'),)),
    'Lu': ('lu', 'input:T', 'lu:T p:output_idx_type', (
        ('T', 'type', 23, None),
        ('output_idx_type', 'type', 6, None, 'int32'),)),
    'MatMul': ('mat_mul', 'a:T b:T', 'product:T', (
        ('transpose_a', 'bool', None, None, False),
        ('transpose_b', 'bool', None, None, False),
        ('T', 'type', 47, None),
        ('grad_a', 'bool', None, None, False),
        ('grad_b', 'bool', None, None, False),)),
    'MatchingFiles': ('matching_files', 'pattern:=string', 'filenames:=string', ()),
    'MatrixBandPart': (
        'matrix_band_part', 'input:T num_lower:Tindex num_upper:Tindex', 'band:T', (
        ('T', 'type', None, None),
        ('Tindex', 'type', 6, None, 'int64'),)),
    'MatrixDeterminant': ('matrix_determinant', 'input:T', 'output:T', (
        ('T', 'type', 46, None),)),
    'MatrixDiag': ('matrix_diag', 'diagonal:T', 'output:T', (('T', 'type', None, None),)),
    'MatrixDiagPart': ('matrix_diag_part', 'input:T', 'diagonal:T', (
        ('T', 'type', None, None),)),
    'MatrixDiagPartV2': (
        'matrix_diag_part_v2', 'input:T k:=int32 padding_value:T', 'diagonal:T', (
        ('T', 'type', None, None),)),
    'MatrixDiagPartV3': (
        'matrix_diag_part_v3', 'input:T k:=int32 padding_value:T', 'diagonal:T', (
        ('T', 'type', None, None),
        ('align', 'string', ('LEFT_RIGHT', 'RIGHT_LEFT', 'LEFT_LEFT', 'RIGHT_RIGHT'), None, 'RIGHT_LEFT'),)),
    'MatrixDiagV2': (
        'matrix_diag_v2',
        'diagonal:T k:=int32 num_rows:=int32 num_cols:=int32 padding_value:T',
        'output:T', (
        ('T', 'type', None, None),)),
    'MatrixDiagV3': (
        'matrix_diag_v3',
        'diagonal:T k:=int32 num_rows:=int32 num_cols:=int32 padding_value:T',
        'output:T', (
        ('T', 'type', None, None),
        ('align', 'string', ('LEFT_RIGHT', 'RIGHT_LEFT', 'LEFT_LEFT', 'RIGHT_RIGHT'), None, 'RIGHT_LEFT'),)),
    'MatrixExponential': ('matrix_exponential', 'input:T', 'output:T', (
        ('T', 'type', 23, None),)),
    'MatrixInverse': ('matrix_inverse', 'input:T', 'output:T', (
        ('adjoint', 'bool', None, None, False),
        ('T', 'type', 23, None),)),
    'MatrixLogarithm': ('matrix_logarithm', 'input:T', 'output:T', (('T', 'type', 7, None),)),
    'MatrixSetDiag': ('matrix_set_diag', 'input:T diagonal:T', 'output:T', (
        ('T', 'type', None, None),)),
    'MatrixSetDiagV2': ('matrix_set_diag_v2', 'input:T diagonal:T k:=int32', 'output:T', (
        ('T', 'type', None, None),)),
    'MatrixSetDiagV3': ('matrix_set_diag_v3', 'input:T diagonal:T k:=int32', 'output:T', (
        ('T', 'type', None, None),
        ('align', 'string', ('LEFT_RIGHT', 'RIGHT_LEFT', 'LEFT_LEFT', 'RIGHT_RIGHT'), None, 'RIGHT_LEFT'),)),
    'MatrixSolve': ('matrix_solve', 'matrix:T rhs:T', 'output:T', (
        ('adjoint', 'bool', None, None, False),
        ('T', 'type', 23, None),)),
    'MatrixSquareRoot': ('matrix_square_root', 'input:T', 'output:T', (
        ('T', 'type', 23, None),)),
    'MatrixTriangularSolve': ('matrix_triangular_solve', 'matrix:T rhs:T', 'output:T', (
        ('lower', 'bool', None, None, True),
        ('adjoint', 'bool', None, None, False),
        ('T', 'type', 48, None),)),
    'Max': ('_max', 'input:T axis=reduction_indices:Tidx', 'output:T', (
        ('keep_dims', 'bool', None, None, False),
        ('T', 'type', 49, None),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'MaxPool': ('max_pool', 'input:T', 'output:T', (
        ('T', 'type', 50, None, 'float32'),
        ('ksize', 'list(int)', None, 4),
        ('strides', 'list(int)', None, 4),
        ('padding', 'string', ('SAME', 'VALID', 'EXPLICIT'), None),
        ('explicit_paddings', 'list(int)', None, None, []),
        ('data_format', 'string', ('NHWC', 'NCHW', 'NCHW_VECT_C'), None, 'NHWC'),)),
    'MaxPool3D': ('max_pool3d', 'input:T', 'output:T', (
        ('ksize', 'list(int)', None, 5),
        ('strides', 'list(int)', None, 5),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('data_format', 'string', ('NDHWC', 'NCDHW'), None, 'NDHWC'),
        ('T', 'type', 43, None),)),
    'MaxPool3DGrad': (
        'max_pool3d_grad', 'orig_input:TInput orig_output:TInput grad:T', 'output:T', (
        ('ksize', 'list(int)', None, 5),
        ('strides', 'list(int)', None, 5),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('data_format', 'string', ('NDHWC', 'NCDHW'), None, 'NDHWC'),
        ('T', 'type', 43, None, 'float32'),
        ('TInput', 'type', 43, None, 'float32'),)),
    'MaxPool3DGradGrad': (
        'max_pool3d_grad_grad', 'orig_input:T orig_output:T grad:T', 'output:T', (
        ('ksize', 'list(int)', None, 5),
        ('strides', 'list(int)', None, 5),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('data_format', 'string', ('NDHWC', 'NCDHW'), None, 'NDHWC'),
        ('T', 'type', 35, None),)),
    'MaxPoolGrad': ('max_pool_grad', 'orig_input:T orig_output:T grad:T', 'output:T', (
        ('ksize', 'list(int)', None, 4),
        ('strides', 'list(int)', None, 4),
        ('padding', 'string', ('SAME', 'VALID', 'EXPLICIT'), None),
        ('explicit_paddings', 'list(int)', None, None, []),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('T', 'type', 35, None, 'float32'),)),
    'MaxPoolGradGrad': ('max_pool_grad_grad', 'orig_input:T orig_output:T grad:T', 'output:T', (
        ('ksize', 'list(int)', None, 4),
        ('strides', 'list(int)', None, 4),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('data_format', 'string', ('NHWC', 'NCHW'), None, 'NHWC'),
        ('T', 'type', 35, None),)),
    'MaxPoolV2': ('max_pool_v2', 'input:T ksize:=int32 strides:=int32', 'output:T', (
        ('T', 'type', 50, None, 'float32'),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('data_format', 'string', ('NHWC', 'NCHW', 'NCHW_VECT_C'), None, 'NHWC'),)),
    'MaxPoolWithArgmax': ('max_pool_with_argmax', 'input:T', 'output:T argmax:Targmax', (
        ('ksize', 'list(int)', None, 4),
        ('strides', 'list(int)', None, 4),
        ('Targmax', 'type', 6, None, 'int64'),
        ('padding', 'string', ('SAME', 'VALID'), None),
        ('include_batch_in_index', 'bool', None, None, False),
        ('T', 'type', 35, None),)),
    'Maximum': ('maximum', 'x:T y:T', 'z:T', (('T', 'type', 51, None),)),
    'Mean': ('mean', 'input:T axis=reduction_indices:Tidx', 'output:T', (
        ('keep_dims', 'bool', None, None, False),
        ('T', 'type', 9, None),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'MergeSummary': ('merge_summary', 'inputs:N*=string', 'summary:=string', (
        ('N', 'int', None, 1),)),
    'MergeV2Checkpoints': (
        'merge_v2_checkpoints', 'checkpoint_prefixes:=string destination_prefix:=string', '', (
        ('delete_old_dirs', 'bool', None, None, True),
        ('allow_missing_files', 'bool', None, None, False),)),
    'Min': ('_min', 'input:T axis=reduction_indices:Tidx', 'output:T', (
        ('keep_dims', 'bool', None, None, False),
        ('T', 'type', 49, None),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'Minimum': ('minimum', 'x:T y:T', 'z:T', (('T', 'type', 51, None),)),
    'MirrorPad': ('mirror_pad', 'input:T paddings:Tpaddings', 'output:T', (
        ('T', 'type', None, None),
        ('Tpaddings', 'type', 6, None, 'int32'),
        ('mode', 'string', ('REFLECT', 'SYMMETRIC'), None),)),
    'MirrorPadGrad': ('mirror_pad_grad', 'input:T paddings:Tpaddings', 'output:T', (
        ('T', 'type', None, None),
        ('Tpaddings', 'type', 6, None, 'int32'),
        ('mode', 'string', ('REFLECT', 'SYMMETRIC'), None),)),
    'Mul': ('mul', 'x:T y:T', 'z:T', (('T', 'type', 39, None),)),
    'MulNoNan': ('mul_no_nan', 'x:T y:T', 'z:T', (('T', 'type', 1, None),)),
    'MutableHashTableOfTensorsV2': (
        'mutable_hash_table_of_tensors_v2', '', 'table_handle:=resource', (
        ('container', 'string', None, None, ''),
        ('shared_name', 'string', None, None, ''),
        ('use_node_name_sharing', 'bool', None, None, False),
        ('key_dtype', 'type', None, None),
        ('value_dtype', 'type', None, None),
        ('value_shape', 'shape', None, None, []),)),
    'MutableHashTableV2': ('mutable_hash_table_v2', '', 'table_handle:=resource', (
        ('container', 'string', None, None, ''),
        ('shared_name', 'string', None, None, ''),
        ('use_node_name_sharing', 'bool', None, None, False),
        ('key_dtype', 'type', None, None),
        ('value_dtype', 'type', None, None),)),
    'Ndtri': ('ndtri', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'Neg': ('neg', 'x:T', 'y:T', (('T', 'type', 52, None),)),
    'NextAfter': ('next_after', 'x1:T x2:T', 'output:T', (('T', 'type', 53, None, 'float32'),)),
    'NoOp': ('no_op', '', '', ()),
    'NonMaxSuppression': (
        'non_max_suppression',
        'boxes:=float32 scores:=float32 max_output_size:=int32',
        'selected_indices:=int32', (
        ('iou_threshold', 'float', None, None, 0.5),)),
    'NonMaxSuppressionV2': (
        'non_max_suppression_v2',
        'boxes:T scores:T max_output_size:=int32 iou_threshold:T_threshold',
        'selected_indices:=int32', (
        ('T', 'type', 5, None, 'float32'),
        ('T_threshold', 'type', 5, None, 'float32'),)),
    'NonMaxSuppressionV3': (
        'non_max_suppression_v3',
        'boxes:T scores:T max_output_size:=int32 iou_threshold:T_threshold score_threshold:T_threshold',
        'selected_indices:=int32', (
        ('T', 'type', 5, None, 'float32'),
        ('T_threshold', 'type', 5, None, 'float32'),)),
    'NonMaxSuppressionV4': (
        'non_max_suppression_v4',
        'boxes:T scores:T max_output_size:=int32 iou_threshold:T_threshold score_threshold:T_threshold',
        'selected_indices:=int32 valid_outputs:=int32', (
        ('T', 'type', 5, None, 'float32'),
        ('T_threshold', 'type', 5, None, 'float32'),
        ('pad_to_max_output_size', 'bool', None, None, False),)),
    'NonMaxSuppressionV5': (
        'non_max_suppression_v5',
        'boxes:T scores:T max_output_size:=int32 iou_threshold:T score_threshold:T soft_nms_sigma:T',
        'selected_indices:=int32 selected_scores:T valid_outputs:=int32', (
        ('T', 'type', 5, None, 'float32'),
        ('pad_to_max_output_size', 'bool', None, None, False),)),
    'NonMaxSuppressionWithOverlaps': (
        'non_max_suppression_with_overlaps',
        'overlaps:=float32 scores:=float32 max_output_size:=int32 overlap_threshold:=float32 score_threshold:=float32',
        'selected_indices:=int32', ()),
    'NotEqual': ('not_equal', 'x:T y:T', 'z:=bool', (
        ('T', 'type', None, None),
        ('incompatible_shape_error', 'bool', None, None, True),)),
    'OneHot': ('one_hot', 'indices:TI depth:=int32 on_value:T off_value:T', 'output:T', (
        ('axis', 'int', None, None, -1),
        ('T', 'type', None, None),
        ('TI', 'type', 54, None, 'int64'),)),
    'OnesLike': ('ones_like', 'x:T', 'y:T', (('T', 'type', 55, None),)),
    'OptionalFromValue': (
        'optional_from_value', 'components:[Toutput_types]', 'optional:=variant', (
        ('Toutput_types', 'list(type)', None, 1),)),
    'OptionalGetValue': (
        'optional_get_value', 'optional:=variant', 'components:[output_types]', (
        ('output_types', 'list(type)', None, 1),
        ('output_shapes', 'list(shape)', None, 1),)),
    'OptionalHasValue': ('optional_has_value', 'optional:=variant', 'has_value:=bool', ()),
    'OptionalNone': ('optional_none', '', 'optional:=variant', ()),
    'Pack': ('pack', 'values:N*T', 'output:T', (
        ('N', 'int', None, 1),
        ('T', 'type', None, None),
        ('axis', 'int', None, None, 0),)),
    'Pad': ('pad', 'input:T paddings:Tpaddings', 'output:T', (
        ('T', 'type', None, None),
        ('Tpaddings', 'type', 6, None, 'int32'),)),
    'PadV2': ('pad_v2', 'input:T paddings:Tpaddings constant_values:T', 'output:T', (
        ('T', 'type', None, None),
        ('Tpaddings', 'type', 6, None, 'int32'),)),
    'PaddingFIFOQueueV2': ('padding_fifo_queue_v2', '', 'handle:=resource', (
        ('component_types', 'list(type)', None, 1),
        ('shapes', 'list(shape)', None, 0, []),
        ('capacity', 'int', None, None, -1),
        ('container', 'string', None, None, ''),
        ('shared_name', 'string', None, None, ''),)),
    'ParallelDynamicStitch': (
        'parallel_dynamic_stitch', 'indices:N*=int32 data:N*T', 'merged:T', (
        ('N', 'int', None, 1),
        ('T', 'type', None, None),)),
    'ParseExample': (
        'parse_example',
        'serialized:=string names:=string sparse_keys:Nsparse*=string dense_keys:Ndense*=string dense_defaults:[Tdense]',
        'sparse_indices:Nsparse*=int64 sparse_values:[sparse_types] sparse_shapes:Nsparse*=int64 dense_values:[Tdense]', (
        ('Nsparse', 'int', None, 0),
        ('Ndense', 'int', None, 0),
        ('sparse_types', 'list(type)', 56, 0),
        ('Tdense', 'list(type)', 56, 0),
        ('dense_shapes', 'list(shape)', None, 0),)),
    'ParseExampleV2': (
        'parse_example_v2',
        'serialized:=string names:=string sparse_keys:=string dense_keys:=string ragged_keys:=string dense_defaults:[Tdense]',
        'sparse_indices:num_sparse*=int64 sparse_values:[sparse_types] sparse_shapes:num_sparse*=int64 dense_values:[Tdense] ragged_values:[ragged_value_types] ragged_row_splits:[ragged_split_types]', (
        ('Tdense', 'list(type)', 56, 0),
        ('num_sparse', 'int', None, 0),
        ('sparse_types', 'list(type)', 56, 0),
        ('ragged_value_types', 'list(type)', 56, 0),
        ('ragged_split_types', 'list(type)', 6, 0),
        ('dense_shapes', 'list(shape)', None, 0),)),
    'ParseSequenceExample': (
        'parse_sequence_example',
        'serialized:=string debug_name:=string context_dense_defaults:[Tcontext_dense]',
        'context_sparse_indices:Ncontext_sparse*=int64 context_sparse_values:[context_sparse_types] context_sparse_shapes:Ncontext_sparse*=int64 context_dense_values:[Tcontext_dense] feature_list_sparse_indices:Nfeature_list_sparse*=int64 feature_list_sparse_values:[feature_list_sparse_types] feature_list_sparse_shapes:Nfeature_list_sparse*=int64 feature_list_dense_values:[feature_list_dense_types] feature_list_dense_lengths:Nfeature_list_dense*=int64', (
        ('feature_list_dense_missing_assumed_empty', 'list(string)', None, 0),
        ('context_sparse_keys', 'list(string)', None, 0),
        ('context_dense_keys', 'list(string)', None, 0),
        ('feature_list_sparse_keys', 'list(string)', None, 0),
        ('feature_list_dense_keys', 'list(string)', None, 0),
        ('Ncontext_sparse', 'int', None, 0, 0),
        ('Ncontext_dense', 'int', None, 0, 0),
        ('Nfeature_list_sparse', 'int', None, 0, 0),
        ('Nfeature_list_dense', 'int', None, 0, 0),
        ('context_sparse_types', 'list(type)', 56, 0, []),
        ('Tcontext_dense', 'list(type)', 56, 0, []),
        ('feature_list_dense_types', 'list(type)', 56, 0, []),
        ('context_dense_shapes', 'list(shape)', None, 0, []),
        ('feature_list_sparse_types', 'list(type)', 56, 0, []),
        ('feature_list_dense_shapes', 'list(shape)', None, 0, []),)),
    'ParseSequenceExampleV2': (
        'parse_sequence_example_v2',
        'serialized:=string debug_name:=string context_sparse_keys:=string context_dense_keys:=string context_ragged_keys:=string feature_list_sparse_keys:=string feature_list_dense_keys:=string feature_list_ragged_keys:=string feature_list_dense_missing_assumed_empty:=bool context_dense_defaults:[Tcontext_dense]',
        'context_sparse_indices:Ncontext_sparse*=int64 context_sparse_values:[context_sparse_types] context_sparse_shapes:Ncontext_sparse*=int64 context_dense_values:[Tcontext_dense] context_ragged_values:[context_ragged_value_types] context_ragged_row_splits:[context_ragged_split_types] feature_list_sparse_indices:Nfeature_list_sparse*=int64 feature_list_sparse_values:[feature_list_sparse_types] feature_list_sparse_shapes:Nfeature_list_sparse*=int64 feature_list_dense_values:[feature_list_dense_types] feature_list_dense_lengths:Nfeature_list_dense*=int64 feature_list_ragged_values:[feature_list_ragged_value_types] feature_list_ragged_outer_splits:[feature_list_ragged_split_types] feature_list_ragged_inner_splits:[feature_list_ragged_split_types]', (
        ('Ncontext_sparse', 'int', None, 0, 0),
        ('Tcontext_dense', 'list(type)', 56, 0, []),
        ('context_sparse_types', 'list(type)', 56, 0, []),
        ('context_ragged_value_types', 'list(type)', 56, 0, []),
        ('context_ragged_split_types', 'list(type)', 6, 0, []),
        ('context_dense_shapes', 'list(shape)', None, 0, []),
        ('Nfeature_list_sparse', 'int', None, 0, 0),
        ('Nfeature_list_dense', 'int', None, 0, 0),
        ('feature_list_dense_types', 'list(type)', 56, 0, []),
        ('feature_list_sparse_types', 'list(type)', 56, 0, []),
        ('feature_list_ragged_value_types', 'list(type)', 56, 0, []),
        ('feature_list_ragged_split_types', 'list(type)', 6, 0, []),
        ('feature_list_dense_shapes', 'list(shape)', None, 0, []),)),
    'ParseSingleExample': (
        'parse_single_example',
        'serialized:=string dense_defaults:[Tdense]',
        'sparse_indices:num_sparse*=int64 sparse_values:[sparse_types] sparse_shapes:num_sparse*=int64 dense_values:[Tdense]', (
        ('num_sparse', 'int', None, 0),
        ('sparse_keys', 'list(string)', None, 0),
        ('dense_keys', 'list(string)', None, 0),
        ('sparse_types', 'list(type)', 56, 0),
        ('Tdense', 'list(type)', 56, 0),
        ('dense_shapes', 'list(shape)', None, 0),)),
    'ParseSingleSequenceExample': (
        'parse_single_sequence_example',
        'serialized:=string feature_list_dense_missing_assumed_empty:=string context_sparse_keys:Ncontext_sparse*=string context_dense_keys:Ncontext_dense*=string feature_list_sparse_keys:Nfeature_list_sparse*=string feature_list_dense_keys:Nfeature_list_dense*=string context_dense_defaults:[Tcontext_dense] debug_name:=string',
        'context_sparse_indices:Ncontext_sparse*=int64 context_sparse_values:[context_sparse_types] context_sparse_shapes:Ncontext_sparse*=int64 context_dense_values:[Tcontext_dense] feature_list_sparse_indices:Nfeature_list_sparse*=int64 feature_list_sparse_values:[feature_list_sparse_types] feature_list_sparse_shapes:Nfeature_list_sparse*=int64 feature_list_dense_values:[feature_list_dense_types]', (
        ('Ncontext_sparse', 'int', None, 0, 0),
        ('Ncontext_dense', 'int', None, 0, 0),
        ('Nfeature_list_sparse', 'int', None, 0, 0),
        ('Nfeature_list_dense', 'int', None, 0, 0),
        ('context_sparse_types', 'list(type)', 56, 0, []),
        ('Tcontext_dense', 'list(type)', 56, 0, []),
        ('feature_list_dense_types', 'list(type)', 56, 0, []),
        ('context_dense_shapes', 'list(shape)', None, 0, []),
        ('feature_list_sparse_types', 'list(type)', 56, 0, []),
        ('feature_list_dense_shapes', 'list(shape)', None, 0, []),)),
    'ParseTensor': ('parse_tensor', 'serialized:=string', 'output:out_type', (
        ('out_type', 'type', None, None),)),
    'PartitionedCall': ('partitioned_call', 'args:[Tin]', 'output:[Tout]', (
        ('Tin', 'list(type)', None, 0),
        ('Tout', 'list(type)', None, 0),
        ('f', 'func', None, None),
        ('config', 'string', None, None, ''),
        ('config_proto', 'string', None, None, ''),
        ('executor_type', 'string', None, None, ''),)),
    'Placeholder': ('placeholder', '', 'output:dtype', (
        ('dtype', 'type', None, None),
        ('shape', 'shape', None, None, None),)),
    'PlaceholderWithDefault': ('placeholder_with_default', 'input:dtype', 'output:dtype', (
        ('dtype', 'type', None, None),
        ('shape', 'shape', None, None),)),
    'Polygamma': ('polygamma', 'a:T x:T', 'z:T', (('T', 'type', 8, None),)),
    'Pow': ('_pow', 'x:T y:T', 'z:T', (('T', 'type', 57, None),)),
    'PreventGradient': ('prevent_gradient', 'input:T', 'output:T', (
        ('T', 'type', None, None),
        ('message', 'string', None, None, ''),)),
    'Print': ('_print', 'input:T data:[U]', 'output:T', (
        ('T', 'type', None, None),
        ('U', 'list(type)', None, 0),
        ('message', 'string', None, None, ''),
        ('first_n', 'int', None, None, -1),
        ('summarize', 'int', None, None, 3),)),
    'PrintV2': ('print_v2', 'input:=string', '', (
        ('output_stream', 'string', None, None, 'stderr'),
        ('end', 'string', None, None, '\n'),)),
    'PriorityQueueV2': ('priority_queue_v2', '', 'handle:=resource', (
        ('component_types', 'list(type)', None, 0, []),
        ('shapes', 'list(shape)', None, 0),
        ('capacity', 'int', None, None, -1),
        ('container', 'string', None, None, ''),
        ('shared_name', 'string', None, None, ''),)),
    'Prod': ('prod', 'input:T axis=reduction_indices:Tidx', 'output:T', (
        ('keep_dims', 'bool', None, None, False),
        ('T', 'type', 9, None),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'Qr': ('qr', 'input:T', 'q:T r:T', (
        ('full_matrices', 'bool', None, None, False),
        ('T', 'type', 23, None),)),
    'QuantizeAndDequantizeV2': (
        'quantize_and_dequantize_v2', 'input:T input_min:T input_max:T', 'output:T', (
        ('signed_input', 'bool', None, None, True),
        ('num_bits', 'int', None, None, 8),
        ('range_given', 'bool', None, None, False),
        ('T', 'type', 14, None),
        ('round_mode', 'string', ('HALF_TO_EVEN', 'HALF_UP'), None, 'HALF_TO_EVEN'),
        ('narrow_range', 'bool', None, None, False),
        ('axis', 'int', None, None, -1),)),
    'QuantizeAndDequantizeV4': (
        'quantize_and_dequantize_v4', 'input:T input_min:T input_max:T', 'output:T', (
        ('signed_input', 'bool', None, None, True),
        ('num_bits', 'int', None, None, 8),
        ('range_given', 'bool', None, None, False),
        ('T', 'type', 14, None),
        ('round_mode', 'string', ('HALF_TO_EVEN', 'HALF_UP'), None, 'HALF_TO_EVEN'),
        ('narrow_range', 'bool', None, None, False),
        ('axis', 'int', None, None, -1),)),
    'QuantizeAndDequantizeV4Grad': (
        'quantize_and_dequantize_v4_grad',
        'gradients:T input:T input_min:T input_max:T',
        'input_backprop:T input_min_backprop:T input_max_backprop:T', (
        ('T', 'type', 14, None),
        ('axis', 'int', None, None, -1),)),
    'QuantizeV2': (
        'quantize_v2',
        'input:=float32 min_range:=float32 max_range:=float32',
        'output:T output_min:=float32 output_max:=float32', (
        ('T', 'type', 33, None),
        ('mode', 'string', ('MIN_COMBINED', 'MIN_FIRST', 'SCALED'), None, 'MIN_COMBINED'),
        ('round_mode', 'string', ('HALF_AWAY_FROM_ZERO', 'HALF_TO_EVEN'), None, 'HALF_AWAY_FROM_ZERO'),
        ('narrow_range', 'bool', None, None, False),
        ('axis', 'int', None, None, -1),
        ('ensure_minimum_range', 'float', None, None, 0.01),)),
    'QueueCloseV2': ('queue_close_v2', 'handle:=resource', '', (
        ('cancel_pending_enqueues', 'bool', None, None, False),)),
    'QueueDequeueManyV2': (
        'queue_dequeue_many_v2', 'handle:=resource n:=int32', 'components:[component_types]', (
        ('component_types', 'list(type)', None, 1),
        ('timeout_ms', 'int', None, None, -1),)),
    'QueueDequeueUpToV2': (
        'queue_dequeue_up_to_v2', 'handle:=resource n:=int32', 'components:[component_types]', (
        ('component_types', 'list(type)', None, 1),
        ('timeout_ms', 'int', None, None, -1),)),
    'QueueDequeueV2': ('queue_dequeue_v2', 'handle:=resource', 'components:[component_types]', (
        ('component_types', 'list(type)', None, 1),
        ('timeout_ms', 'int', None, None, -1),)),
    'QueueEnqueueManyV2': (
        'queue_enqueue_many_v2', 'handle:=resource components:[Tcomponents]', '', (
        ('Tcomponents', 'list(type)', None, 1),
        ('timeout_ms', 'int', None, None, -1),)),
    'QueueEnqueueV2': ('queue_enqueue_v2', 'handle:=resource components:[Tcomponents]', '', (
        ('Tcomponents', 'list(type)', None, 1),
        ('timeout_ms', 'int', None, None, -1),)),
    'QueueIsClosedV2': ('queue_is_closed_v2', 'handle:=resource', 'is_closed:=bool', ()),
    'QueueSizeV2': ('queue_size_v2', 'handle:=resource', 'size:=int32', ()),
    'RFFT': ('rfft', 'input:Treal fft_length:=int32', 'output:Tcomplex', (
        ('Treal', 'type', 8, None, 'float32'),
        ('Tcomplex', 'type', 7, None, 'complex64'),)),
    'RFFT2D': ('rfft2d', 'input:Treal fft_length:=int32', 'output:Tcomplex', (
        ('Treal', 'type', 8, None, 'float32'),
        ('Tcomplex', 'type', 7, None, 'complex64'),)),
    'RFFT3D': ('rfft3d', 'input:Treal fft_length:=int32', 'output:Tcomplex', (
        ('Treal', 'type', 8, None, 'float32'),
        ('Tcomplex', 'type', 7, None, 'complex64'),)),
    'RGBToHSV': ('rgb_to_hsv', 'images:T', 'output:T', (('T', 'type', 15, None, 'float32'),)),
    'RaggedBincount': (
        'ragged_bincount', 'splits:=int64 values:Tidx size:Tidx weights:T', 'output:T', (
        ('Tidx', 'type', 6, None),
        ('T', 'type', 20, None),
        ('binary_output', 'bool', None, None, False),)),
    'RaggedTensorToTensor': (
        'ragged_tensor_to_tensor',
        'shape:Tshape values:T default_value:T row_partition_tensors:num_row_partition_tensors*Tindex',
        'result:T', (
        ('T', 'type', None, None),
        ('Tindex', 'type', 58, None),
        ('Tshape', 'type', 58, None),
        ('num_row_partition_tensors', 'int', None, 1),
        ('row_partition_types', 'list(string)', None, None),)),
    'RandomGammaGrad': ('random_gamma_grad', 'alpha:T sample:T', 'output:T', (
        ('T', 'type', 8, None),)),
    'RandomPoissonV2': ('random_poisson_v2', 'shape:S rate:R', 'output:dtype', (
        ('seed', 'int', None, None, 0),
        ('seed2', 'int', None, None, 0),
        ('S', 'type', 6, None),
        ('R', 'type', 59, None, 'float64'),
        ('dtype', 'type', 59, None, 'int64'),)),
    'RandomShuffleQueueV2': ('random_shuffle_queue_v2', '', 'handle:=resource', (
        ('component_types', 'list(type)', None, 1),
        ('shapes', 'list(shape)', None, 0, []),
        ('capacity', 'int', None, None, -1),
        ('min_after_dequeue', 'int', None, None, 0),
        ('seed', 'int', None, None, 0),
        ('seed2', 'int', None, None, 0),
        ('container', 'string', None, None, ''),
        ('shared_name', 'string', None, None, ''),)),
    'RandomStandardNormal': ('random_standard_normal', 'shape:T', 'output:dtype', (
        ('seed', 'int', None, None, 0),
        ('seed2', 'int', None, None, 0),
        ('dtype', 'type', 15, None),
        ('T', 'type', 6, None),)),
    'RandomUniform': ('random_uniform', 'shape:T', 'output:dtype', (
        ('seed', 'int', None, None, 0),
        ('seed2', 'int', None, None, 0),
        ('dtype', 'type', 15, None),
        ('T', 'type', 6, None),)),
    'Range': ('_range', 'start:Tidx limit:Tidx delta:Tidx', 'output:Tidx', (
        ('Tidx', 'type', 60, None, 'int32'),)),
    'Rank': ('rank', 'input:T', 'output:=int32', (('T', 'type', None, None),)),
    'ReadFile': ('read_file', 'filename:=string', 'contents:=string', ()),
    'ReadVariableOp': ('read_variable_op', 'resource:=resource', 'value:dtype', (
        ('dtype', 'type', None, None),)),
    'Real': ('real', 'input:T', 'output:Tout', (
        ('T', 'type', 7, None, 'complex64'),
        ('Tout', 'type', 8, None, 'float32'),)),
    'RealDiv': ('real_div', 'x:T y:T', 'z:T', (('T', 'type', 39, None),)),
    'Reciprocal': ('reciprocal', 'x:T', 'y:T', (('T', 'type', 52, None),)),
    'ReciprocalGrad': ('reciprocal_grad', 'y:T dy:T', 'z:T', (('T', 'type', 1, None),)),
    'ReduceJoin': ('reduce_join', 'inputs:=string reduction_indices:=int32', 'output:=string', (
        ('keep_dims', 'bool', None, None, False),
        ('separator', 'string', None, None, ''),)),
    'RegexFullMatch': ('regex_full_match', 'input:=string pattern:=string', 'output:=bool', ()),
    'RegexReplace': (
        'regex_replace', 'input:=string pattern:=string rewrite:=string', 'output:=string', (
        ('replace_global', 'bool', None, None, True),)),
    'Relu': ('relu', 'features:T', 'activations:T', (('T', 'type', 61, None),)),
    'Relu6': ('relu6', 'features:T', 'activations:T', (('T', 'type', 35, None),)),
    'Relu6Grad': ('relu6_grad', 'gradients:T features:T', 'backprops:T', (
        ('T', 'type', 35, None),)),
    'ReluGrad': ('relu_grad', 'gradients:T features:T', 'backprops:T', (
        ('T', 'type', 35, None),)),
    'Reshape': ('reshape', 'tensor:T shape:Tshape', 'output:T', (
        ('T', 'type', None, None),
        ('Tshape', 'type', 6, None, 'int32'),)),
    'ResizeArea': ('resize_area', 'images:T size:=int32', 'resized_images:=float32', (
        ('T', 'type', 62, None),
        ('align_corners', 'bool', None, None, False),)),
    'ResizeBicubic': ('resize_bicubic', 'images:T size:=int32', 'resized_images:=float32', (
        ('T', 'type', 62, None),
        ('align_corners', 'bool', None, None, False),
        ('half_pixel_centers', 'bool', None, None, False),)),
    'ResizeBicubicGrad': (
        'resize_bicubic_grad', 'grads:=float32 original_image:T', 'output:T', (
        ('T', 'type', 8, None),
        ('align_corners', 'bool', None, None, False),
        ('half_pixel_centers', 'bool', None, None, False),)),
    'ResizeBilinear': ('resize_bilinear', 'images:T size:=int32', 'resized_images:=float32', (
        ('T', 'type', 63, None),
        ('align_corners', 'bool', None, None, False),
        ('half_pixel_centers', 'bool', None, None, False),)),
    'ResizeBilinearGrad': (
        'resize_bilinear_grad', 'grads:=float32 original_image:T', 'output:T', (
        ('T', 'type', 64, None),
        ('align_corners', 'bool', None, None, False),
        ('half_pixel_centers', 'bool', None, None, False),)),
    'ResizeNearestNeighbor': (
        'resize_nearest_neighbor', 'images:T size:=int32', 'resized_images:T', (
        ('T', 'type', 62, None),
        ('align_corners', 'bool', None, None, False),
        ('half_pixel_centers', 'bool', None, None, False),)),
    'ResizeNearestNeighborGrad': (
        'resize_nearest_neighbor_grad', 'grads:T size:=int32', 'output:T', (
        ('T', 'type', 65, None),
        ('align_corners', 'bool', None, None, False),
        ('half_pixel_centers', 'bool', None, None, False),)),
    'ResourceApplyAdaMax': (
        'resource_apply_ada_max',
        'var:=resource m:=resource v:=resource beta1_power:T lr:T beta1:T beta2:T epsilon:T grad:T',
        '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceApplyAdadelta': (
        'resource_apply_adadelta',
        'var:=resource accum:=resource accum_update:=resource lr:T rho:T epsilon:T grad:T',
        '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceApplyAdagrad': (
        'resource_apply_adagrad', 'var:=resource accum:=resource lr:T grad:T', '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('update_slots', 'bool', None, None, True),)),
    'ResourceApplyAdagradDA': (
        'resource_apply_adagrad_da',
        'var:=resource gradient_accumulator:=resource gradient_squared_accumulator:=resource grad:T lr:T l1:T l2:T global_step:=int64',
        '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceApplyAdagradV2': (
        'resource_apply_adagrad_v2',
        'var:=resource accum:=resource lr:T epsilon:T grad:T',
        '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('update_slots', 'bool', None, None, True),)),
    'ResourceApplyAdam': (
        'resource_apply_adam',
        'var:=resource m:=resource v:=resource beta1_power:T beta2_power:T lr:T beta1:T beta2:T epsilon:T grad:T',
        '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('use_nesterov', 'bool', None, None, False),)),
    'ResourceApplyCenteredRMSProp': (
        'resource_apply_centered_rms_prop',
        'var:=resource mg:=resource ms:=resource mom:=resource lr:T rho:T momentum:T epsilon:T grad:T',
        '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceApplyFtrl': (
        'resource_apply_ftrl',
        'var:=resource accum:=resource linear:=resource grad:T lr:T l1:T l2:T lr_power:T',
        '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('multiply_linear_by_lr', 'bool', None, None, False),)),
    'ResourceApplyFtrlV2': (
        'resource_apply_ftrl_v2',
        'var:=resource accum:=resource linear:=resource grad:T lr:T l1:T l2:T l2_shrinkage:T lr_power:T',
        '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('multiply_linear_by_lr', 'bool', None, None, False),)),
    'ResourceApplyGradientDescent': (
        'resource_apply_gradient_descent', 'var:=resource alpha:T delta:T', '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceApplyKerasMomentum': (
        'resource_apply_keras_momentum',
        'var:=resource accum:=resource lr:T grad:T momentum:T',
        '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('use_nesterov', 'bool', None, None, False),)),
    'ResourceApplyMomentum': (
        'resource_apply_momentum', 'var:=resource accum:=resource lr:T grad:T momentum:T', '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),
        ('use_nesterov', 'bool', None, None, False),)),
    'ResourceApplyProximalAdagrad': (
        'resource_apply_proximal_adagrad',
        'var:=resource accum:=resource lr:T l1:T l2:T grad:T',
        '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceApplyProximalGradientDescent': (
        'resource_apply_proximal_gradient_descent',
        'var:=resource alpha:T l1:T l2:T delta:T',
        '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceApplyRMSProp': (
        'resource_apply_rms_prop',
        'var:=resource ms:=resource mom:=resource lr:T rho:T momentum:T epsilon:T grad:T',
        '', (
        ('T', 'type', 9, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceGather': (
        'resource_gather', 'resource:=resource indices:Tindices', 'output:dtype', (
        ('batch_dims', 'int', None, None, 0),
        ('validate_indices', 'bool', None, None, True),
        ('dtype', 'type', None, None),
        ('Tindices', 'type', 6, None),)),
    'ResourceGatherNd': (
        'resource_gather_nd', 'resource:=resource indices:Tindices', 'output:dtype', (
        ('dtype', 'type', None, None),
        ('Tindices', 'type', 6, None),)),
    'ResourceScatterAdd': (
        'resource_scatter_add', 'resource:=resource indices:Tindices updates:dtype', '', (
        ('dtype', 'type', 9, None),
        ('Tindices', 'type', 6, None),)),
    'ResourceScatterDiv': (
        'resource_scatter_div', 'resource:=resource indices:Tindices updates:dtype', '', (
        ('dtype', 'type', 9, None),
        ('Tindices', 'type', 6, None),)),
    'ResourceScatterMax': (
        'resource_scatter_max', 'resource:=resource indices:Tindices updates:dtype', '', (
        ('dtype', 'type', 9, None),
        ('Tindices', 'type', 6, None),)),
    'ResourceScatterMin': (
        'resource_scatter_min', 'resource:=resource indices:Tindices updates:dtype', '', (
        ('dtype', 'type', 9, None),
        ('Tindices', 'type', 6, None),)),
    'ResourceScatterMul': (
        'resource_scatter_mul', 'resource:=resource indices:Tindices updates:dtype', '', (
        ('dtype', 'type', 9, None),
        ('Tindices', 'type', 6, None),)),
    'ResourceScatterNdAdd': (
        'resource_scatter_nd_add', 'ref:=resource indices:Tindices updates:T', '', (
        ('T', 'type', None, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, True),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'ResourceScatterNdSub': (
        'resource_scatter_nd_sub', 'ref:=resource indices:Tindices updates:T', '', (
        ('T', 'type', None, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, True),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'ResourceScatterNdUpdate': (
        'resource_scatter_nd_update', 'ref:=resource indices:Tindices updates:T', '', (
        ('T', 'type', None, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, True),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'ResourceScatterSub': (
        'resource_scatter_sub', 'resource:=resource indices:Tindices updates:dtype', '', (
        ('dtype', 'type', 9, None),
        ('Tindices', 'type', 6, None),)),
    'ResourceScatterUpdate': (
        'resource_scatter_update', 'resource:=resource indices:Tindices updates:dtype', '', (
        ('dtype', 'type', None, None),
        ('Tindices', 'type', 6, None),)),
    'ResourceSparseApplyAdadelta': (
        'resource_sparse_apply_adadelta',
        'var:=resource accum:=resource accum_update:=resource lr:T rho:T epsilon:T grad:T indices:Tindices',
        '', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceSparseApplyAdagrad': (
        'resource_sparse_apply_adagrad',
        'var:=resource accum:=resource lr:T grad:T indices:Tindices',
        '', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('update_slots', 'bool', None, None, True),)),
    'ResourceSparseApplyAdagradDA': (
        'resource_sparse_apply_adagrad_da',
        'var:=resource gradient_accumulator:=resource gradient_squared_accumulator:=resource grad:T indices:Tindices lr:T l1:T l2:T global_step:=int64',
        '', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceSparseApplyAdagradV2': (
        'resource_sparse_apply_adagrad_v2',
        'var:=resource accum:=resource lr:T epsilon:T grad:T indices:Tindices',
        '', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('update_slots', 'bool', None, None, True),)),
    'ResourceSparseApplyCenteredRMSProp': (
        'resource_sparse_apply_centered_rms_prop',
        'var:=resource mg:=resource ms:=resource mom:=resource lr:T rho:T momentum:T epsilon:T grad:T indices:Tindices',
        '', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceSparseApplyFtrl': (
        'resource_sparse_apply_ftrl',
        'var:=resource accum:=resource linear:=resource grad:T indices:Tindices lr:T l1:T l2:T lr_power:T',
        '', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('multiply_linear_by_lr', 'bool', None, None, False),)),
    'ResourceSparseApplyFtrlV2': (
        'resource_sparse_apply_ftrl_v2',
        'var:=resource accum:=resource linear:=resource grad:T indices:Tindices lr:T l1:T l2:T l2_shrinkage:T lr_power:T',
        '', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('multiply_linear_by_lr', 'bool', None, None, False),)),
    'ResourceSparseApplyKerasMomentum': (
        'resource_sparse_apply_keras_momentum',
        'var:=resource accum:=resource lr:T grad:T indices:Tindices momentum:T',
        '', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('use_nesterov', 'bool', None, None, False),)),
    'ResourceSparseApplyMomentum': (
        'resource_sparse_apply_momentum',
        'var:=resource accum:=resource lr:T grad:T indices:Tindices momentum:T',
        '', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('use_nesterov', 'bool', None, None, False),)),
    'ResourceSparseApplyProximalAdagrad': (
        'resource_sparse_apply_proximal_adagrad',
        'var:=resource accum:=resource lr:T l1:T l2:T grad:T indices:Tindices',
        '', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceSparseApplyProximalGradientDescent': (
        'resource_sparse_apply_proximal_gradient_descent',
        'var:=resource alpha:T l1:T l2:T grad:T indices:Tindices',
        '', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceSparseApplyRMSProp': (
        'resource_sparse_apply_rms_prop',
        'var:=resource ms:=resource mom:=resource lr:T rho:T momentum:T epsilon:T grad:T indices:Tindices',
        '', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'ResourceStridedSliceAssign': (
        'resource_strided_slice_assign',
        'ref:=resource begin:Index end:Index strides:Index value:T',
        '', (
        ('T', 'type', None, None),
        ('Index', 'type', 6, None),
        ('begin_mask', 'int', None, None, 0),
        ('end_mask', 'int', None, None, 0),
        ('ellipsis_mask', 'int', None, None, 0),
        ('new_axis_mask', 'int', None, None, 0),
        ('shrink_axis_mask', 'int', None, None, 0),)),
    'RestoreV2': (
        'restore_v2',
        'prefix:=string tensor_names:=string shape_and_slices:=string',
        'tensors:[dtypes]', (
        ('dtypes', 'list(type)', None, 1),)),
    'ReverseSequence': ('reverse_sequence', 'input:T seq_lengths:Tlen', 'output:T', (
        ('seq_dim', 'int', None, None),
        ('batch_dim', 'int', None, None, 0),
        ('T', 'type', None, None),
        ('Tlen', 'type', 6, None, 'int64'),)),
    'ReverseV2': ('reverse_v2', 'tensor:T axis:Tidx', 'output:T', (
        ('Tidx', 'type', 6, None, 'int32'),
        ('T', 'type', 66, None),)),
    'RightShift': ('right_shift', 'x:T y:T', 'z:T', (('T', 'type', 22, None),)),
    'Rint': ('rint', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'Roll': ('roll', 'input:T shift:Tshift axis:Taxis', 'output:T', (
        ('T', 'type', None, None),
        ('Tshift', 'type', 6, None),
        ('Taxis', 'type', 6, None),)),
    'Round': ('round', 'x:T', 'y:T', (('T', 'type', 52, None),)),
    'Rsqrt': ('rsqrt', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'RsqrtGrad': ('rsqrt_grad', 'y:T dy:T', 'z:T', (('T', 'type', 1, None),)),
    'SampleDistortedBoundingBoxV2': (
        'sample_distorted_bounding_box_v2',
        'image_size:T bounding_boxes:=float32 min_object_covered:=float32',
        'begin:T size:T bboxes:=float32', (
        ('T', 'type', 67, None),
        ('seed', 'int', None, None, 0),
        ('seed2', 'int', None, None, 0),
        ('aspect_ratio_range', 'list(float)', None, None, [0.75, 1.33]),
        ('area_range', 'list(float)', None, None, [0.05, 1.0]),
        ('max_attempts', 'int', None, None, 100),
        ('use_image_if_no_bounding_boxes', 'bool', None, None, False),)),
    'SaveV2': (
        'save_v2',
        'prefix:=string tensor_names:=string shape_and_slices:=string tensors:[dtypes]',
        '', (
        ('dtypes', 'list(type)', None, 1),)),
    'ScalarSummary': ('scalar_summary', 'tags:=string values:T', 'summary:=string', (
        ('T', 'type', 35, None),)),
    'ScaleAndTranslate': (
        'scale_and_translate',
        'images:T size:=int32 scale:=float32 translation:=float32',
        'resized_images:=float32', (
        ('T', 'type', 68, None),
        ('kernel_type', 'string', None, None, 'lanczos3'),
        ('antialias', 'bool', None, None, True),)),
    'ScaleAndTranslateGrad': (
        'scale_and_translate_grad',
        'grads:T original_image:T scale:=float32 translation:=float32',
        'output:T', (
        ('T', 'type', 42, None),
        ('kernel_type', 'string', None, None, 'lanczos3'),
        ('antialias', 'bool', None, None, True),)),
    'ScatterAdd': ('scatter_add', 'ref:&T indices:Tindices updates:T', 'output_ref:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'ScatterDiv': ('scatter_div', 'ref:&T indices:Tindices updates:T', 'output_ref:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'ScatterMax': ('scatter_max', 'ref:&T indices:Tindices updates:T', 'output_ref:&T', (
        ('T', 'type', 69, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'ScatterMin': ('scatter_min', 'ref:&T indices:Tindices updates:T', 'output_ref:&T', (
        ('T', 'type', 69, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'ScatterMul': ('scatter_mul', 'ref:&T indices:Tindices updates:T', 'output_ref:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'ScatterNd': ('scatter_nd', 'indices:Tindices updates:T shape:Tindices', 'output:T', (
        ('T', 'type', None, None),
        ('Tindices', 'type', 11, None),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'ScatterNdAdd': ('scatter_nd_add', 'ref:&T indices:Tindices updates:T', 'output_ref:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'ScatterNdSub': ('scatter_nd_sub', 'ref:&T indices:Tindices updates:T', 'output_ref:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'ScatterNdUpdate': (
        'scatter_nd_update', 'ref:&T indices:Tindices updates:T', 'output_ref:&T', (
        ('T', 'type', None, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, True),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'ScatterSub': ('scatter_sub', 'ref:&T indices:Tindices updates:T', 'output_ref:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'ScatterUpdate': ('scatter_update', 'ref:&T indices:Tindices updates:T', 'output_ref:&T', (
        ('T', 'type', None, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, True),)),
    'SegmentMax': ('segment_max', 'data:T segment_ids:Tindices', 'output:T', (
        ('T', 'type', 35, None),
        ('Tindices', 'type', 6, None),)),
    'SegmentMean': ('segment_mean', 'data:T segment_ids:Tindices', 'output:T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),)),
    'SegmentMin': ('segment_min', 'data:T segment_ids:Tindices', 'output:T', (
        ('T', 'type', 35, None),
        ('Tindices', 'type', 6, None),)),
    'SegmentProd': ('segment_prod', 'data:T segment_ids:Tindices', 'output:T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),)),
    'SegmentSum': ('segment_sum', 'data:T segment_ids:Tindices', 'output:T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),)),
    'Select': ('select', 'condition:=bool x=t:T y=e:T', 'output:T', (
        ('T', 'type', None, None),)),
    'SelectV2': ('select_v2', 'condition:=bool t:T e:T', 'output:T', (
        ('T', 'type', None, None),)),
    'SelfAdjointEigV2': ('self_adjoint_eig_v2', 'input:T', 'e:T v:T', (
        ('compute_v', 'bool', None, None, True),
        ('T', 'type', 23, None),)),
    'Selu': ('selu', 'features:T', 'activations:T', (('T', 'type', 15, None),)),
    'SeluGrad': ('selu_grad', 'gradients:T outputs:T', 'backprops:T', (
        ('T', 'type', 15, None),)),
    'SerializeManySparse': (
        'serialize_many_sparse',
        'sparse_indices:=int64 sparse_values:T sparse_shape:=int64',
        'serialized_sparse:out_type', (
        ('T', 'type', None, None),
        ('out_type', 'type', 70, None, 'string'),)),
    'SerializeSparse': (
        'serialize_sparse',
        'sparse_indices:=int64 sparse_values:T sparse_shape:=int64',
        'serialized_sparse:out_type', (
        ('T', 'type', None, None),
        ('out_type', 'type', 70, None, 'string'),)),
    'SerializeTensor': ('serialize_tensor', 'tensor:T', 'serialized:=string', (
        ('T', 'type', None, None),)),
    'SetSize': ('set_size', 'set_indices:=int64 set_values:T set_shape:=int64', 'size:=int32', (
        ('validate_indices', 'bool', None, None, True),
        ('T', 'type', 32, None),)),
    'Shape': ('shape', 'input:T', 'output:out_type', (
        ('T', 'type', None, None),
        ('out_type', 'type', 6, None, 'int32'),)),
    'ShapeN': ('shape_n', 'input:N*T', 'output:N*out_type', (
        ('N', 'int', None, 1),
        ('T', 'type', None, None),
        ('out_type', 'type', 6, None, 'int32'),)),
    'ShardedFilename': (
        'sharded_filename',
        'basename:=string shard:=int32 num_shards:=int32',
        'filename:=string', ()),
    'Sigmoid': ('sigmoid', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'SigmoidGrad': ('sigmoid_grad', 'y:T dy:T', 'z:T', (('T', 'type', 1, None),)),
    'Sign': ('sign', 'x:T', 'y:T', (('T', 'type', 52, None),)),
    'Sin': ('sin', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'Sinh': ('sinh', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'Size': ('size', 'input:T', 'output:out_type', (
        ('T', 'type', None, None),
        ('out_type', 'type', 6, None, 'int32'),)),
    'Slice': ('_slice', 'input:T begin:Index size:Index', 'output:T', (
        ('T', 'type', None, None),
        ('Index', 'type', 6, None),)),
    'Snapshot': ('snapshot', 'input:T', 'output:T', (('T', 'type', None, None),)),
    'Softmax': ('softmax', 'logits:T', 'softmax:T', (('T', 'type', 15, None),)),
    'SoftmaxCrossEntropyWithLogits': (
        'softmax_cross_entropy_with_logits', 'features:T labels:T', 'loss:T backprop:T', (
        ('T', 'type', 15, None),)),
    'Softplus': ('softplus', 'features:T', 'activations:T', (('T', 'type', 15, None),)),
    'SoftplusGrad': ('softplus_grad', 'gradients:T features:T', 'backprops:T', (
        ('T', 'type', 15, None),)),
    'Softsign': ('softsign', 'features:T', 'activations:T', (('T', 'type', 15, None),)),
    'SoftsignGrad': ('softsign_grad', 'gradients:T features:T', 'backprops:T', (
        ('T', 'type', 15, None),)),
    'SpaceToBatchND': (
        'space_to_batch_nd',
        'input:T block_shape:Tblock_shape paddings:Tpaddings',
        'output:T', (
        ('T', 'type', None, None),
        ('Tblock_shape', 'type', 6, None, 'int32'),
        ('Tpaddings', 'type', 6, None, 'int32'),)),
    'SpaceToDepth': ('space_to_depth', 'input:T', 'output:T', (
        ('T', 'type', None, None),
        ('block_size', 'int', None, 2),
        ('data_format', 'string', ('NHWC', 'NCHW', 'NCHW_VECT_C'), None, 'NHWC'),)),
    'SparseAdd': (
        'sparse_add',
        'a_indices:=int64 a_values:T a_shape:=int64 b_indices:=int64 b_values:T b_shape:=int64 thresh:Treal',
        'sum_indices:=int64 sum_values:T sum_shape:=int64', (
        ('T', 'type', 9, None),
        ('Treal', 'type', 35, None),)),
    'SparseApplyAdadelta': (
        'sparse_apply_adadelta',
        'var:&T accum:&T accum_update:&T lr:T rho:T epsilon:T grad:T indices:Tindices',
        'out:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'SparseApplyAdagrad': (
        'sparse_apply_adagrad', 'var:&T accum:&T lr:T grad:T indices:Tindices', 'out:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('update_slots', 'bool', None, None, True),)),
    'SparseApplyAdagradDA': (
        'sparse_apply_adagrad_da',
        'var:&T gradient_accumulator:&T gradient_squared_accumulator:&T grad:T indices:Tindices lr:T l1:T l2:T global_step:=int64',
        'out:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'SparseApplyAdagradV2': (
        'sparse_apply_adagrad_v2',
        'var:&T accum:&T lr:T epsilon:T grad:T indices:Tindices',
        'out:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('update_slots', 'bool', None, None, True),)),
    'SparseApplyCenteredRMSProp': (
        'sparse_apply_centered_rms_prop',
        'var:&T mg:&T ms:&T mom:&T lr:T rho:T momentum:T epsilon:T grad:T indices:Tindices',
        'out:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'SparseApplyFtrl': (
        'sparse_apply_ftrl',
        'var:&T accum:&T linear:&T grad:T indices:Tindices lr:T l1:T l2:T lr_power:T',
        'out:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('multiply_linear_by_lr', 'bool', None, None, False),)),
    'SparseApplyFtrlV2': (
        'sparse_apply_ftrl_v2',
        'var:&T accum:&T linear:&T grad:T indices:Tindices lr:T l1:T l2:T l2_shrinkage:T lr_power:T',
        'out:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('multiply_linear_by_lr', 'bool', None, None, False),)),
    'SparseApplyMomentum': (
        'sparse_apply_momentum',
        'var:&T accum:&T lr:T grad:T indices:Tindices momentum:T',
        'out:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),
        ('use_nesterov', 'bool', None, None, False),)),
    'SparseApplyProximalAdagrad': (
        'sparse_apply_proximal_adagrad',
        'var:&T accum:&T lr:T l1:T l2:T grad:T indices:Tindices',
        'out:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'SparseApplyProximalGradientDescent': (
        'sparse_apply_proximal_gradient_descent',
        'var:&T alpha:T l1:T l2:T grad:T indices:Tindices',
        'out:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'SparseApplyRMSProp': (
        'sparse_apply_rms_prop',
        'var:&T ms:&T mom:&T lr:T rho:T momentum:T epsilon:T grad:T indices:Tindices',
        'out:&T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('use_locking', 'bool', None, None, False),)),
    'SparseBincount': (
        'sparse_bincount',
        'indices:=int64 values:Tidx dense_shape:=int64 size:Tidx weights:T',
        'output:T', (
        ('Tidx', 'type', 6, None),
        ('T', 'type', 20, None),
        ('binary_output', 'bool', None, None, False),)),
    'SparseConcat': (
        'sparse_concat',
        'indices:N*=int64 values:N*T shapes:N*=int64',
        'output_indices:=int64 output_values:T output_shape:=int64', (
        ('concat_dim', 'int', None, None),
        ('N', 'int', None, 2),
        ('T', 'type', None, None),)),
    'SparseCross': (
        'sparse_cross',
        'indices:N*=int64 values:[sparse_types] shapes:N*=int64 dense_inputs:[dense_types]',
        'output_indices:=int64 output_values:out_type output_shape:=int64', (
        ('N', 'int', None, 0),
        ('hashed_output', 'bool', None, None),
        ('num_buckets', 'int', None, 0),
        ('hash_key', 'int', None, None),
        ('sparse_types', 'list(type)', 71, 0),
        ('dense_types', 'list(type)', 71, 0),
        ('out_type', 'type', 71, None),
        ('internal_type', 'type', 71, None),)),
    'SparseCrossV2': (
        'sparse_cross_v2',
        'indices:N*=int64 values:[sparse_types] shapes:N*=int64 dense_inputs:[dense_types] sep:=string',
        'output_indices:=int64 output_values:=string output_shape:=int64', (
        ('N', 'int', None, 0),
        ('sparse_types', 'list(type)', 71, 0),
        ('dense_types', 'list(type)', 71, 0),)),
    'SparseDenseCwiseAdd': (
        'sparse_dense_cwise_add',
        'sp_indices:=int64 sp_values:T sp_shape:=int64 dense:T',
        'output:T', (
        ('T', 'type', 9, None),)),
    'SparseDenseCwiseDiv': (
        'sparse_dense_cwise_div',
        'sp_indices:=int64 sp_values:T sp_shape:=int64 dense:T',
        'output:T', (
        ('T', 'type', 9, None),)),
    'SparseDenseCwiseMul': (
        'sparse_dense_cwise_mul',
        'sp_indices:=int64 sp_values:T sp_shape:=int64 dense:T',
        'output:T', (
        ('T', 'type', 9, None),)),
    'SparseFillEmptyRows': (
        'sparse_fill_empty_rows',
        'indices:=int64 values:T dense_shape:=int64 default_value:T',
        'output_indices:=int64 output_values:T empty_row_indicator:=bool reverse_index_map:=int64', (
        ('T', 'type', None, None),)),
    'SparseReduceMax': (
        'sparse_reduce_max',
        'input_indices:=int64 input_values:T input_shape:=int64 reduction_axes:=int32',
        'output:T', (
        ('keep_dims', 'bool', None, None, False),
        ('T', 'type', 35, None),)),
    'SparseReduceMaxSparse': (
        'sparse_reduce_max_sparse',
        'input_indices:=int64 input_values:T input_shape:=int64 reduction_axes:=int32',
        'output_indices:=int64 output_values:T output_shape:=int64', (
        ('keep_dims', 'bool', None, None, False),
        ('T', 'type', 35, None),)),
    'SparseReduceSum': (
        'sparse_reduce_sum',
        'input_indices:=int64 input_values:T input_shape:=int64 reduction_axes:=int32',
        'output:T', (
        ('keep_dims', 'bool', None, None, False),
        ('T', 'type', 9, None),)),
    'SparseReduceSumSparse': (
        'sparse_reduce_sum_sparse',
        'input_indices:=int64 input_values:T input_shape:=int64 reduction_axes:=int32',
        'output_indices:=int64 output_values:T output_shape:=int64', (
        ('keep_dims', 'bool', None, None, False),
        ('T', 'type', 9, None),)),
    'SparseReorder': (
        'sparse_reorder',
        'input_indices:=int64 input_values:T input_shape:=int64',
        'output_indices:=int64 output_values:T', (
        ('T', 'type', None, None),)),
    'SparseReshape': (
        'sparse_reshape',
        'input_indices:=int64 input_shape:=int64 new_shape:=int64',
        'output_indices:=int64 output_shape:=int64', ()),
    'SparseSegmentMean': (
        'sparse_segment_mean', 'data:T indices:Tidx segment_ids:Tsegmentids', 'output:T', (
        ('T', 'type', 14, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('Tsegmentids', 'type', 6, None, 'int32'),
        ('sparse_gradient', 'bool', None, None, False),)),
    'SparseSegmentMeanGrad': (
        'sparse_segment_mean_grad',
        'grad:T indices:Tidx segment_ids:Tsegmentids output_dim0:=int32',
        'output:T', (
        ('T', 'type', 14, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('Tsegmentids', 'type', 6, None, 'int32'),)),
    'SparseSegmentMeanGradV2': (
        'sparse_segment_mean_grad_v2',
        'grad:T indices:Tidx segment_ids:Tsegmentids dense_output_dim0:=int32',
        'output:T sorted_unique_indices:Tidx', (
        ('T', 'type', 14, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('Tsegmentids', 'type', 6, None, 'int32'),)),
    'SparseSegmentMeanWithNumSegments': (
        'sparse_segment_mean_with_num_segments',
        'data:T indices:Tidx segment_ids:Tsegmentids num_segments:Tnumsegments',
        'output:T', (
        ('T', 'type', 14, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('Tnumsegments', 'type', 6, None, 'int32'),
        ('Tsegmentids', 'type', 6, None, 'int32'),
        ('sparse_gradient', 'bool', None, None, False),)),
    'SparseSegmentSqrtN': (
        'sparse_segment_sqrt_n', 'data:T indices:Tidx segment_ids:Tsegmentids', 'output:T', (
        ('T', 'type', 14, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('Tsegmentids', 'type', 6, None, 'int32'),
        ('sparse_gradient', 'bool', None, None, False),)),
    'SparseSegmentSqrtNGrad': (
        'sparse_segment_sqrt_n_grad',
        'grad:T indices:Tidx segment_ids:Tsegmentids output_dim0:=int32',
        'output:T', (
        ('T', 'type', 14, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('Tsegmentids', 'type', 6, None, 'int32'),)),
    'SparseSegmentSqrtNGradV2': (
        'sparse_segment_sqrt_n_grad_v2',
        'grad:T indices:Tidx segment_ids:Tsegmentids dense_output_dim0:=int32',
        'output:T sorted_unique_indices:Tidx', (
        ('T', 'type', 14, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('Tsegmentids', 'type', 6, None, 'int32'),)),
    'SparseSegmentSqrtNWithNumSegments': (
        'sparse_segment_sqrt_n_with_num_segments',
        'data:T indices:Tidx segment_ids:Tsegmentids num_segments:Tnumsegments',
        'output:T', (
        ('T', 'type', 14, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('Tnumsegments', 'type', 6, None, 'int32'),
        ('Tsegmentids', 'type', 6, None, 'int32'),
        ('sparse_gradient', 'bool', None, None, False),)),
    'SparseSegmentSum': (
        'sparse_segment_sum', 'data:T indices:Tidx segment_ids:Tsegmentids', 'output:T', (
        ('T', 'type', 35, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('Tsegmentids', 'type', 6, None, 'int32'),
        ('sparse_gradient', 'bool', None, None, False),)),
    'SparseSegmentSumGrad': (
        'sparse_segment_sum_grad',
        'grad:T indices:Tidx segment_ids:Tsegmentids output_dim0:=int32',
        'output:T', (
        ('T', 'type', 14, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('Tsegmentids', 'type', 6, None, 'int32'),)),
    'SparseSegmentSumGradV2': (
        'sparse_segment_sum_grad_v2',
        'grad:T indices:Tidx segment_ids:Tsegmentids dense_output_dim0:=int32',
        'output:T sorted_unique_indices:Tidx', (
        ('T', 'type', 14, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('Tsegmentids', 'type', 6, None, 'int32'),)),
    'SparseSegmentSumWithNumSegments': (
        'sparse_segment_sum_with_num_segments',
        'data:T indices:Tidx segment_ids:Tsegmentids num_segments:Tnumsegments',
        'output:T', (
        ('T', 'type', 35, None),
        ('Tidx', 'type', 6, None, 'int32'),
        ('Tnumsegments', 'type', 6, None, 'int32'),
        ('Tsegmentids', 'type', 6, None, 'int32'),
        ('sparse_gradient', 'bool', None, None, False),)),
    'SparseSlice': (
        'sparse_slice',
        'indices:=int64 values:T shape:=int64 start:=int64 size:=int64',
        'output_indices:=int64 output_values:T output_shape:=int64', (
        ('T', 'type', None, None),)),
    'SparseSoftmax': (
        'sparse_softmax', 'sp_indices:=int64 sp_values:T sp_shape:=int64', 'output:T', (
        ('T', 'type', 72, None),)),
    'SparseSoftmaxCrossEntropyWithLogits': (
        'sparse_softmax_cross_entropy_with_logits',
        'features:T labels:Tlabels',
        'loss:T backprop:T', (
        ('T', 'type', 15, None),
        ('Tlabels', 'type', 6, None, 'int64'),)),
    'SparseSparseMaximum': (
        'sparse_sparse_maximum',
        'a_indices:=int64 a_values:T a_shape:=int64 b_indices:=int64 b_values:T b_shape:=int64',
        'output_indices:=int64 output_values:T', (
        ('T', 'type', 35, None),)),
    'SparseSparseMinimum': (
        'sparse_sparse_minimum',
        'a_indices:=int64 a_values:T a_shape:=int64 b_indices:=int64 b_values:T b_shape:=int64',
        'output_indices:=int64 output_values:T', (
        ('T', 'type', 9, None),)),
    'SparseTensorDenseAdd': (
        'sparse_tensor_dense_add',
        'a_indices:Tindices a_values:T a_shape:Tindices b:T',
        'output:T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),)),
    'SparseTensorDenseMatMul': (
        'sparse_tensor_dense_mat_mul',
        'a_indices:Tindices a_values:T a_shape:=int64 b:T',
        'product:T', (
        ('T', 'type', None, None),
        ('Tindices', 'type', 6, None, 'int64'),
        ('adjoint_a', 'bool', None, None, False),
        ('adjoint_b', 'bool', None, None, False),)),
    'SparseToDense': (
        'sparse_to_dense',
        'sparse_indices:Tindices output_shape:Tindices sparse_values:T default_value:T',
        'dense:T', (
        ('validate_indices', 'bool', None, None, True),
        ('T', 'type', None, None),
        ('Tindices', 'type', 6, None),)),
    'SparseToSparseSetOperation': (
        'sparse_to_sparse_set_operation',
        'set1_indices:=int64 set1_values:T set1_shape:=int64 set2_indices:=int64 set2_values:T set2_shape:=int64',
        'result_indices:=int64 result_values:T result_shape:=int64', (
        ('set_operation', 'string', None, None),
        ('validate_indices', 'bool', None, None, True),
        ('T', 'type', 32, None),)),
    'Spence': ('spence', 'x:T', 'y:T', (('T', 'type', 14, None),)),
    'Split': ('split', 'axis=split_dim:=int32 value:T', 'output:num_split*T', (
        ('num_split', 'int', None, 1),
        ('T', 'type', None, None),)),
    'SplitV': (
        'split_v', 'value:T size_splits:Tlen axis=split_dim:=int32', 'output:num_split*T', (
        ('num_split', 'int', None, 1),
        ('T', 'type', None, None),
        ('Tlen', 'type', 73, None, 'int64'),)),
    'Sqrt': ('sqrt', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'SqrtGrad': ('sqrt_grad', 'y:T dy:T', 'z:T', (('T', 'type', 1, None),)),
    'Square': ('square', 'x:T', 'y:T', (('T', 'type', 74, None),)),
    'SquaredDifference': ('squared_difference', 'x:T y:T', 'z:T', (('T', 'type', 16, None),)),
    'Squeeze': ('squeeze', 'input:T', 'output:T', (
        ('T', 'type', None, None),
        ('axis=squeeze_dims', 'list(int)', None, 0, []),)),
    'StatefulPartitionedCall': ('stateful_partitioned_call', 'args:[Tin]', 'output:[Tout]', (
        ('Tin', 'list(type)', None, 0),
        ('Tout', 'list(type)', None, 0),
        ('f', 'func', None, None),
        ('config', 'string', None, None, ''),
        ('config_proto', 'string', None, None, ''),
        ('executor_type', 'string', None, None, ''),)),
    'StatelessCase': ('stateless_case', 'branch_index:=int32 input:[Tin]', 'output:[Tout]', (
        ('Tin', 'list(type)', None, 0),
        ('Tout', 'list(type)', None, 0),
        ('branches', 'list(func)', None, 1),
        ('output_shapes', 'list(shape)', None, None, []),)),
    'StatelessIf': ('stateless_if', 'cond:Tcond input:[Tin]', 'output:[Tout]', (
        ('Tcond', 'type', None, None),
        ('Tin', 'list(type)', None, 0),
        ('Tout', 'list(type)', None, 0),
        ('then_branch', 'func', None, None),
        ('else_branch', 'func', None, None),
        ('output_shapes', 'list(shape)', None, None, []),)),
    'StatelessMultinomial': (
        'stateless_multinomial',
        'logits:T num_samples:=int32 seed:Tseed',
        'output:output_dtype', (
        ('T', 'type', 35, None),
        ('Tseed', 'type', 6, None, 'int64'),
        ('output_dtype', 'type', 6, None, 'int64'),)),
    'StatelessRandomGetAlg': ('stateless_random_get_alg', '', 'alg:=int32', ()),
    'StatelessRandomGetKeyCounter': (
        'stateless_random_get_key_counter', 'seed:Tseed', 'key:=uint64 counter:=uint64', (
        ('Tseed', 'type', 6, None, 'int64'),)),
    'StatelessRandomGetKeyCounterAlg': (
        'stateless_random_get_key_counter_alg',
        'seed:Tseed',
        'key:=uint64 counter:=uint64 alg:=int32', (
        ('Tseed', 'type', 6, None, 'int64'),)),
    'StatelessRandomNormal': ('stateless_random_normal', 'shape:T seed:Tseed', 'output:dtype', (
        ('dtype', 'type', 15, None, 'float32'),
        ('T', 'type', 6, None, 'int32'),
        ('Tseed', 'type', 6, None, 'int64'),)),
    'StatelessRandomNormalV2': (
        'stateless_random_normal_v2',
        'shape:Tshape key:=uint64 counter:=uint64 alg:=int32',
        'output:dtype', (
        ('dtype', 'type', 15, None, 'float32'),
        ('Tshape', 'type', 6, None, 'int32'),)),
    'StatelessRandomUniform': (
        'stateless_random_uniform', 'shape:T seed:Tseed', 'output:dtype', (
        ('dtype', 'type', 15, None, 'float32'),
        ('T', 'type', 6, None, 'int32'),
        ('Tseed', 'type', 6, None, 'int64'),)),
    'StatelessRandomUniformFullInt': (
        'stateless_random_uniform_full_int', 'shape:T seed:Tseed', 'output:dtype', (
        ('dtype', 'type', 75, None, 'uint64'),
        ('T', 'type', 6, None, 'int32'),
        ('Tseed', 'type', 75, None, 'int64'),)),
    'StatelessRandomUniformFullIntV2': (
        'stateless_random_uniform_full_int_v2',
        'shape:Tshape key:=uint64 counter:=uint64 alg:=int32',
        'output:dtype', (
        ('dtype', 'type', 75, None, 'uint64'),
        ('Tshape', 'type', 6, None, 'int32'),)),
    'StatelessRandomUniformInt': (
        'stateless_random_uniform_int',
        'shape:T seed:Tseed minval:dtype maxval:dtype',
        'output:dtype', (
        ('dtype', 'type', 6, None),
        ('T', 'type', 6, None),
        ('Tseed', 'type', 6, None, 'int64'),)),
    'StatelessRandomUniformIntV2': (
        'stateless_random_uniform_int_v2',
        'shape:Tshape key:=uint64 counter:=uint64 alg:=int32 minval:dtype maxval:dtype',
        'output:dtype', (
        ('dtype', 'type', 75, None),
        ('Tshape', 'type', 6, None, 'int32'),)),
    'StatelessRandomUniformV2': (
        'stateless_random_uniform_v2',
        'shape:Tshape key:=uint64 counter:=uint64 alg:=int32',
        'output:dtype', (
        ('dtype', 'type', 15, None, 'float32'),
        ('Tshape', 'type', 6, None, 'int32'),)),
    'StatelessTruncatedNormal': (
        'stateless_truncated_normal', 'shape:T seed:Tseed', 'output:dtype', (
        ('dtype', 'type', 15, None, 'float32'),
        ('T', 'type', 6, None, 'int32'),
        ('Tseed', 'type', 6, None, 'int64'),)),
    'StatelessTruncatedNormalV2': (
        'stateless_truncated_normal_v2',
        'shape:Tshape key:=uint64 counter:=uint64 alg:=int32',
        'output:dtype', (
        ('dtype', 'type', 15, None, 'float32'),
        ('Tshape', 'type', 6, None, 'int32'),)),
    'StatelessWhile': ('stateless_while', 'input:[T]', 'output:[T]', (
        ('T', 'list(type)', None, 0),
        ('cond', 'func', None, None),
        ('body', 'func', None, None),
        ('output_shapes', 'list(shape)', None, None, []),
        ('parallel_iterations', 'int', None, None, 10),)),
    'StaticRegexFullMatch': ('static_regex_full_match', 'input:=string', 'output:=bool', (
        ('pattern', 'string', None, None),)),
    'StaticRegexReplace': ('static_regex_replace', 'input:=string', 'output:=string', (
        ('pattern', 'string', None, None),
        ('rewrite', 'string', None, None),
        ('replace_global', 'bool', None, None, True),)),
    'StopGradient': ('stop_gradient', 'input:T', 'output:T', (('T', 'type', None, None),)),
    'StridedSlice': (
        'strided_slice', 'input:T begin:Index end:Index strides:Index', 'output:T', (
        ('T', 'type', None, None),
        ('Index', 'type', 11, None),
        ('begin_mask', 'int', None, None, 0),
        ('end_mask', 'int', None, None, 0),
        ('ellipsis_mask', 'int', None, None, 0),
        ('new_axis_mask', 'int', None, None, 0),
        ('shrink_axis_mask', 'int', None, None, 0),)),
    'StridedSliceAssign': (
        'strided_slice_assign',
        'ref:&T begin:Index end:Index strides:Index value:T',
        'output_ref:&T', (
        ('T', 'type', None, None),
        ('Index', 'type', 6, None),
        ('begin_mask', 'int', None, None, 0),
        ('end_mask', 'int', None, None, 0),
        ('ellipsis_mask', 'int', None, None, 0),
        ('new_axis_mask', 'int', None, None, 0),
        ('shrink_axis_mask', 'int', None, None, 0),)),
    'StridedSliceGrad': (
        'strided_slice_grad',
        'shape:Index begin:Index end:Index strides:Index dy:T',
        'output:T', (
        ('T', 'type', None, None),
        ('Index', 'type', 6, None),
        ('begin_mask', 'int', None, None, 0),
        ('end_mask', 'int', None, None, 0),
        ('ellipsis_mask', 'int', None, None, 0),
        ('new_axis_mask', 'int', None, None, 0),
        ('shrink_axis_mask', 'int', None, None, 0),)),
    'StringFormat': ('string_format', 'inputs:[T]', 'output:=string', (
        ('T', 'list(type)', None, 0),
        ('template', 'string', None, None, '%s'),
        ('placeholder', 'string', None, None, '%s'),
        ('summarize', 'int', None, None, 3),)),
    'StringJoin': ('string_join', 'inputs:N*=string', 'output:=string', (
        ('N', 'int', None, 0),
        ('separator', 'string', None, None, ''),)),
    'StringLength': ('string_length', 'input:=string', 'output:=int32', (
        ('unit', 'string', ('BYTE', 'UTF8_CHAR'), None, 'BYTE'),)),
    'StringLower': ('string_lower', 'input:=string', 'output:=string', (
        ('encoding', 'string', None, None, ''),)),
    'StringNGrams': (
        'string_n_grams',
        'data:=string data_splits:Tsplits',
        'ngrams:=string ngrams_splits:Tsplits', (
        ('separator', 'string', None, None),
        ('ngram_widths', 'list(int)', None, 0),
        ('left_pad', 'string', None, None),
        ('right_pad', 'string', None, None),
        ('pad_width', 'int', None, None),
        ('preserve_short_sequences', 'bool', None, None),
        ('Tsplits', 'type', 6, None, 'int64'),)),
    'StringSplit': (
        'string_split',
        'input:=string delimiter:=string',
        'indices:=int64 values:=string shape:=int64', (
        ('skip_empty', 'bool', None, None, True),)),
    'StringSplitV2': (
        'string_split_v2',
        'input:=string sep:=string',
        'indices:=int64 values:=string shape:=int64', (
        ('maxsplit', 'int', None, None, -1),)),
    'StringStrip': ('string_strip', 'input:=string', 'output:=string', ()),
    'StringToHashBucket': ('string_to_hash_bucket', 'string_tensor:=string', 'output:=int64', (
        ('num_buckets', 'int', None, 1),)),
    'StringToHashBucketFast': ('string_to_hash_bucket_fast', 'input:=string', 'output:=int64', (
        ('num_buckets', 'int', None, 1),)),
    'StringToHashBucketStrong': (
        'string_to_hash_bucket_strong', 'input:=string', 'output:=int64', (
        ('num_buckets', 'int', None, 1),
        ('key', 'list(int)', None, None),)),
    'StringToNumber': ('string_to_number', 'string_tensor:=string', 'output:out_type', (
        ('out_type', 'type', 76, None, 'float32'),)),
    'StringUpper': ('string_upper', 'input:=string', 'output:=string', (
        ('encoding', 'string', None, None, ''),)),
    'Sub': ('sub', 'x:T y:T', 'z:T', (('T', 'type', 77, None),)),
    'Substr': ('substr', 'input:=string pos:T len:T', 'output:=string', (
        ('T', 'type', 6, None),
        ('unit', 'string', ('BYTE', 'UTF8_CHAR'), None, 'BYTE'),)),
    'Sum': ('_sum', 'input:T axis=reduction_indices:Tidx', 'output:T', (
        ('keep_dims', 'bool', None, None, False),
        ('T', 'type', 9, None),
        ('Tidx', 'type', 6, None, 'int32'),)),
    'Svd': ('svd', 'input:T', 's:T u:T v:T', (
        ('compute_uv', 'bool', None, None, True),
        ('full_matrices', 'bool', None, None, False),
        ('T', 'type', 23, None),)),
    'Tan': ('tan', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'Tanh': ('tanh', 'x:T', 'y:T', (('T', 'type', 1, None),)),
    'TanhGrad': ('tanh_grad', 'y:T dy:T', 'z:T', (('T', 'type', 1, None),)),
    'TensorArrayCloseV3': ('tensor_array_close_v3', 'handle:=resource', '', ()),
    'TensorArrayConcatV3': (
        'tensor_array_concat_v3',
        'handle:=resource flow_in:=float32',
        'value:dtype lengths:=int64', (
        ('dtype', 'type', None, None),
        ('element_shape_except0', 'shape', None, None, None),)),
    'TensorArrayGatherV3': (
        'tensor_array_gather_v3',
        'handle:=resource indices:=int32 flow_in:=float32',
        'value:dtype', (
        ('dtype', 'type', None, None),
        ('element_shape', 'shape', None, None, None),)),
    'TensorArrayReadV3': (
        'tensor_array_read_v3',
        'handle:=resource index:=int32 flow_in:=float32',
        'value:dtype', (
        ('dtype', 'type', None, None),)),
    'TensorArrayScatterV3': (
        'tensor_array_scatter_v3',
        'handle:=resource indices:=int32 value:T flow_in:=float32',
        'flow_out:=float32', (
        ('T', 'type', None, None),)),
    'TensorArraySizeV3': (
        'tensor_array_size_v3', 'handle:=resource flow_in:=float32', 'size:=int32', ()),
    'TensorArrayV3': ('tensor_array_v3', 'size:=int32', 'handle:=resource flow:=float32', (
        ('dtype', 'type', None, None),
        ('element_shape', 'shape', None, None, None),
        ('dynamic_size', 'bool', None, None, False),
        ('clear_after_read', 'bool', None, None, True),
        ('identical_element_shapes', 'bool', None, None, False),
        ('tensor_array_name', 'string', None, None, ''),)),
    'TensorArrayWriteV3': (
        'tensor_array_write_v3',
        'handle:=resource index:=int32 value:T flow_in:=float32',
        'flow_out:=float32', (
        ('T', 'type', None, None),)),
    'TensorListConcat': (
        'tensor_list_concat', 'input_handle:=variant', 'tensor:element_dtype lengths:=int64', (
        ('element_dtype', 'type', None, None),
        ('element_shape', 'shape', None, None, None),)),
    'TensorListConcatV2': (
        'tensor_list_concat_v2',
        'input_handle:=variant element_shape:shape_type leading_dims:=int64',
        'tensor:element_dtype lengths:=int64', (
        ('element_dtype', 'type', None, None),
        ('shape_type', 'type', 6, None),)),
    'TensorListElementShape': (
        'tensor_list_element_shape', 'input_handle:=variant', 'element_shape:shape_type', (
        ('shape_type', 'type', 6, None),)),
    'TensorListFromTensor': (
        'tensor_list_from_tensor',
        'tensor:element_dtype element_shape:shape_type',
        'output_handle:=variant', (
        ('element_dtype', 'type', None, None),
        ('shape_type', 'type', 6, None),)),
    'TensorListGather': (
        'tensor_list_gather',
        'input_handle:=variant indices:=int32 element_shape:=int32',
        'values:element_dtype', (
        ('element_dtype', 'type', None, None),)),
    'TensorListGetItem': (
        'tensor_list_get_item',
        'input_handle:=variant index:=int32 element_shape:Tshape',
        'item:element_dtype', (
        ('element_dtype', 'type', None, None),
        ('Tshape', 'type', 6, None, 'int32'),)),
    'TensorListLength': ('tensor_list_length', 'input_handle:=variant', 'length:=int32', ()),
    'TensorListPopBack': (
        'tensor_list_pop_back',
        'input_handle:=variant element_shape:=int32',
        'output_handle:=variant tensor:element_dtype', (
        ('element_dtype', 'type', None, None),)),
    'TensorListPushBack': (
        'tensor_list_push_back',
        'input_handle:=variant tensor:element_dtype',
        'output_handle:=variant', (
        ('element_dtype', 'type', None, None),)),
    'TensorListReserve': (
        'tensor_list_reserve',
        'element_shape:shape_type num_elements:=int32',
        'handle:=variant', (
        ('element_dtype', 'type', None, None),
        ('shape_type', 'type', 6, None),)),
    'TensorListScatter': (
        'tensor_list_scatter',
        'tensor:element_dtype indices:=int32 element_shape:shape_type',
        'output_handle:=variant', (
        ('element_dtype', 'type', None, None),
        ('shape_type', 'type', 6, None),)),
    'TensorListScatterIntoExistingList': (
        'tensor_list_scatter_into_existing_list',
        'input_handle:=variant tensor:element_dtype indices:=int32',
        'output_handle:=variant', (
        ('element_dtype', 'type', None, None),)),
    'TensorListScatterV2': (
        'tensor_list_scatter_v2',
        'tensor:element_dtype indices:=int32 element_shape:shape_type num_elements:=int32',
        'output_handle:=variant', (
        ('element_dtype', 'type', None, None),
        ('shape_type', 'type', 6, None),)),
    'TensorListSetItem': (
        'tensor_list_set_item',
        'input_handle:=variant index:=int32 item:element_dtype',
        'output_handle:=variant', (
        ('element_dtype', 'type', None, None),
        ('resize_if_index_out_of_bounds', 'bool', None, None, False),)),
    'TensorListStack': (
        'tensor_list_stack',
        'input_handle:=variant element_shape:=int32',
        'tensor:element_dtype', (
        ('element_dtype', 'type', None, None),
        ('num_elements', 'int', None, None, -1),)),
    'TensorScatterAdd': (
        'tensor_scatter_add', 'tensor:T indices:Tindices updates:T', 'output:T', (
        ('T', 'type', None, None),
        ('Tindices', 'type', 6, None),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'TensorScatterMax': (
        'tensor_scatter_max', 'tensor:T indices:Tindices updates:T', 'output:T', (
        ('T', 'type', None, None),
        ('Tindices', 'type', 6, None),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'TensorScatterMin': (
        'tensor_scatter_min', 'tensor:T indices:Tindices updates:T', 'output:T', (
        ('T', 'type', None, None),
        ('Tindices', 'type', 6, None),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'TensorScatterSub': (
        'tensor_scatter_sub', 'tensor:T indices:Tindices updates:T', 'output:T', (
        ('T', 'type', None, None),
        ('Tindices', 'type', 6, None),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'TensorScatterUpdate': (
        'tensor_scatter_update', 'tensor:T indices:Tindices updates:T', 'output:T', (
        ('T', 'type', None, None),
        ('Tindices', 'type', 78, None),
        ('bad_indices_policy', 'string', None, None, ''),)),
    'TensorSummaryV2': (
        'tensor_summary_v2',
        'tag:=string tensor:T serialized_summary_metadata:=string',
        'summary:=string', (
        ('T', 'type', None, None),)),
    'Tile': ('tile', 'input:T multiples:Tmultiples', 'output:T', (
        ('T', 'type', None, None),
        ('Tmultiples', 'type', 6, None, 'int32'),)),
    'Timestamp': ('timestamp', '', 'ts:=float64', ()),
    'TopKV2': ('top_kv2', 'input:T k:Tk', 'values:T indices:index_type', (
        ('sorted', 'bool', None, None, True),
        ('T', 'type', 35, None),
        ('Tk', 'type', 11, None, 'int32'),
        ('index_type', 'type', 11, None, 'int32'),)),
    'Transpose': ('transpose', 'x:T perm:Tperm', 'y:T', (
        ('T', 'type', None, None),
        ('Tperm', 'type', 6, None, 'int32'),)),
    'TridiagonalSolve': ('tridiagonal_solve', 'diagonals:T rhs:T', 'output:T', (
        ('partial_pivoting', 'bool', None, None, True),
        ('perturb_singular', 'bool', None, None, False),
        ('T', 'type', 79, None),)),
    'TruncateDiv': ('truncate_div', 'x:T y:T', 'z:T', (('T', 'type', 39, None),)),
    'TruncateMod': ('truncate_mod', 'x:T y:T', 'z:T', (('T', 'type', 80, None),)),
    'TruncatedNormal': ('truncated_normal', 'shape:T', 'output:dtype', (
        ('seed', 'int', None, None, 0),
        ('seed2', 'int', None, None, 0),
        ('dtype', 'type', 15, None),
        ('T', 'type', 6, None),)),
    'UnicodeDecode': (
        'unicode_decode', 'input:=string', 'row_splits:Tsplits char_values:=int32', (
        ('input_encoding', 'string', None, None),
        ('errors', 'string', ('strict', 'replace', 'ignore'), None, 'replace'),
        ('replacement_char', 'int', None, None, 65533),
        ('replace_control_characters', 'bool', None, None, False),
        ('Tsplits', 'type', 6, None, 'int64'),)),
    'UnicodeDecodeWithOffsets': (
        'unicode_decode_with_offsets',
        'input:=string',
        'row_splits:Tsplits char_values:=int32 char_to_byte_starts:=int64', (
        ('input_encoding', 'string', None, None),
        ('errors', 'string', ('strict', 'replace', 'ignore'), None, 'replace'),
        ('replacement_char', 'int', None, None, 65533),
        ('replace_control_characters', 'bool', None, None, False),
        ('Tsplits', 'type', 6, None, 'int64'),)),
    'UnicodeEncode': (
        'unicode_encode', 'input_values:=int32 input_splits:Tsplits', 'output:=string', (
        ('errors', 'string', ('ignore', 'replace', 'strict'), None, 'replace'),
        ('output_encoding', 'string', ('UTF-8', 'UTF-16-BE', 'UTF-32-BE'), None),
        ('replacement_char', 'int', None, None, 65533),
        ('Tsplits', 'type', 6, None, 'int64'),)),
    'UnicodeTranscode': ('unicode_transcode', 'input:=string', 'output:=string', (
        ('input_encoding', 'string', None, None),
        ('output_encoding', 'string', ('UTF-8', 'UTF-16-BE', 'UTF-32-BE'), None),
        ('errors', 'string', ('strict', 'replace', 'ignore'), None, 'replace'),
        ('replacement_char', 'int', None, None, 65533),
        ('replace_control_characters', 'bool', None, None, False),)),
    'Unique': ('unique', 'x:T', 'y:T idx:out_idx', (
        ('T', 'type', None, None),
        ('out_idx', 'type', 6, None, 'int32'),)),
    'UniqueWithCounts': ('unique_with_counts', 'x:T', 'y:T idx:out_idx count:out_idx', (
        ('T', 'type', None, None),
        ('out_idx', 'type', 6, None, 'int32'),)),
    'Unpack': ('unpack', 'value:T', 'output:num*T', (
        ('num', 'int', None, 0),
        ('T', 'type', None, None),
        ('axis', 'int', None, None, 0),)),
    'UnsortedSegmentJoin': (
        'unsorted_segment_join',
        'inputs:=string segment_ids:Tindices num_segments:Tnumsegments',
        'output:=string', (
        ('separator', 'string', None, None, ''),
        ('Tindices', 'type', 6, None),
        ('Tnumsegments', 'type', 6, None, 'int32'),)),
    'UnsortedSegmentMax': (
        'unsorted_segment_max',
        'data:T segment_ids:Tindices num_segments:Tnumsegments',
        'output:T', (
        ('T', 'type', 35, None),
        ('Tindices', 'type', 6, None),
        ('Tnumsegments', 'type', 6, None, 'int32'),)),
    'UnsortedSegmentMin': (
        'unsorted_segment_min',
        'data:T segment_ids:Tindices num_segments:Tnumsegments',
        'output:T', (
        ('T', 'type', 35, None),
        ('Tindices', 'type', 6, None),
        ('Tnumsegments', 'type', 6, None, 'int32'),)),
    'UnsortedSegmentProd': (
        'unsorted_segment_prod',
        'data:T segment_ids:Tindices num_segments:Tnumsegments',
        'output:T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 6, None),
        ('Tnumsegments', 'type', 6, None, 'int32'),)),
    'UnsortedSegmentSum': (
        'unsorted_segment_sum',
        'data:T segment_ids:Tindices num_segments:Tnumsegments',
        'output:T', (
        ('T', 'type', 9, None),
        ('Tindices', 'type', 11, None),
        ('Tnumsegments', 'type', 6, None, 'int32'),)),
    'UpperBound': ('upper_bound', 'sorted_inputs:T values:T', 'output:out_type', (
        ('T', 'type', None, None),
        ('out_type', 'type', 6, None, 'int32'),)),
    'VarHandleOp': ('var_handle_op', '', 'resource:=resource', (
        ('container', 'string', None, None, ''),
        ('shared_name', 'string', None, None, ''),
        ('debug_name', 'string', None, None, ''),
        ('dtype', 'type', None, None),
        ('shape', 'shape', None, None),
        ('allowed_devices', 'list(string)', None, None, []),)),
    'VarIsInitializedOp': (
        'var_is_initialized_op', 'resource:=resource', 'is_initialized:=bool', ()),
    'VariableShape': ('variable_shape', 'input:=resource', 'output:out_type', (
        ('out_type', 'type', 6, None, 'int32'),)),
    'VariableV2': ('variable_v2', '', 'ref:&dtype', (
        ('shape', 'shape', None, None),
        ('dtype', 'type', None, None),
        ('container', 'string', None, None, ''),
        ('shared_name', 'string', None, None, ''),)),
    'Where': ('where', 'condition=input:T', 'index:=int64', (('T', 'type', 81, None, 'bool'),)),
    'While': ('_while', 'input:[T]', 'output:[T]', (
        ('T', 'list(type)', None, 0),
        ('cond', 'func', None, None),
        ('body', 'func', None, None),
        ('output_shapes', 'list(shape)', None, None, []),
        ('parallel_iterations', 'int', None, None, 10),)),
    'WriteFile': ('write_file', 'filename:=string contents:=string', '', ()),
    'Xdivy': ('xdivy', 'x:T y:T', 'z:T', (('T', 'type', 82, None),)),
    'Xlogy': ('xlogy', 'x:T y:T', 'z:T', (('T', 'type', 82, None),)),
    'ZerosLike': ('zeros_like', 'x:T', 'y:T', (('T', 'type', None, None),)),
    'Zeta': ('zeta', 'x:T q:T', 'z:T', (('T', 'type', 8, None),)),
}

TF_ONLY = """
Abort AccumulateNV2 AccumulatorApplyGradient AccumulatorNumAccumulated
AccumulatorSetGlobalStep AccumulatorTakeGradient AddManySparseToTensorsMap
AddSparseToTensorsMap AdjustContrast AdjustHue AdjustSaturation AllCandidateSampler
AllToAll AnonymousHashTable AnonymousIterator AnonymousIteratorV2 AnonymousIteratorV3
AnonymousMemoryCache AnonymousMultiDeviceIterator AnonymousMultiDeviceIteratorV3
AnonymousMutableDenseHashTable AnonymousMutableHashTable AnonymousMutableHashTableOfTensors
AnonymousRandomSeedGenerator AnonymousSeedGenerator ApplyAddSign ApplyPowerSign ApproxTopK
ApproximateEqual AssertCardinalityDataset AssertNextDataset AssertPrevDataset
AssignVariableXlaConcatND AudioSpectrogram AudioSummary AutoShardDataset
BandedTriangularSolve Barrier BarrierClose BarrierIncompleteSize BarrierInsertMany
BarrierReadySize BarrierTakeMany Batch BatchCholesky BatchCholeskyGrad BatchDataset
BatchDatasetV2 BatchFFT BatchFFT2D BatchFFT3D BatchFunction BatchIFFT BatchIFFT2D
BatchIFFT3D BatchMatrixBandPart BatchMatrixDeterminant BatchMatrixDiag BatchMatrixDiagPart
BatchMatrixInverse BatchMatrixSetDiag BatchMatrixSolve BatchMatrixSolveLs
BatchMatrixTriangularSolve BatchNormWithGlobalNormalization
BatchNormWithGlobalNormalizationGrad BatchSelfAdjointEig BatchSelfAdjointEigV2 BatchSvd
BatchToSpace BesselI0 BesselI1 BiasAddV1 BlockLSTM BlockLSTMGrad BlockLSTMGradV2
BlockLSTMV2 BoostedTreesAggregateStats BoostedTreesBucketize
BoostedTreesCalculateBestFeatureSplit BoostedTreesCalculateBestFeatureSplitV2
BoostedTreesCalculateBestGainsPerFeature BoostedTreesCenterBias BoostedTreesCreateEnsemble
BoostedTreesCreateQuantileStreamResource BoostedTreesDeserializeEnsemble
BoostedTreesEnsembleResourceHandleOp BoostedTreesExampleDebugOutputs
BoostedTreesFlushQuantileSummaries BoostedTreesGetEnsembleStates
BoostedTreesMakeQuantileSummaries BoostedTreesMakeStatsSummary BoostedTreesPredict
BoostedTreesQuantileStreamResourceAddSummaries
BoostedTreesQuantileStreamResourceDeserialize BoostedTreesQuantileStreamResourceFlush
BoostedTreesQuantileStreamResourceGetBucketBoundaries
BoostedTreesQuantileStreamResourceHandleOp BoostedTreesSerializeEnsemble
BoostedTreesSparseAggregateStats BoostedTreesSparseCalculateBestFeatureSplit
BoostedTreesTrainingPredict BoostedTreesUpdateEnsemble BoostedTreesUpdateEnsembleV2
BytesProducedStatsDataset CSRSparseMatrixComponents CSRSparseMatrixToDense
CSRSparseMatrixToSparseTensor CSVDataset CSVDatasetV2 CTCLossV2 CacheDataset CacheDatasetV2
CheckNumericsV2 CheckPinned CholeskyGrad ChooseFastestBranchDataset ChooseFastestDataset
CloseSummaryWriter CollectiveAllToAllV2 CollectiveAllToAllV3 CollectiveAssignGroupV2
CollectiveBcastRecv CollectiveBcastRecvV2 CollectiveBcastSend CollectiveBcastSendV2
CollectiveGather CollectiveGatherV2 CollectiveInitializeCommunicator CollectivePermute
CollectiveReduce CollectiveReduceScatterV2 CollectiveReduceV2 CollectiveReduceV3
CompositeTensorVariantFromComponents CompositeTensorVariantToComponents CompressElement
ComputeAccidentalHits ComputeBatchSize ConcatenateDataset ConditionalAccumulator
ConfigureDistributedTPU ConfigureTPUEmbedding ConjugateTranspose ConsumeMutexLock
ControlTrigger Conv Conv2DBackpropFilterV2 Conv2DBackpropInputV2 Conv3DBackpropFilter
Conv3DBackpropInput ConvertToCooTensor ConvertToListOfSparseCoreCooTensors
ConvertToSparseCoreCsrWrappedCooTensor Copy CopyHost CreateSummaryDbWriter
CreateSummaryFileWriter Cross CrossReplicaSum CudnnRNN CudnnRNNBackprop CudnnRNNBackpropV2
CudnnRNNBackpropV3 CudnnRNNCanonicalToParams CudnnRNNCanonicalToParamsV2 CudnnRNNParamsSize
CudnnRNNParamsToCanonical CudnnRNNParamsToCanonicalV2 CudnnRNNV2 CudnnRNNV3
DataFormatDimMap DataFormatVecPermute DataServiceDataset DataServiceDatasetV2
DataServiceDatasetV3 DataServiceDatasetV4 DatasetCardinality DatasetFingerprint
DatasetFromGraph DatasetToGraph DatasetToGraphV2 DatasetToSingleElement DatasetToTFRecord
DebugGradientIdentity DebugGradientRefIdentity DebugIdentity DebugIdentityV2
DebugIdentityV3 DebugNanCount DebugNumericSummary DebugNumericSummaryV2 DecodeCompressed
DecodeJxl DecodePaddedRaw DecodeProtoV2 DecodeWebP DeepCopy DeleteIterator
DeleteMemoryCache DeleteMultiDeviceIterator DeleteRandomSeedGenerator DeleteSeedGenerator
DeleteSessionTensor DenseCountSparseOutput DenseToCSRSparseMatrix DenseToSparseBatchDataset
DeserializeIterator DeserializeSparse DestroyResourceOp DestroyTemporaryVariable
DeviceIndex DirectedInterleaveDataset DistributedSave Div DrawBoundingBoxes
DummyIterationCounter DummyMemoryCache DummySeedGenerator
DynamicEnqueueTPUEmbeddingArbitraryTensorBatch DynamicEnqueueTPUEmbeddingRaggedTensorBatch
EagerPyFunc Eig Empty EmptyTensorMap EncodeJpegVariableQuality EncodeProto
EnqueueTPUEmbeddingArbitraryTensorBatch EnqueueTPUEmbeddingIntegerBatch
EnqueueTPUEmbeddingRaggedTensorBatch EnqueueTPUEmbeddingSparseBatch
EnqueueTPUEmbeddingSparseTensorBatch Enter EuclideanNorm Exit ExperimentalAssertNextDataset
ExperimentalAutoShardDataset ExperimentalBytesProducedStatsDataset ExperimentalCSVDataset
ExperimentalChooseFastestDataset ExperimentalDatasetCardinality
ExperimentalDatasetToTFRecord ExperimentalDenseToSparseBatchDataset
ExperimentalDirectedInterleaveDataset ExperimentalGroupByReducerDataset
ExperimentalGroupByWindowDataset ExperimentalIgnoreErrorsDataset
ExperimentalIteratorGetDevice ExperimentalLMDBDataset ExperimentalLatencyStatsDataset
ExperimentalMapAndBatchDataset ExperimentalMapDataset ExperimentalMatchingFilesDataset
ExperimentalMaxIntraOpParallelismDataset ExperimentalNonSerializableDataset
ExperimentalParallelInterleaveDataset ExperimentalParseExampleDataset
ExperimentalPrivateThreadPoolDataset ExperimentalRandomDataset ExperimentalRebatchDataset
ExperimentalScanDataset ExperimentalSetStatsAggregatorDataset ExperimentalSleepDataset
ExperimentalSlidingWindowDataset ExperimentalSqlDataset ExperimentalStatsAggregatorHandle
ExperimentalStatsAggregatorSummary ExperimentalTakeWhileDataset
ExperimentalThreadPoolDataset ExperimentalThreadPoolHandle ExperimentalUnbatchDataset
ExperimentalUniqueDataset ExtractGlimpseV2 FFTND FIFOQueue Fact FakeParam FakeQueue
FileSystemSetConfiguration FilterByLastComponentDataset FilterDataset FinalizeDataset
FixedLengthRecordDataset FixedLengthRecordDatasetV2 FixedLengthRecordReader
FixedLengthRecordReaderV2 FixedUnigramCandidateSampler FlatMapDataset FlushSummaryWriter
For FusedPadConv2D FusedResizeAndPadConv2D GRUBlockCell GRUBlockCellGrad
GenerateBoundingBoxProposals GenerateVocabRemapping GeneratorDataset GetElementAtIndex
GetMinibatchSplitsWithPhysicalReplica GetMinibatchesInCsrWithPhysicalReplica GetOptions
GetSessionHandle GetSessionHandleV2 GetSessionTensor GetStatsFromListOfSparseCoreCooTensors
GlobalIterId GlobalShuffleDataset GroupByReducerDataset GroupByWindowDataset HashTable
IFFTND IRFFTND IdentityReader IdentityReaderV2 IgnoreErrorsDataset
ImageProjectiveTransformV3 ImmutableConst ImportEvent InTopK IndexFlatMapDataset
InfeedDequeue InfeedDequeueTuple InfeedEnqueue InfeedEnqueuePrelinearizedBuffer
InfeedEnqueueTuple InitializeTable InitializeTableFromDataset InitializeTableFromTextFile
InplaceAdd InplaceSub InplaceUpdate InterleaveDataset Inv InvGrad
IsBoostedTreesEnsembleInitialized IsBoostedTreesQuantileStreamResourceInitialized
IsTPUEmbeddingInitialized IsotonicRegression Iterator IteratorFromStringHandle
IteratorFromStringHandleV2 IteratorGetDevice IteratorGetModelProto IteratorGetNext
IteratorGetNextAsOptional IteratorGetNextSync IteratorToStringHandle IteratorV2
KMC2ChainInitialization KmeansPlusPlusInitialization LMDBDataset LMDBReader LSTMBlockCell
LSTMBlockCellGrad LatencyStatsDataset LearnedUnigramCandidateSampler
LegacyParallelInterleaveDatasetV2 ListDataset ListSnapshotChunksDataset LoadAndRemapMatrix
LoadDataset LoadTPUEmbeddingADAMParameters LoadTPUEmbeddingAdadeltaParameters
LoadTPUEmbeddingAdagradMomentumParameters LoadTPUEmbeddingAdagradParameters
LoadTPUEmbeddingCenteredRMSPropParameters LoadTPUEmbeddingFTRLParameters
LoadTPUEmbeddingFrequencyEstimatorParameters LoadTPUEmbeddingMDLAdagradLightParameters
LoadTPUEmbeddingMomentumParameters LoadTPUEmbeddingProximalAdagradParameters
LoadTPUEmbeddingProximalYogiParameters LoadTPUEmbeddingRMSPropParameters
LoadTPUEmbeddingStochasticGradientDescentParameters LogUniformCandidateSampler
LookupTableExport LookupTableFind LookupTableImport LookupTableInsert LookupTableSize
LoopCond MakeIterator MapAndBatchDataset MapClear MapDataset MapDefun MapIncompleteSize
MapPeek MapSize MapStage MapUnstage MapUnstageNoKey MatchingFilesDataset MatrixSolveLs
MaxIntraOpParallelismDataset MaxPoolGradGradV2 MaxPoolGradGradWithArgmax MaxPoolGradV2
MaxPoolGradWithArgmax Merge Mfcc Mod ModelDataset MultiDeviceIterator
MultiDeviceIteratorFromStringHandle MultiDeviceIteratorGetNextFromShard
MultiDeviceIteratorInit MultiDeviceIteratorToStringHandle Multinomial MutableDenseHashTable
MutableDenseHashTableV2 MutableHashTable MutableHashTableOfTensors MutexLock MutexV2
NcclAllReduce NcclBroadcast NcclReduce NearestNeighbors NextIteration NonDeterministicInts
NonSerializableDataset NthElement OneShotIterator OptimizeDataset OptimizeDatasetV2
OptionsDataset OrderedMapClear OrderedMapIncompleteSize OrderedMapPeek OrderedMapSize
OrderedMapStage OrderedMapUnstage OrderedMapUnstageNoKey OutfeedDequeue OutfeedDequeueTuple
OutfeedDequeueTupleV2 OutfeedDequeueV2 OutfeedEnqueue OutfeedEnqueueTuple
PaddedBatchDataset PaddedBatchDatasetV2 PaddingFIFOQueue ParallelBatchDataset
ParallelConcat ParallelFilterDataset ParallelInterleaveDataset ParallelInterleaveDatasetV2
ParallelInterleaveDatasetV3 ParallelInterleaveDatasetV4 ParallelMapDataset
ParallelMapDatasetV2 ParameterizedTruncatedNormal ParseExampleDataset ParseExampleDatasetV2
PlaceholderV2 PopulationCount PrefetchDataset Prelinearize PrelinearizeTuple PriorityQueue
PrivateThreadPoolDataset PyFunc PyFuncStateless QuantizeAndDequantize
QuantizeAndDequantizeV3 QuantizeDownAndShrinkRange QuantizedAdd QuantizedAvgPool
QuantizedBatchNormWithGlobalNormalization QuantizedBiasAdd QuantizedConcat QuantizedConv2D
QuantizedConv2DAndRelu QuantizedConv2DAndReluAndRequantize QuantizedConv2DAndRequantize
QuantizedConv2DPerChannel QuantizedConv2DWithBias QuantizedConv2DWithBiasAndRelu
QuantizedConv2DWithBiasAndReluAndRequantize QuantizedConv2DWithBiasAndRequantize
QuantizedConv2DWithBiasSignedSumAndReluAndRequantize QuantizedConv2DWithBiasSumAndRelu
QuantizedConv2DWithBiasSumAndReluAndRequantize QuantizedDepthwiseConv2D
QuantizedDepthwiseConv2DWithBias QuantizedDepthwiseConv2DWithBiasAndRelu
QuantizedDepthwiseConv2DWithBiasAndReluAndRequantize QuantizedInstanceNorm QuantizedMatMul
QuantizedMatMulWithBias QuantizedMatMulWithBiasAndDequantize QuantizedMatMulWithBiasAndRelu
QuantizedMatMulWithBiasAndReluAndRequantize QuantizedMatMulWithBiasAndRequantize
QuantizedMaxPool QuantizedMul QuantizedRelu QuantizedRelu6 QuantizedReluX QuantizedReshape
QuantizedResizeBilinear QueueClose QueueDequeue QueueDequeueMany QueueDequeueUpTo
QueueEnqueue QueueEnqueueMany QueueIsClosed QueueSize RFFTND RaggedCountSparseOutput
RaggedCross RaggedFillEmptyRows RaggedFillEmptyRowsGrad RaggedGather RaggedRange
RaggedTensorFromVariant RaggedTensorToSparse RaggedTensorToVariant
RaggedTensorToVariantGradient RandomCrop RandomDataset RandomDatasetV2 RandomGamma
RandomIndexShuffle RandomPoisson RandomShuffle RandomShuffleQueue RandomUniformInt
RangeDataset ReadVariableXlaSplitND ReaderNumRecordsProduced ReaderNumRecordsProducedV2
ReaderNumWorkUnitsCompleted ReaderNumWorkUnitsCompletedV2 ReaderRead ReaderReadUpTo
ReaderReadUpToV2 ReaderReadV2 ReaderReset ReaderResetV2 ReaderRestoreState
ReaderRestoreStateV2 ReaderSerializeState ReaderSerializeStateV2 RebatchDataset
RebatchDatasetV2 RecordInput Recv RecvTPUEmbeddingActivations ReduceDataset RefEnter
RefExit RefIdentity RefMerge RefNextIteration RefSelect RefSwitch RegisterDataset
RegisterDatasetV2 RemoteCall RepeatDataset RequantizationRange
RequantizationRangePerChannel Requantize RequantizePerChannel
ResourceAccumulatorApplyGradient ResourceAccumulatorNumAccumulated
ResourceAccumulatorSetGlobalStep ResourceAccumulatorTakeGradient
ResourceApplyAdamWithAmsgrad ResourceApplyAddSign ResourceApplyPowerSign
ResourceConditionalAccumulator ResourceCountUpTo ResourceScatterNdMax ResourceScatterNdMin
Restore RestoreSlice RetrieveTPUEmbeddingADAMParameters
RetrieveTPUEmbeddingAdadeltaParameters RetrieveTPUEmbeddingAdagradMomentumParameters
RetrieveTPUEmbeddingAdagradParameters RetrieveTPUEmbeddingCenteredRMSPropParameters
RetrieveTPUEmbeddingFTRLParameters RetrieveTPUEmbeddingFrequencyEstimatorParameters
RetrieveTPUEmbeddingMDLAdagradLightParameters RetrieveTPUEmbeddingMomentumParameters
RetrieveTPUEmbeddingProximalAdagradParameters RetrieveTPUEmbeddingProximalYogiParameters
RetrieveTPUEmbeddingRMSPropParameters
RetrieveTPUEmbeddingStochasticGradientDescentParameters Reverse RewriteDataset
RngReadAndSkip RngSkip SampleDistortedBoundingBox SamplingDataset Save SaveDataset
SaveDatasetV2 SaveSlices ScanDataset ScatterNdMax ScatterNdMin ScatterNdNonAliasingAdd
SdcaFprint SdcaOptimizer SdcaOptimizerV2 SdcaShrinkL1 SegmentMaxV2 SegmentMinV2
SegmentProdV2 SegmentSumV2 SelfAdjointEig Send SendTPUEmbeddingGradients SerializeIterator
SetStatsAggregatorDataset ShardDataset ShardedFilespec ShuffleAndRepeatDataset
ShuffleAndRepeatDatasetV2 ShuffleDataset ShuffleDatasetV2 ShuffleDatasetV3
ShutdownDistributedTPU SkipDataset SleepDataset SlidingWindowDataset SnapshotChunkDataset
SnapshotDataset SnapshotDatasetReader SnapshotDatasetV2 SnapshotNestedDatasetReader
SobolSample SortListOfSparseCoreCooTensors SpaceToBatch SparseAccumulatorApplyGradient
SparseAccumulatorTakeGradient SparseAddGrad SparseConditionalAccumulator
SparseCountSparseOutput SparseCrossHashed SparseFillEmptyRowsGrad SparseMatMul
SparseMatrixAdd SparseMatrixMatMul SparseMatrixMul SparseMatrixNNZ SparseMatrixOrderingAMD
SparseMatrixSoftmax SparseMatrixSoftmaxGrad SparseMatrixSparseCholesky
SparseMatrixSparseMatMul SparseMatrixTranspose SparseMatrixZeros SparseSliceGrad
SparseSplit SparseTensorSliceDataset SparseTensorToCSRSparseMatrix SqlDataset Stack
StackClose StackCloseV2 StackPop StackPopV2 StackPush StackPushV2 StackV2 Stage StageClear
StagePeek StageSize StatefulRandomBinomial StatefulStandardNormal StatefulStandardNormalV2
StatefulTruncatedNormal StatefulUniform StatefulUniformFullInt StatefulUniformInt
StatelessParameterizedTruncatedNormal StatelessRandomBinomial StatelessRandomGammaV2
StatelessRandomGammaV3 StatelessRandomPoisson StatelessSampleDistortedBoundingBox
StatelessShuffle StatsAggregatorHandle StatsAggregatorHandleV2
StatsAggregatorSetSummaryWriter StatsAggregatorSummary StoreMinibatchStatisticsInFdo
SummaryWriter Switch SymbolicGradient SyncDevice TFRecordDataset TFRecordDatasetV2
TFRecordReader TFRecordReaderV2 TPUAnnotateTensorsWithDynamicShape TPUCompilationResult
TPUCopyWithDynamicShape TPUDummyInput TPUEmbeddingActivations TPUOrdinalSelector
TPUPartitionedCall TPUPartitionedInput TPUPartitionedInputV2 TPUPartitionedOutput
TPUPartitionedOutputV2 TPUReplicateMetadata TPUReplicatedInput TPUReplicatedOutput
TakeDataset TakeManySparseFromTensorsMap TakeWhileDataset TemporaryVariable TensorArray
TensorArrayClose TensorArrayCloseV2 TensorArrayConcat TensorArrayConcatV2 TensorArrayGather
TensorArrayGatherV2 TensorArrayGrad TensorArrayGradV2 TensorArrayGradV3
TensorArrayGradWithShape TensorArrayPack TensorArrayRead TensorArrayReadV2
TensorArrayScatter TensorArrayScatterV2 TensorArraySize TensorArraySizeV2 TensorArraySplit
TensorArraySplitV2 TensorArraySplitV3 TensorArrayUnpack TensorArrayV2 TensorArrayWrite
TensorArrayWriteV2 TensorDataset TensorListConcatLists TensorListPushBackBatch
TensorListResize TensorListSplit TensorMapErase TensorMapHasKey TensorMapInsert
TensorMapLookup TensorMapSize TensorMapStackKeys TensorSliceDataset
TensorStridedSliceUpdate TensorSummary TextLineDataset TextLineReader TextLineReaderV2
ThreadPoolDataset ThreadPoolHandle ThreadUnsafeUnigramCandidateSampler TileGrad ToBool TopK
TridiagonalMatMul Unbatch UnbatchDataset UnbatchGrad UncompressElement UnicodeScript
UniformCandidateSampler UniformDequantize UniformQuantize UniformQuantizedAdd
UniformQuantizedClipByValue UniformQuantizedConvolution UniformQuantizedConvolutionHybrid
UniformQuantizedDot UniformQuantizedDotHybrid UniformRequantize UniqueDataset UniqueV2
UniqueWithCountsV2 UnravelIndex Unstage UnwrapDatasetVariant Variable
WeightedFlatMapDataset WholeFileReader WholeFileReaderV2 WindowDataset WindowOp
WorkerHeartbeat WrapDatasetVariant WriteAudioSummary WriteGraphSummary
WriteHistogramSummary WriteImageSummary WriteRawProtoSummary WriteScalarSummary
WriteSummary XlaConcatND XlaSparseCoreAdagrad XlaSparseCoreAdagradMomentum
XlaSparseCoreAdam XlaSparseCoreFtrl XlaSparseCoreSgd XlaSparseDenseMatmul
XlaSparseDenseMatmulCustomCombinerOnTcGradWithAdagradAndCsrInput
XlaSparseDenseMatmulCustomCombinerOnTcGradWithAdagradMomentumAndCsrInput
XlaSparseDenseMatmulCustomCombinerOnTcGradWithAdamAndCsrInput
XlaSparseDenseMatmulCustomCombinerOnTcGradWithCsrInput
XlaSparseDenseMatmulCustomCombinerOnTcGradWithFtrlAndCsrInput
XlaSparseDenseMatmulCustomCombinerOnTcGradWithSgdAndCsrInput
XlaSparseDenseMatmulCustomCombinerOnTcWithCsrInput
XlaSparseDenseMatmulGradWithAdagradAndCsrInput
XlaSparseDenseMatmulGradWithAdagradAndStaticBufferSize
XlaSparseDenseMatmulGradWithAdagradMomentumAndCsrInput
XlaSparseDenseMatmulGradWithAdagradMomentumAndStaticBufferSize
XlaSparseDenseMatmulGradWithAdamAndCsrInput
XlaSparseDenseMatmulGradWithAdamAndStaticBufferSize XlaSparseDenseMatmulGradWithCsrInput
XlaSparseDenseMatmulGradWithFtrlAndCsrInput
XlaSparseDenseMatmulGradWithFtrlAndStaticBufferSize
XlaSparseDenseMatmulGradWithSgdAndCsrInput
XlaSparseDenseMatmulGradWithSgdAndStaticBufferSize XlaSparseDenseMatmulWithCsrInput
XlaSparseDenseMatmulWithStaticBufferSize XlaSplitND Xlog1py ZipDataset
""".split()
