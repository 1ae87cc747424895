"""gc.quantization: TF1's fake-quantization and quantize/dequantize ops."""
__all__ = []
