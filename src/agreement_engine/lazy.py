"""Names a package exports lazily (PEP 562): each imported from the module it lives in on first
use, so that importing the package costs nothing until a name of it is used.

A package lists where each of its names lives, and takes its module ``__getattr__`` and
``__dir__`` from :func:`exports`::

    __getattr__, __dir__ = exports(__name__, {"parse": "parser", "Amount": "values"}, __all__)

A module that is not a package can do the same for names of its siblings (``within``, their
package). A name is imported once: :func:`exports` puts it into the package (or module) as it is
first looked up.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module


def exports(
    package: str, where: Mapping[str, str], names: Sequence[str], within: str | None = None
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``: each name of ``where`` imported from
    its module (``package.module``) on first use; ``names`` are what ``dir()`` lists. A module
    that is not a package names the package its modules are in: ``within``."""
    namespace = vars(sys.modules[package])
    within = within or package

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:  # a submodule (``from package import module``) is found next
            raise AttributeError(f"module '{package}' has no attribute '{name}'")
        value = getattr(import_module(f"{within}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(names)

    return __getattr__, __dir__
