"""German canonical names: the rules that turn a mention into its base form, and the word lists they read.

It may import spaCy and the package root (`errors`, `labels`, `util`); not `nlp`, `batch` or `tables`,
so that the rules can be tested and scored without building a pipeline.
"""
