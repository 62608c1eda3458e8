"""Looking at a run's output: analysis helpers shared by the notebook and the report, and the HTML report.
It reads the tables a run wrote, so it may import `tables` and the package root, never `nlp` or `batch`.
"""
