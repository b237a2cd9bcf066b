import Lint
import Rules
import SyntaxTree
import Testing

/// The naming rules on a file of corner cases, against what flake8 with pep8-naming 0.15.1
/// reports there (`flake8 --select N,N818`). Differences, all deliberate: flake8 prints
/// pep8-naming's columns one too far right (the plugin adds 1 and flake8 adds 1 again), so the
/// columns here are one less; an `async def`'s name is reported where the name is (pep8-naming:
/// four characters after `async`); N811–N813 (queries) report one finding per import statement
/// where pep8-naming reports one per offending alias.
@Suite struct NamingCheckersTests {
    static let source = #"""
import os.path as P, xml.etree.ElementTree as ET, numpy as NP
from math import PI as pi, sqrt as Sqrt, e as E
from collections import OrderedDict as ordered, OrderedDict as OD, OrderedDict as ODX, defaultdict as DD
from a import _x as Y, X_Y as x_y, ABC as Abc
import _private as Priv
maxSize = 1
_maxSize = 2
MaxSize = 3
for loopVar, (innerA, innerB) in x: pass
[compVar for compVar in y]
with open(f) as (wA, wB): pass
try: pass
except E as excVar: pass
(walRus := 3)
Point = namedtuple('P', 'x y')
pointX = collections.namedtuple('P', 'x y')
annoVar: int = 3
*starA, starB = z
a = bB = cC = 1
obj.attrX = 2
(parenV) = 1
class my_class: pass
class _ok_: pass
class __: pass
class Good_: pass
class setUp: pass
class Err(Exception): pass
class _Err2(Exception): pass
class Err3(Err): pass
class FooError(Err3): pass
class Outer:
    class Inner(ValueError): pass
    classVar = 1
    for clsLoop in range(3): pass
    def method(this, x): pass
    @classmethod
    def cm(self): pass
    @staticmethod
    def sm(x): pass
    def __new__(self): pass
    if True:
        def inIf(notself): pass
    else:
        def inElse(notself): pass
    try:
        def inTry(notself): pass
    except E:
        def inExcept(notself): pass
    finally:
        def inFinally(notself): pass
    for i in x:
        def inFor(notself): pass
    while x:
        def inWhile(notself): pass
    with x:
        def inWith(notself): pass
    def noargs(): pass
    def kwonly(*, a): pass
    def star(*args): pass
    def getX(self): pass
    @override
    def getY(self): pass
    @typing.override
    def getZ(self): pass
    def __myDunder__(self): pass
    def setUp(self): pass
    def m2(self):
        localVar = 1
        def nestedF(notself): pass
    late = staticmethod(late)
    def late(x): pass
    @foo.classmethod
    def cm2(x): pass
    @classmethod()
    def cm3(x): pass
class Meta(type):
    def m(self): pass
class Meta2(abc.ABCMeta):
    def m(self): pass
def __dunder__(): pass
def __dir__(): pass
def camelFunc(argA, argB=1, *argsX, kw: int, kwB: int = 2, **kwX):
    global GlobV
    GlobV = 1
    LocalV = 2
    for I in x: pass
    with a as B: pass
    try: pass
    except E as Exc: pass
    lam = lambda Lx: (LamW := 1)
    [CompX for CompX in y]
    class InFunc:
        fooBar = 1
        def meth(s): pass
    def inner():
        global LocalV
        LocalV = 1
async def AsyncFunc(A): pass
def f(a, /, B): pass
def g(): 
    x = 1
    async def h(): pass
"""#

    @Test func namingRulesAgreeWithPep8Naming() throws {
        let catalog = try RuleCatalog.builtin()
        let rules = catalog.rules.filter { $0.category == "naming" }
        #expect(rules.count == 15)
        let linter = try Linter(rules: rules)
        let findings = linter.findings(in: try PythonParser().parse(Self.source))
        let got = findings.map { "\($0.start.line):\($0.start.column):\($0.code)" }.sorted()
        let expected: [(Int, Int, String)] = [
            (1, 1, "N812"),
            (1, 1, "N817"),
            (2, 1, "N811"),
            (2, 1, "N812"),
            (3, 1, "N812"),
            (3, 1, "N813"),
            (3, 1, "N814"),
            (3, 1, "N817"),
            (4, 1, "N811"),
            (4, 1, "N812"),
            (5, 1, "N812"),
            (6, 1, "N816"),
            (7, 1, "N816"),
            (9, 5, "N816"),
            (9, 5, "N816"),
            (9, 5, "N816"),
            (10, 14, "N816"),
            (11, 17, "N816"),
            (11, 17, "N816"),
            (13, 1, "N816"),
            (14, 2, "N816"),
            (17, 1, "N816"),
            (18, 1, "N816"),
            (18, 1, "N816"),
            (19, 5, "N816"),
            (19, 10, "N816"),
            (21, 2, "N816"),
            (22, 7, "N801"),
            (23, 7, "N801"),
            (24, 7, "N801"),
            (27, 7, "N818"),
            (29, 7, "N818"),
            (33, 5, "N815"),
            (34, 9, "N815"),
            (35, 16, "N805"),
            (37, 12, "N804"),
            (40, 17, "N804"),
            (42, 13, "N802"),
            (42, 18, "N805"),
            (44, 13, "N802"),
            (44, 20, "N805"),
            (46, 13, "N802"),
            (46, 19, "N805"),
            (48, 13, "N802"),
            (50, 13, "N802"),
            (50, 23, "N805"),
            (52, 13, "N802"),
            (52, 19, "N805"),
            (54, 13, "N802"),
            (54, 21, "N805"),
            (56, 13, "N802"),
            (56, 20, "N805"),
            (58, 19, "N805"),
            (60, 9, "N802"),
            (65, 9, "N802"),
            (68, 9, "N806"),
            (69, 13, "N802"),
            (73, 13, "N804"),
            (75, 13, "N804"),
            (77, 11, "N804"),
            (79, 11, "N804"),
            (80, 5, "N807"),
            (82, 5, "N802"),
            (82, 15, "N803"),
            (82, 21, "N803"),
            (82, 30, "N803"),
            (82, 46, "N803"),
            (82, 62, "N803"),
            (85, 5, "N806"),
            (86, 9, "N806"),
            (87, 15, "N806"),
            (89, 5, "N806"),
            (90, 23, "N806"),
            (91, 16, "N806"),
            (93, 9, "N815"),
            (94, 18, "N805"),
            (98, 11, "N802"),
            (98, 21, "N803"),
            (99, 13, "N803")
        ]
        #expect(got == expected.map { "\($0.0):\($0.1):\($0.2)" }.sorted())
    }
}
