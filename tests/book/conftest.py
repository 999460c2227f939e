"""Tests of the built book (run after `jupyter-book build`, see the Makefile's test target)."""
