"""Prints the OpenBLAS core (kernel set) numpy's OpenBLAS chose at load time, e.g. Haswell or
SkylakeX, or "unknown" when the library does not say. OPENBLAS_CORETYPE in the environment
overrides the choice (DYNAMIC_ARCH builds). Used by bench/compare.sh."""
import ctypes

import numpy as np  # loads OpenBLAS

NAMES = ("scipy_openblas_get_corename64_", "scipy_openblas_get_corename",
         "openblas_get_corename64_", "openblas_get_corename")


def corename():
    lib = ctypes.CDLL(None)
    libs = [lib]
    try:
        import glob
        import os
        here = os.path.dirname(np.__file__)
        for path in glob.glob(os.path.join(here, "..", "numpy.libs", "*openblas*")) + \
                glob.glob(os.path.join(here, ".libs", "*openblas*")):
            libs.append(ctypes.CDLL(path))
    except OSError:
        pass
    for lib in libs:
        for name in NAMES:
            f = getattr(lib, name, None)
            if f is not None:
                f.restype = ctypes.c_char_p
                return f().decode()
    return "unknown"


print(corename())
