"""linyi_spatial: planned spatial structure, accessibility and hierarchy of a city-region."""
__version__ = "0.1.0"
