//! `match` statements (PEP 634). Each case's pattern compiles to a chain of
//! tests that jump to the next case on failure. The structural checks that
//! need the collections ABCs or `__match_args__` (sequence, mapping and
//! class patterns) call helpers of the frozen `_heaplab_types` module,
//! which return the matched parts as a list (or None); the compiled code
//! unpacks that list into registers and matches the sub-patterns.
//!
//! Names bind as their sub-pattern succeeds, so a case that fails after
//! binding some names leaves them bound (CPython binds only on success; the
//! language reference leaves this unspecified).

use super::{CResult, Unit, err_at};
use crate::bytecode::{CmpOp, Instr, Reg};
use crate::compiler::ConstDesc;
use rustpython_parser::ast::{self, Constant, Pattern};

impl<'c, 'a> Unit<'c, 'a> {
    /// `match subject: case ...`.
    pub(super) fn match_stmt(&mut self, m: &'a ast::StmtMatch) -> CResult<()> {
        let mark = self.temp;
        let subject = self.tmp();
        self.expr_to(&m.subject, subject)?;
        let helpers = self.tmp();
        let id = self.name_id("_heaplab_types");
        self.emit(Instr::ImportName {
            dst: helpers,
            name: id,
            fromlist: super::NO_REG,
            level: 0,
        });
        let mut ends = Vec::new();
        self.cond_depth += 1;
        for case in &m.cases {
            let case_mark = self.temp;
            self.set_line(&case.pattern);
            let mut fails = Vec::new();
            self.pattern(&case.pattern, subject, helpers, &mut fails)?;
            if let Some(g) = &case.guard {
                let t = self.tmp();
                self.expr_to(g, t)?;
                fails.push(self.emit(Instr::JumpIfFalse { cond: t, target: 0 }));
            }
            self.temp = case_mark;
            self.stmts(&case.body)?;
            ends.push(self.emit(Instr::Jump { target: 0 }));
            for f in fails {
                self.patch(f);
            }
        }
        self.cond_depth -= 1;
        for e in ends {
            self.patch(e);
        }
        self.temp = mark;
        Ok(())
    }

    /// Tests `subject` against pattern `p`; each failing test jumps to a
    /// position pushed on `fails`.
    fn pattern(
        &mut self,
        p: &'a Pattern,
        subject: Reg,
        helpers: Reg,
        fails: &mut Vec<usize>,
    ) -> CResult<()> {
        match p {
            Pattern::MatchValue(v) => {
                let t = self.tmp();
                self.expr_to(&v.value, t)?;
                self.test(CmpOp::Eq, subject, t, fails);
            }
            Pattern::MatchSingleton(s) => {
                let c = match &s.value {
                    Constant::None => ConstDesc::None,
                    Constant::Bool(b) => ConstDesc::Bool(*b),
                    _ => return Err(err_at(self.cx, s, "invalid singleton pattern")),
                };
                let t = self.tmp();
                self.load_const(c, t);
                self.test(CmpOp::Is, subject, t, fails);
            }
            Pattern::MatchAs(a) => {
                if let Some(inner) = &a.pattern {
                    self.pattern(inner, subject, helpers, fails)?;
                }
                if let Some(name) = &a.name {
                    self.store_name(name.as_str(), subject);
                }
            }
            Pattern::MatchOr(o) => {
                let mut oks = Vec::new();
                let (last, alts) = o
                    .patterns
                    .split_last()
                    .expect("an or-pattern has alternatives");
                for alt in alts {
                    let mut alt_fails = Vec::new();
                    self.pattern(alt, subject, helpers, &mut alt_fails)?;
                    oks.push(self.emit(Instr::Jump { target: 0 }));
                    for f in alt_fails {
                        self.patch(f);
                    }
                }
                self.pattern(last, subject, helpers, fails)?;
                for ok in oks {
                    self.patch(ok);
                }
            }
            Pattern::MatchSequence(s) => {
                let star = s
                    .patterns
                    .iter()
                    .position(|p| matches!(p, Pattern::MatchStar(_)));
                let n = s.patterns.len();
                let (before, after) = match star {
                    Some(i) => (i, n - i - 1),
                    None => (n, 0),
                };
                let args = [
                    ConstDesc::Int(before.into()),
                    ConstDesc::Int(after.into()),
                    ConstDesc::Bool(star.is_some()),
                ];
                let parts = self.call_helper(helpers, "_match_sequence", subject, &[], &args);
                self.sub_patterns(parts, &s.patterns, helpers, fails)?;
            }
            Pattern::MatchStar(s) => {
                if let Some(name) = &s.name {
                    self.store_name(name.as_str(), subject);
                }
            }
            Pattern::MatchMapping(mm) => {
                let keys = self.tmps(mm.keys.len().max(1));
                for (i, k) in mm.keys.iter().enumerate() {
                    self.expr_to(k, keys + i as Reg)?;
                }
                let kt = self.tmp();
                self.emit(Instr::BuildTuple {
                    dst: kt,
                    start: keys,
                    n: mm.keys.len() as u16,
                });
                let args = [ConstDesc::Bool(mm.rest.is_some())];
                let parts = self.call_helper(helpers, "_match_mapping", subject, &[kt], &args);
                self.unpack_checked(parts, mm.patterns.len() + mm.rest.is_some() as usize, fails);
                for (i, sp) in mm.patterns.iter().enumerate() {
                    self.pattern(sp, parts + 1 + i as Reg, helpers, fails)?;
                }
                if let Some(rest) = &mm.rest {
                    self.store_name(rest.as_str(), parts + 1 + mm.patterns.len() as Reg);
                }
            }
            Pattern::MatchClass(c) => {
                let cls = self.tmp();
                self.expr_to(&c.cls, cls)?;
                let names = c
                    .kwd_attrs
                    .iter()
                    .map(|n| ConstDesc::Str(n.to_string()))
                    .collect();
                let args = [
                    ConstDesc::Int(c.patterns.len().into()),
                    ConstDesc::Tuple(names),
                ];
                let parts = self.call_helper(helpers, "_match_class", subject, &[cls], &args);
                let n = c.patterns.len() + c.kwd_patterns.len();
                self.unpack_checked(parts, n, fails);
                for (i, sp) in c.patterns.iter().chain(&c.kwd_patterns).enumerate() {
                    self.pattern(sp, parts + 1 + i as Reg, helpers, fails)?;
                }
            }
        }
        Ok(())
    }

    /// Unpacks the helper's list at `parts` into `parts+1..` and matches
    /// each sub-pattern of a sequence pattern against its part.
    fn sub_patterns(
        &mut self,
        parts: Reg,
        patterns: &'a [Pattern],
        helpers: Reg,
        fails: &mut Vec<usize>,
    ) -> CResult<()> {
        self.unpack_checked(parts, patterns.len(), fails);
        for (i, sp) in patterns.iter().enumerate() {
            self.pattern(sp, parts + 1 + i as Reg, helpers, fails)?;
        }
        Ok(())
    }

    /// Fails when the helper returned None; else unpacks its `n` parts into
    /// the registers after `parts`.
    fn unpack_checked(&mut self, parts: Reg, n: usize, fails: &mut Vec<usize>) {
        let none = self.tmp();
        self.load_const(ConstDesc::None, none);
        self.test(CmpOp::IsNot, parts, none, fails);
        // `none` and these are the registers right after `parts`; the parts
        // overwrite `none` once the test has read it.
        self.tmps(n.max(1));
        self.emit(Instr::Unpack {
            src: parts,
            start: parts + 1,
            n: n as u16,
        });
    }

    /// `dst = helpers.<name>(subject, *regs, *consts)`; returns `dst`, with
    /// `n + 1` registers reserved after it by the caller's unpack.
    fn call_helper(
        &mut self,
        helpers: Reg,
        name: &str,
        subject: Reg,
        regs: &[Reg],
        consts: &[ConstDesc],
    ) -> Reg {
        let f = self.tmp();
        let id = self.name_id(name);
        self.emit(Instr::LoadAttr {
            dst: f,
            obj: helpers,
            name: id,
        });
        let start = self.tmps(1 + regs.len() + consts.len());
        self.emit(Instr::Move {
            dst: start,
            src: subject,
        });
        for (i, &r) in regs.iter().enumerate() {
            self.emit(Instr::Move {
                dst: start + 1 + i as Reg,
                src: r,
            });
        }
        for (i, c) in consts.iter().enumerate() {
            self.load_const(c.clone(), start + 1 + (regs.len() + i) as Reg);
        }
        let dst = self.tmp();
        self.emit(Instr::Call {
            dst,
            func: f,
            start,
            n: (1 + regs.len() + consts.len()) as u16,
        });
        dst
    }

    /// Emits `a <op> b` and a jump to a failure position when false.
    fn test(&mut self, op: CmpOp, a: Reg, b: Reg, fails: &mut Vec<usize>) {
        let t = self.tmp();
        self.emit(Instr::Compare { op, dst: t, a, b });
        fails.push(self.emit(Instr::JumpIfFalse { cond: t, target: 0 }));
    }
}
