"""One module per pipeline stage, each a component class with keyword-only options; `nlp/factories.py`
registers them all. They may import the package root, `names` and `tables.rows`, and one another only to
register the span extensions they read.
"""
