"""Everything that builds or extends a spaCy `Language`: the factories, loading a model, the batch pipeline
around it, and the components (`components/`, one module per stage). It may import the package root,
`names` (the canonical stage's rules) and `tables.rows` (the rows the tables component makes).
"""
