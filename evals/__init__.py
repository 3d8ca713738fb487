"""Evaluation suites and their runners (safety, retrieval, grounding).

The suite formats are fixed in DESIGN.md; the runners and shipped suites
arrive with the retrieval, grounding and safety issues.
"""
