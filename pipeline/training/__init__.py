"""Making the NER model: GermEval reading, DocBins, `spacy train`, evaluation, floret vectors, pretraining and
speed measurement. It may import the package root and `nlp` (to load, score and package a model).
"""
