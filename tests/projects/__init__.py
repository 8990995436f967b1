"""Tiny real model projects the tests build (good ones and broken ones), plus data helpers.

Each module is a project of its own: ``Registry.from_modules(projects.shop)`` and so on. The
broken ones (``cyclic``, ``unknown_ref``, ``duplicate_name``, ``undeclared_read``) import cleanly;
they fail when a registry is made from them or when they are built, which is what the tests check.
"""
