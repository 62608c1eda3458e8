"""The output tables: schemas, rows, and how they are written (atomic, streamed, spreadsheet-safe), with the
corpus-wide entity index and co-occurrence. It may import only the package root (`errors`, `labels`, `util`).
"""
