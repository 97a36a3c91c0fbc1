"""Embedded datasets of linyi_spatial (installed as ``linyi_spatial.data``).

See ``SOURCES.md`` in this folder for the provenance, licence and quality of
every file and figure.
"""
