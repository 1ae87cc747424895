"""TF1's tf.strings namespace (tf.compat.v1.strings): the string ops under their
tf.strings names. Splitting returns SparseTensors, since graphc has no RaggedTensor.

    gc.strings.length(['ab', 'héllo'], unit='UTF8_CHAR')     # [2 5]
"""
from .ops import strings as _s
from .ops import strings_more as _m
from .ops import strings_unicode as _u
from .ops.strings import REGEX_FULL_MATCH as _REGEX_FULL_MATCH
from .ops.strings import apply1 as _apply1

as_string = _s.as_string
join = _s.string_join
reduce_join = _s.reduce_join
regex_replace = _s.regex_replace
strip = _s.string_strip
substr = _s.substr
to_hash_bucket = _s.string_to_hash_bucket
to_hash_bucket_fast = _s.string_to_hash_bucket_fast
to_hash_bucket_strong = _s.string_to_hash_bucket_strong
to_number = _s.string_to_number
split = _m.split
bytes_split = _m.bytes_split
length = _m.length
lower = _m.lower
upper = _m.upper
unsorted_segment_join = _m.unsorted_segment_join
format = _u.format
ngrams = _u.ngrams
unicode_encode = _u.unicode_encode
unicode_transcode = _u.unicode_transcode
unicode_decode = _u.unicode_decode
unicode_decode_with_offsets = _u.unicode_decode_with_offsets
unicode_split = _u.unicode_split
unicode_split_with_offsets = _u.unicode_split_with_offsets


def regex_full_match(input, pattern, name=None):
    """Whether each whole string matches `pattern` (Python re syntax).

        gc.strings.regex_full_match(['abc', 'ab'], 'a.c')   # [ True False]
    """
    return _apply1(_REGEX_FULL_MATCH, (_s.strings(input), _s.strings(pattern)), name=name)


__all__ = ["as_string", "bytes_split", "join", "length", "lower", "reduce_join",
           "regex_full_match", "regex_replace", "split", "strip", "substr",
           "to_hash_bucket", "to_hash_bucket_fast", "to_hash_bucket_strong", "to_number",
           "unsorted_segment_join", "upper", "format", "ngrams", "unicode_encode",
           "unicode_transcode", "unicode_decode", "unicode_decode_with_offsets",
           "unicode_split", "unicode_split_with_offsets"]
