"""DeltaBlue: incremental dataflow constraint solver.

Heaplab's own version of the DeltaBlue algorithm (Freeman-Benson, Maloney
and Borning). Each round builds two constraint graphs of 100 variables --
a chain of equality constraints and a set of scale/offset projections --
then repeatedly adds edit constraints, extracts plans and executes them.
Every round allocates fresh variables, constraints, plans and work lists,
which become garbage at the end of the round. `size` is the number of
rounds.
"""

import sys
from heaplab_hook import run

GRAPH_SIZE = 100


class Strength(object):
    __slots__ = ("level", "name")

    def __init__(self, level, name):
        self.level = level
        self.name = name

    def stronger_than(self, other):
        return self.level < other.level

    def weaker_than(self, other):
        return self.level > other.level

    def weaker(self):
        return STRENGTHS[self.level + 1]

    def __repr__(self):
        return "Strength(%s)" % self.name


STRENGTHS = [Strength(i, name) for i, name in enumerate(
    ["required", "strong-preferred", "preferred", "strong-default",
     "normal", "weak-default", "weakest"])]
REQUIRED, STRONG_PREFERRED, PREFERRED, STRONG_DEFAULT, NORMAL, \
    WEAK_DEFAULT, WEAKEST = STRENGTHS


def weakest_of(a, b):
    return a if a.weaker_than(b) else b


class PlanError(Exception):
    pass


class Variable(object):
    __slots__ = ("name", "value", "constraints", "determined_by", "mark",
                 "walk_strength", "stay")

    def __init__(self, name, value=0):
        self.name = name
        self.value = value
        self.constraints = []
        self.determined_by = None
        self.mark = 0
        self.walk_strength = WEAKEST
        self.stay = True

    def attach(self, c):
        self.constraints.append(c)

    def detach(self, c):
        self.constraints.remove(c)
        if self.determined_by is c:
            self.determined_by = None


class Constraint(object):
    def __init__(self, planner, strength):
        self.planner = planner
        self.strength = strength

    def install(self):
        self.add_to_graph()
        self.planner.incremental_add(self)

    def uninstall(self):
        if self.is_satisfied():
            self.planner.incremental_remove(self)
        else:
            self.remove_from_graph()

    def is_input(self):
        return False

    def satisfy(self, mark):
        """Tries to satisfy this constraint; returns the constraint it
        overrode (or None)."""
        self.choose_method(mark)
        if not self.is_satisfied():
            if self.strength is REQUIRED:
                raise PlanError("could not satisfy a required constraint")
            return None
        self.mark_inputs(mark)
        out = self.output()
        overridden = out.determined_by
        if overridden is not None:
            overridden.mark_unsatisfied()
        out.determined_by = self
        if not self.planner.propagate_add(self, mark):
            raise PlanError("cycle encountered")
        out.mark = mark
        return overridden


class UnaryConstraint(Constraint):
    def __init__(self, planner, var, strength):
        Constraint.__init__(self, planner, strength)
        self.var = var
        self.satisfied = False
        self.install()

    def add_to_graph(self):
        self.var.attach(self)
        self.satisfied = False

    def remove_from_graph(self):
        self.var.detach(self)
        self.satisfied = False

    def choose_method(self, mark):
        v = self.var
        self.satisfied = (v.mark != mark and
                          self.strength.stronger_than(v.walk_strength))

    def is_satisfied(self):
        return self.satisfied

    def mark_inputs(self, mark):
        pass

    def output(self):
        return self.var

    def recalculate(self):
        v = self.var
        v.walk_strength = self.strength
        v.stay = not self.is_input()
        if v.stay:
            self.execute()

    def mark_unsatisfied(self):
        self.satisfied = False

    def inputs_known(self, mark):
        return True


class StayConstraint(UnaryConstraint):
    """Keeps a variable at its current value."""

    def execute(self):
        pass


class EditConstraint(UnaryConstraint):
    """Marks a variable as changed by the user (an input)."""

    def is_input(self):
        return True

    def execute(self):
        pass


NO_DIRECTION = 0
FORWARD = 1
BACKWARD = 2


class BinaryConstraint(Constraint):
    def __init__(self, planner, a, b, strength, install=True):
        Constraint.__init__(self, planner, strength)
        self.a = a
        self.b = b
        self.direction = NO_DIRECTION
        if install:
            self.install()

    def add_to_graph(self):
        self.a.attach(self)
        self.b.attach(self)
        self.direction = NO_DIRECTION

    def remove_from_graph(self):
        self.a.detach(self)
        self.b.detach(self)
        self.direction = NO_DIRECTION

    def choose_method(self, mark):
        a, b, s = self.a, self.b, self.strength
        if a.mark == mark:
            if b.mark != mark and s.stronger_than(b.walk_strength):
                self.direction = FORWARD
            else:
                self.direction = NO_DIRECTION
        elif b.mark == mark:
            if s.stronger_than(a.walk_strength):
                self.direction = BACKWARD
            else:
                self.direction = NO_DIRECTION
        elif a.walk_strength.weaker_than(b.walk_strength):
            # prefer overwriting the weaker end
            if s.stronger_than(a.walk_strength):
                self.direction = BACKWARD
            else:
                self.direction = NO_DIRECTION
        elif s.stronger_than(b.walk_strength):
            self.direction = FORWARD
        else:
            self.direction = NO_DIRECTION

    def is_satisfied(self):
        return self.direction != NO_DIRECTION

    def input(self):
        return self.a if self.direction == FORWARD else self.b

    def output(self):
        return self.b if self.direction == FORWARD else self.a

    def mark_inputs(self, mark):
        self.input().mark = mark

    def mark_unsatisfied(self):
        self.direction = NO_DIRECTION

    def inputs_known(self, mark):
        src = self.input()
        return src.mark == mark or src.stay or src.determined_by is None

    def recalculate(self):
        src = self.input()
        out = self.output()
        out.walk_strength = weakest_of(self.strength, src.walk_strength)
        out.stay = src.stay
        if out.stay:
            self.execute()


class EqualityConstraint(BinaryConstraint):
    def execute(self):
        self.output().value = self.input().value


class ScaleConstraint(BinaryConstraint):
    """dest = src * scale + offset, in either direction."""

    def __init__(self, planner, src, scale, offset, dest, strength):
        BinaryConstraint.__init__(self, planner, src, dest, strength, False)
        self.scale = scale
        self.offset = offset
        self.install()

    def add_to_graph(self):
        BinaryConstraint.add_to_graph(self)
        self.scale.attach(self)
        self.offset.attach(self)

    def remove_from_graph(self):
        BinaryConstraint.remove_from_graph(self)
        self.scale.detach(self)
        self.offset.detach(self)

    def mark_inputs(self, mark):
        BinaryConstraint.mark_inputs(self, mark)
        self.scale.mark = mark
        self.offset.mark = mark

    def execute(self):
        if self.direction == FORWARD:
            self.b.value = self.a.value * self.scale.value + self.offset.value
        else:
            self.a.value = (self.b.value - self.offset.value) // self.scale.value

    def recalculate(self):
        src = self.input()
        out = self.output()
        out.walk_strength = weakest_of(self.strength, src.walk_strength)
        out.stay = src.stay and self.scale.stay and self.offset.stay
        if out.stay:
            self.execute()


class Plan(object):
    def __init__(self):
        self.steps = []

    def append(self, c):
        self.steps.append(c)

    def __len__(self):
        return len(self.steps)

    def execute(self):
        for c in self.steps:
            c.execute()


class Planner(object):
    def __init__(self):
        self.current_mark = 0

    def new_mark(self):
        self.current_mark += 1
        return self.current_mark

    def incremental_add(self, c):
        mark = self.new_mark()
        overridden = c.satisfy(mark)
        while overridden is not None:
            overridden = overridden.satisfy(mark)

    def incremental_remove(self, c):
        out = c.output()
        c.mark_unsatisfied()
        c.remove_from_graph()
        unsatisfied = self.propagate_remove(out)
        strength = REQUIRED
        while True:
            for u in unsatisfied:
                if u.strength is strength:
                    self.incremental_add(u)
            strength = strength.weaker()
            if strength is WEAKEST:
                break

    def propagate_add(self, c, mark):
        todo = [c]
        while todo:
            d = todo.pop()
            if d.output().mark == mark:
                self.incremental_remove(c)
                return False
            d.recalculate()
            self.consumers_of(d.output(), todo)
        return True

    def propagate_remove(self, out):
        out.determined_by = None
        out.walk_strength = WEAKEST
        out.stay = True
        unsatisfied = []
        todo = [out]
        while todo:
            v = todo.pop()
            for c in v.constraints:
                if not c.is_satisfied():
                    unsatisfied.append(c)
            determining = v.determined_by
            for c in v.constraints:
                if c is not determining and c.is_satisfied():
                    c.recalculate()
                    todo.append(c.output())
        return unsatisfied

    def consumers_of(self, v, into):
        determining = v.determined_by
        for c in v.constraints:
            if c is not determining and c.is_satisfied():
                into.append(c)

    def make_plan(self, sources):
        mark = self.new_mark()
        plan = Plan()
        todo = list(sources)
        while todo:
            c = todo.pop()
            out = c.output()
            if out.mark != mark and c.inputs_known(mark):
                plan.append(c)
                out.mark = mark
                self.consumers_of(out, todo)
        return plan

    def plan_for_inputs(self, constraints):
        return self.make_plan([c for c in constraints
                               if c.is_input() and c.is_satisfied()])


def chain_test(n):
    """A chain v0 = v1 = ... = vn; editing v0 must propagate to vn."""
    planner = Planner()
    variables = [Variable("v%d" % i) for i in range(n + 1)]
    for prev, nxt in zip(variables, variables[1:]):
        EqualityConstraint(planner, prev, nxt, REQUIRED)
    first, last = variables[0], variables[-1]
    StayConstraint(planner, last, STRONG_DEFAULT)
    edit = EditConstraint(planner, first, PREFERRED)
    plan = planner.plan_for_inputs([edit])
    total = 0
    for i in range(100):
        first.value = i
        plan.execute()
        if last.value != i:
            raise PlanError("chain test failed: %d != %d" % (last.value, i))
        total += last.value
    edit.uninstall()
    return total + len(plan)


def change(planner, var, value):
    edit = EditConstraint(planner, var, PREFERRED)
    plan = planner.plan_for_inputs([edit])
    for _ in range(10):
        var.value = value
        plan.execute()
    edit.uninstall()
    return len(plan)


def projection_test(n):
    """n pairs dst = src * scale + offset, changed from both ends."""
    planner = Planner()
    scale = Variable("scale", 10)
    offset = Variable("offset", 1000)
    src = dst = None
    dests = []
    for i in range(n):
        src = Variable("src%d" % i, i)
        dst = Variable("dst%d" % i, i)
        dests.append(dst)
        StayConstraint(planner, src, NORMAL)
        ScaleConstraint(planner, src, scale, offset, dst, REQUIRED)
    total = change(planner, src, 17)
    if dst.value != 1170:
        raise PlanError("projection 1 failed")
    total += change(planner, dst, 1050)
    if src.value != 5:
        raise PlanError("projection 2 failed")
    total += change(planner, scale, 5)
    for i in range(n - 1):
        if dests[i].value != i * 5 + 1000:
            raise PlanError("projection 3 failed")
    total += change(planner, offset, 2000)
    for i in range(n - 1):
        if dests[i].value != i * 5 + 2000:
            raise PlanError("projection 4 failed")
    return total + sum(d.value for d in dests)


def bench(size):
    total = 0
    for _ in range(size):
        total += chain_test(GRAPH_SIZE)
        total += projection_test(GRAPH_SIZE)
    return total


DEFAULT_SIZE = 700

if __name__ == "__main__":
    run(bench, DEFAULT_SIZE)
