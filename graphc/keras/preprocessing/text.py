"""gc.keras.preprocessing.text (tf.keras.preprocessing.text): the Tokenizer, which builds
a word index from texts and turns texts into index sequences or count/tf-idf matrices,
and the stateless text_to_word_sequence, one_hot and hashing_trick. Pure Python/numpy.

    tok = gc.keras.preprocessing.text.Tokenizer(num_words=100, oov_token="<unk>")
    tok.fit_on_texts(["the cat sat", "the dog"])
    tok.texts_to_sequences(["the bird"])        # [[2, 1]]
"""
import collections
import hashlib
import json
import warnings

import numpy as np

__all__ = ["Tokenizer", "text_to_word_sequence", "one_hot", "hashing_trick",
           "tokenizer_from_json"]

_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_MODES = ("binary", "count", "tfidf", "freq")


def text_to_word_sequence(input_text, filters=_FILTERS, lower=True, split=" "):
    """The words of a text: lower-cased, each character of `filters` turned into
    `split`, split on `split`, empty pieces dropped.

        text_to_word_sequence("This is a sample sentence.")
        # ['this', 'is', 'a', 'sample', 'sentence']
    """
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in input_text.split(split) if w]


def _md5(word):
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


def hashing_trick(text, n, hash_function=None, filters=_FILTERS, lower=True, split=" ",
                  analyzer=None):
    """The words of `text` as indices hash(word) % (n - 1) + 1 in [1, n); hash_function
    None is Python's `hash` (salted per process), "md5" a stable md5 of the word, or
    any callable str -> int; `analyzer` (text -> words) replaces text_to_word_sequence.

        hashing_trick("the cat the", 10, hash_function="md5")   # [a, b, a]
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = _md5
    if analyzer is None:
        words = text_to_word_sequence(text, filters=filters, lower=lower, split=split)
    else:
        words = analyzer(text)
    return [hash_function(w) % (n - 1) + 1 for w in words]


def one_hot(input_text, n, filters=_FILTERS, lower=True, split=" ", analyzer=None):
    """hashing_trick with Python's `hash`: word indices in [1, n) (collisions possible).

        one_hot("the cat sat", 50)                # three ints in [1, 50)
    """
    return hashing_trick(input_text, n, hash_function=hash, filters=filters, lower=lower,
                         split=split, analyzer=analyzer)


class Tokenizer:
    """Tokenizer(num_words=None, filters=..., lower=True, split=" ", char_level=False,
    oov_token=None, analyzer=None, document_count=0) (tf.keras.preprocessing.text).

    fit_on_texts builds word_counts, word_docs, word_index (1 = most frequent; equal
    counts keep first-seen order; oov_token, if given, is 1) and index_word; texts_to_*
    then keep only indices below num_words (the num_words - 1 most frequent words),
    others become oov_token's index or are dropped.

        tok = Tokenizer(num_words=3)
        tok.fit_on_texts(["a b b", "c b a"])     # word_index {'b': 1, 'a': 2, 'c': 3}
        tok.texts_to_matrix(["a c"], mode="count")   # [[0., 0., 1.]]
    """

    def __init__(self, num_words=None, filters=_FILTERS, lower=True, split=" ",
                 char_level=False, oov_token=None, analyzer=None, **kwargs):
        if "nb_words" in kwargs:
            warnings.warn("The `nb_words` argument in `Tokenizer` has been renamed "
                          "`num_words`.")
            num_words = kwargs.pop("nb_words")
        document_count = kwargs.pop("document_count", 0)
        if kwargs:
            raise TypeError("Unrecognized keyword arguments: " + str(kwargs))
        self.word_counts = collections.OrderedDict()
        self.word_docs = collections.defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = collections.defaultdict(int)
        self.word_index = {}
        self.index_word = {}
        self.analyzer = analyzer

    def _tokens(self, text):
        """The tokens of one text: a list is taken as tokens, a string is split into
        characters (char_level) or words (the analyzer or text_to_word_sequence)."""
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return text
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, filters=self.filters, lower=self.lower,
                                     split=self.split)

    def fit_on_texts(self, texts):
        """Count the words of `texts` (strings, or lists of tokens) and rebuild
        word_index / index_word / index_docs."""
        for text in texts:
            self.document_count += 1
            seq = self._tokens(text)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] += 1
        # sorted() is stable: words with equal counts keep their first-seen order
        by_count = sorted(self.word_counts.items(), key=lambda wc: wc[1], reverse=True)
        vocab = ([] if self.oov_token is None else [self.oov_token])
        vocab += [w for w, _ in by_count]
        # dict() keeps the last index of a repeated key, as tf.keras does when the
        # oov_token itself occurs in the texts
        self.word_index = dict(zip(vocab, range(1, len(vocab) + 1)))
        self.index_word = {i: w for w, i in self.word_index.items()}
        for w, c in list(self.word_docs.items()):
            self.index_docs[self.word_index[w]] = c

    def fit_on_sequences(self, sequences):
        """Count in how many of `sequences` (lists of word indices) each index occurs
        (what tfidf needs when fit_on_texts was not called)."""
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences(self, texts):
        """A list of word-index lists, one per text."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        """Yield the word-index list of each text (see texts_to_sequences)."""
        oov = self.word_index.get(self.oov_token)
        for text in texts:
            vect = []
            for w in self._tokens(text):
                i = self.word_index.get(w)
                if i is not None and not (self.num_words and i >= self.num_words):
                    vect.append(i)
                elif i is not None:
                    if oov is not None:
                        vect.append(oov)
                elif self.oov_token is not None:
                    vect.append(oov)
            yield vect

    def sequences_to_texts(self, sequences):
        """The texts (words joined by spaces) of word-index lists."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        """Yield the text of each word-index list (see sequences_to_texts)."""
        oov = self.word_index.get(self.oov_token)
        for seq in sequences:
            words = []
            for num in seq:
                word = self.index_word.get(num)
                if word is not None and not (self.num_words and num >= self.num_words):
                    words.append(word)
                elif word is not None:
                    if oov is not None:
                        words.append(self.index_word[oov])
                elif self.oov_token is not None:
                    words.append(self.index_word[oov])
            yield " ".join(words)

    def texts_to_matrix(self, texts, mode="binary"):
        """sequences_to_matrix of texts_to_sequences(texts)."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """A float64 matrix (len(sequences), num_words) (len(word_index) + 1 without
        num_words): per row, for each index j < num_words with c occurrences,
        binary 1, count c, freq c / len(seq), or tfidf
        (1 + log c) * log(1 + document_count / (1 + index_docs[j]))."""
        if self.num_words:
            num_words = self.num_words
        elif self.word_index:
            num_words = len(self.word_index) + 1
        else:
            raise ValueError("Specify a dimension (`num_words` argument), or fit on some "
                             "text data first.")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        x = np.zeros((len(sequences), num_words))
        for row, seq in enumerate(sequences):
            if not seq:
                continue
            counts = collections.Counter(j for j in seq if j < num_words)
            for j, c in counts.items():
                if mode == "count":
                    x[row, j] = c
                elif mode == "freq":
                    x[row, j] = c / len(seq)
                elif mode == "binary":
                    x[row, j] = 1
                elif mode == "tfidf":
                    idf = np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
                    x[row, j] = (1 + np.log(c)) * idf
                else:
                    raise ValueError("Unknown vectorization mode:", mode)
        return x

    def get_config(self):
        """The settings, and the count/index dicts as JSON strings."""
        return {"num_words": self.num_words, "filters": self.filters, "lower": self.lower,
                "split": self.split, "char_level": self.char_level,
                "oov_token": self.oov_token, "document_count": self.document_count,
                "word_counts": json.dumps(self.word_counts),
                "word_docs": json.dumps(self.word_docs),
                "index_docs": json.dumps(self.index_docs),
                "index_word": json.dumps(self.index_word),
                "word_index": json.dumps(self.word_index)}

    def to_json(self, **kwargs):
        """JSON {"class_name": "Tokenizer", "config": get_config()}; kwargs go to
        json.dumps. tokenizer_from_json reads it back."""
        return json.dumps({"class_name": self.__class__.__name__,
                           "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string):
    """The Tokenizer of a Tokenizer.to_json() string.

        tok2 = tokenizer_from_json(tok.to_json())
    """
    config = dict(json.loads(json_string).get("config"))
    word_counts = json.loads(config.pop("word_counts"))
    word_docs = json.loads(config.pop("word_docs"))
    index_docs = {int(k): v for k, v in json.loads(config.pop("index_docs")).items()}
    index_word = {int(k): v for k, v in json.loads(config.pop("index_word")).items()}
    word_index = json.loads(config.pop("word_index"))
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = word_counts
    tokenizer.word_docs = word_docs
    tokenizer.index_docs = index_docs
    tokenizer.word_index = word_index
    tokenizer.index_word = index_word
    return tokenizer
