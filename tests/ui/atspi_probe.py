"""Reads msp-desk's accessibility tree over AT-SPI, as Orca or a UI-automation tool would.

Runs under the system Python with Debian's python3-pyatspi, not the project's
virtualenv, and prints one JSON list of {role, name, labelled_by, showing}.
Waits until the application shows the control named in argv[2].
"""

import contextlib
import json
import sys
import time

import pyatspi

APP, READY = sys.argv[1], sys.argv[2]


def find_app():
    desktop = pyatspi.Registry.getDesktop(0)
    for index in range(desktop.childCount):
        child = desktop.getChildAtIndex(index)
        if child is not None and child.name == APP:
            return child
    return None


def describe(node):
    labelled_by = []
    for relation in node.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            labelled_by += [relation.getTarget(i).name for i in range(relation.getNTargets())]
    return {
        "role": node.getRoleName(),
        "name": node.name,
        "labelled_by": labelled_by,
        "showing": node.getState().contains(pyatspi.STATE_SHOWING),
    }


def walk(node, out):
    # A widget can go away while it is being read; the rest of the tree still counts.
    with contextlib.suppress(Exception):
        out.append(describe(node))
        for index in range(node.childCount):
            walk(node.getChildAtIndex(index), out)


deadline = time.time() + 60
while time.time() < deadline:
    app = find_app()
    if app is not None:
        nodes = []
        walk(app, nodes)
        if any(n["name"] == READY for n in nodes):
            print(json.dumps(nodes))
            sys.exit(0)
    time.sleep(0.5)
print(json.dumps([]))
sys.exit(3)
