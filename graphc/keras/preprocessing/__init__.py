"""gc.keras.preprocessing (tf.keras.preprocessing): numpy-side data preparation that
runs before the graph: `text` (Tokenizer, one_hot, hashing_trick), `sequence`
(pad_sequences, TimeseriesGenerator, skipgrams) and `image` (ImageDataGenerator and the
augmentation functions).

    tok = gc.keras.preprocessing.text.Tokenizer(num_words=1000)
    x = gc.keras.preprocessing.sequence.pad_sequences(tok.texts_to_sequences(texts))
"""
from . import image, sequence, text
from ..utils_dataset import (image_dataset_from_directory, text_dataset_from_directory,
                             timeseries_dataset_from_array)

__all__ = ["image", "sequence", "text", "image_dataset_from_directory",
           "text_dataset_from_directory", "timeseries_dataset_from_array"]
