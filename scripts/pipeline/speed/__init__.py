"""What makes a build fast without changing a byte of its output: warm kernels forked from a
zygote, the data-aware chapter cache, figures drawn out of band, and the child processes they
start (stopped as one on Ctrl-C). Nothing a chapter author writes depends on them.
"""
