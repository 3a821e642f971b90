"""Importers of the statutory returns councils already produce, each a translation into the bundle's record
tables that then goes through the bundle's own validation and one-transaction upsert (see base.py).

FORMATS is what `import_statutory --format` offers (SSDA903, Annex A); further formats are added here as
classes with the same shape (`format`, `label`, `__init__(report, year=, progress=)`, `translate(paths)`).
"""

from .annex_a import AnnexA
from .cin_census import CinCensus
from .ssda903 import Ssda903

FORMATS = {cls.format: cls for cls in (Ssda903, AnnexA, CinCensus)}
