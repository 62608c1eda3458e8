"""German canonical names: the rules that turn a mention into its base form, the word lists they read, and
their evaluation on a gold set. It may import spaCy and the package root (`errors`, `labels`, `util`) only,
so the rules can be tested without building a pipeline.
"""
