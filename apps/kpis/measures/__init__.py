"""One module per catalogue section; importing the package imports every module, which registers its
measures, so a new section module cannot be forgotten."""

import importlib
import pkgutil

for _info in pkgutil.iter_modules(__path__):
    if _info.name != "common":
        importlib.import_module(f"{__name__}.{_info.name}")
