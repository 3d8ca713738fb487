"""Salus's exceptions: one shallow tree, each carrying the fix in its message.

A refusal or a safety verdict is a value, never an exception: these are for
things that stop Salus from working (a missing model, a bad setting, a stale
index), and each message says what to run to fix it.
"""

from __future__ import annotations


class SalusError(Exception):
    """Base class: something Salus cannot do; the message says how to fix it."""


class ConfigError(SalusError):
    """A setting is missing or has a value that is not allowed."""


class ModelError(SalusError):
    """A model package is missing, its weights do not match, or it is not prepared."""


class IndexError_(SalusError):
    """The search index is missing, stale, or was built with another model."""


class ContentError(SalusError):
    """A knowledge-base document cannot be read or is invalid."""


class StoreError(SalusError):
    """The knowledge-base store cannot do what was asked (or its file is damaged)."""


class ConflictError(StoreError):
    """An edit started from a revision that is no longer the latest."""


class PermissionDenied(StoreError):
    """The user's role does not allow this action."""
