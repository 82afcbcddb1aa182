"""The shape of orders/services: modules by subject, no import cycle, no private module shared."""

import grimp
import pytest

ROOTS = ("retail", "pricing", "inventory", "loyalty", "orders", "imports")


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*ROOTS)


def _cycle(graph, modules: set[str]) -> list[str] | None:
    """A cycle among ``modules`` (as the list of modules on it), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module) & modules):
            if state.get(imported) == 1:
                return [*stack[stack.index(imported) :], imported]
            if imported not in state and (found := visit(imported)):
                return found
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(modules):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_orders_modules_import_no_cycle(graph):
    modules = {m for m in graph.modules if m == "orders" or m.startswith("orders.")}
    modules -= {m for m in modules if ".migrations" in m}
    assert _cycle(graph, modules) is None


def test_no_private_module_is_imported_from_outside_its_package(graph):
    offenders = []
    for module in graph.modules:
        parts = module.split(".")
        if not any(part.startswith("_") and not part.startswith("__") for part in parts):
            continue
        package = ".".join(parts[: next(i for i, p in enumerate(parts) if p.startswith("_"))])
        for importer in graph.find_modules_that_directly_import(module):
            if importer != package and not importer.startswith(package + "."):
                offenders.append(f"{importer} -> {module}")
    assert offenders == []
