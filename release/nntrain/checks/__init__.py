"""The test bank: graded items, their public cases, and the comparison every verdict uses.

This package ships to students as `checks/` in the release (public cases and fixtures only); hidden cases
and their fixtures stay in autograder/. Imports inside are relative so it works under either name.
"""
from .check import check, check_all  # noqa: F401
