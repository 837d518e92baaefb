"""The build pipeline: validate → stage → execute → assemble → publish.

Each stage is one module with one job; ``scripts/build.py`` is the thin command line over them.
"""
