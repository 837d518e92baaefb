"""The build pipeline: validate → stage → execute → assemble → publish.

``run`` goes through the stages in ``stages/`` (one module each) reading one ``plan`` (the build's
options resolved once); ``speed/`` makes it fast, ``editions/`` holds parameters, scenarios and the
edition record, ``pages/`` what the build writes beside the chapters. ``scripts/build.py`` is the
thin command line over it.
"""
