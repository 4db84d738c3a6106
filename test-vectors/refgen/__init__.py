"""Independent numpy float64 reference generator for hebb4j golden test vectors.

Written from the project's spec pages (spec/*.md) and the test-vector contract only; it never
looks at the Java code. Each module in this package defines one or more op families and exposes
``files()``, returning a list of ``common.OpFile``; ``generate.py`` lists the modules.
"""
