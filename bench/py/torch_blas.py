"""Prints which BLAS library PyTorch's dense products run on in this process, as one line
"KIND PATH [CORE]": KIND is openblas, mkl, reference or unknown; PATH the shared library that
provides the sgemm_ torch calls; CORE, for OpenBLAS, the kernel set it chose (e.g. Haswell).
Debian's python3-torch links libblas.so.3, which the alternatives system points at the reference
BLAS (package libblas3, unoptimized loops) unless an optimized one such as libopenblas0-pthread is
installed. Several BLAS libraries may be mapped at once (numpy's LAPACK may bring OpenBLAS along),
so the library is found from the sgemm_ symbol itself (dladdr), not from the process's maps.
Used by bench/compare.sh, which refuses to time torch on the reference BLAS."""
import ctypes
import ctypes.util
import os

import torch


class DlInfo(ctypes.Structure):
    _fields_ = [("dli_fname", ctypes.c_char_p), ("dli_fbase", ctypes.c_void_p),
                ("dli_sname", ctypes.c_char_p), ("dli_saddr", ctypes.c_void_p)]


def sgemm_library():
    """The real path of the library whose sgemm_ torch's libtorch_cpu (NEEDED libblas.so.3)
    resolves to, or None. A build linked against MKL or OpenBLAS directly maps that instead."""
    for soname in ("libblas.so.3", "libmkl_rt.so", "libopenblas.so.0"):
        try:
            lib = ctypes.CDLL(soname, mode=ctypes.RTLD_GLOBAL | os.RTLD_NOLOAD)
        except OSError:
            continue
        f = getattr(lib, "sgemm_", None)
        if f is None:
            continue
        info = DlInfo()
        libdl = ctypes.CDLL(ctypes.util.find_library("c"))
        if libdl.dladdr(ctypes.cast(f, ctypes.c_void_p), ctypes.byref(info)):
            return os.path.realpath(info.dli_fname.decode()), lib
    return None, None


def kind(path):
    name = os.path.basename(path)
    if "mkl" in name:
        return "mkl"
    if "openblas" in name or "/openblas" in path:
        return "openblas"
    if "/blas/" in path and name.startswith("libblas.so"):
        return "reference"
    return "unknown"


def core(lib):
    for sym in ("openblas_get_corename", "openblas_get_corename64_"):
        f = getattr(lib, sym, None)
        if f is not None:
            f.restype = ctypes.c_char_p
            return f().decode()
    return ""


torch.mm(torch.ones(64, 64), torch.ones(64, 64))   # torch's own BLAS call, before the lookup
path, lib = sgemm_library()
if path is None:
    print("unknown (no sgemm_ found in libblas.so.3, MKL or OpenBLAS)")
else:
    k = kind(path)
    print(" ".join(x for x in (k, path, core(lib) if k == "openblas" else "") if x))
