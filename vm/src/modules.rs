//! Native modules (`sys`, `time`, `gc`, `_heaplab`) and the import
//! system: `sys.modules` caching, packages, relative imports, and loading
//! `.py` files from `sys.path`.

use crate::builtins::*;
use crate::object::{self, Kind, field};
use crate::value::Value;
use crate::vm::{Args, NativeFn, PyResult, Vm};
use gc_api::Heap;
use std::io::Write;

/// Names of the native modules, created on first import.
const NATIVE_MODULES: &[&str] = &["sys", "time", "gc", "_heaplab", "builtins", "_weakref"];

pub(crate) fn install<H: Heap>(vm: &mut Vm<H>) -> PyResult<()> {
    // `sys` exists from the start: the VM itself uses sys.stdout/stderr.
    vm.import_native("sys")?;
    Ok(())
}

/// Is `f` the `sys.stdout` object (or the original stdout)?
pub fn is_stdout<H: Heap>(vm: &mut Vm<H>, f: Value) -> bool {
    stream_fd(vm, f) == Some(1)
}

/// Is `f` the `sys.stderr` object?
pub fn is_stderr<H: Heap>(vm: &mut Vm<H>, f: Value) -> bool {
    stream_fd(vm, f) == Some(2)
}

fn stream_fd<H: Heap>(vm: &mut Vm<H>, f: Value) -> Option<i64> {
    if !(f.is_obj() && object::kind(f.as_obj()) == Kind::Instance) {
        return None;
    }
    let sym = vm.intern("_fd");
    vm.inst_get(f.as_obj(), sym).and_then(|v| v.to_int())
}

impl<H: Heap> Vm<H> {
    /// A module object with a fresh dict holding `__name__` and `__doc__`
    /// (None until the module's docstring, if any, is stored).
    pub fn new_module(&mut self, name: &str) -> PyResult {
        let d = self.new_dict()?;
        let mark = self.push(d);
        let n = self.new_str(name)?;
        self.push(n);
        let k = self.sym_str("__name__");
        self.dict_set_item(self.st(mark), k, self.st(mark + 1))?;
        let k = self.sym_str("__doc__");
        self.dict_set_item(self.st(mark), k, Value::NONE)?;
        let m = self.alloc_fixed(Kind::Module)?;
        object::init(m, field::MOD_NAME, self.st(mark + 1));
        object::init(m, field::MOD_DICT, self.st(mark));
        self.truncate(mark);
        Ok(Value::obj(m))
    }

    pub(crate) fn module_set(&mut self, m: Value, name: &str, v: Value) -> PyResult<()> {
        let mark = self.push(m);
        self.push(v);
        let k = self.sym_str(name);
        let d = object::get(self.st(mark).as_obj(), field::MOD_DICT);
        self.dict_set_item(d, k, self.st(mark + 1))?;
        self.truncate(mark);
        Ok(())
    }

    /// Adds a native function to the module rooted at stack slot `ms`.
    pub(crate) fn module_fn(
        &mut self,
        ms: usize,
        name: &'static str,
        f: NativeFn<H>,
    ) -> PyResult<()> {
        let d = object::get(self.st(ms).as_obj(), field::MOD_DICT);
        self.def_fn(d, name, f);
        self.natives
            .last_mut()
            .expect("just registered")
            .plain_function = true;
        Ok(())
    }

    fn register_module(&mut self, name: &str, m: Value) -> PyResult<()> {
        let mark = self.push(m);
        let k = self.new_str(name)?;
        let mods = self.rt.globals_roots[ROOT_MODULES];
        self.dict_set_item(mods, k, self.st(mark))?;
        self.truncate(mark);
        Ok(())
    }

    /// Creates (once) and registers a native module.
    pub fn import_native(&mut self, name: &str) -> PyResult {
        let m = self.new_module(name)?;
        let ms = self.push(m);
        self.register_module(name, m)?;
        match name {
            "sys" => self.init_sys(ms)?,
            "time" => self.init_time(ms)?,
            "gc" => self.init_gc(ms)?,
            "_weakref" => self.init_weakref(ms)?,
            "_heaplab" => {
                self.module_fn(ms, "harness_begin", harness_begin::<H>)?;
                self.module_fn(ms, "harness_end", harness_end::<H>)?;
                self.module_fn(ms, "trace_mark", trace_mark::<H>)?;
                self.module_fn(ms, "collector_info", collector_info::<H>)?;
            }
            "builtins" => {
                let bd = self.rt.globals_roots[ROOT_BUILTINS];
                let m = self.st(ms).as_obj();
                self.store(m, field::MOD_DICT, bd);
            }
            _ => crate::stdlib::init_native(self, name, ms)?,
        }
        // A native module's functions are plain functions (unbound when
        // stored as class attributes, like CPython's builtin functions).
        let d = object::get(self.st(ms).as_obj(), field::MOD_DICT);
        for i in 0..Self::dict_used(d) {
            let (_, v) = Self::dict_entry(d, i);
            if v.is_obj() && object::kind(v.as_obj()) == Kind::Builtin {
                let idx = object::word(v.as_obj(), field::BI_INDEX);
                self.natives[idx].plain_function = true;
            }
        }
        let m = self.st(ms);
        self.truncate(ms);
        Ok(m)
    }

    fn init_sys(&mut self, ms: usize) -> PyResult<()> {
        self.module_set(self.st(ms), "modules", self.rt.globals_roots[ROOT_MODULES])?;
        self.module_set(self.st(ms), "path", self.rt.globals_roots[ROOT_SYS_PATH])?;
        let argv = self.new_list(4)?;
        let avs = self.push(argv);
        for a in self.config.argv.clone() {
            let s = self.new_str(&a)?;
            self.list_append(self.st(avs), s)?;
        }
        self.module_set(self.st(ms), "argv", self.st(avs))?;
        for (name, v) in [
            ("maxsize", Value::NULL),
            ("version", Value::NULL),
            ("platform", Value::NULL),
            ("byteorder", Value::NULL),
            ("executable", Value::NULL),
            ("implementation_name", Value::NULL),
        ] {
            let v = match name {
                "version" => self.new_str("3.11.7 (heaplab)")?,
                "platform" => self.new_str("linux")?,
                "byteorder" => self.new_str("little")?,
                "executable" => {
                    let e = std::env::current_exe()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    self.new_str(&e)?
                }
                "implementation_name" => continue,
                "maxsize" => self.int_from_i64(i64::MAX)?,
                _ => v,
            };
            self.module_set(self.st(ms), name, v)?;
        }
        let names: Vec<&str> = NATIVE_MODULES
            .iter()
            .copied()
            .chain(crate::stdlib::native_names())
            .collect();
        let bm = self.rt.sp;
        for n in &names {
            let s = self.new_str(n)?;
            self.push(s);
        }
        let bmt = self.tuple_from_stack(bm, names.len())?;
        self.truncate(bm);
        self.module_set(self.st(ms), "builtin_module_names", bmt)?;
        let wo = self.new_list(0)?;
        self.module_set(self.st(ms), "warnoptions", wo)?;
        let xo = self.new_dict()?;
        self.module_set(self.st(ms), "_xoptions", xo)?;
        let vi = self.new_tuple(&[Value::int(3), Value::int(11), Value::int(7)])?;
        self.module_set(self.st(ms), "version_info", vi)?;
        let imp = self.sys_implementation()?;
        self.module_set(self.st(ms), "implementation", imp)?;
        let types = self.import_module("_heaplab_types")?;
        let sym = self.intern("_fill_sys");
        let fill = self.getattr(types, sym)?;
        self.call_values(fill, &[self.st(ms)])?;
        let types = self.import_module("_heaplab_types")?;
        let sym = self.intern("_install_object_methods");
        let install = self.getattr(types, sym)?;
        self.call_values(install, &[self.class(T_OBJECT)])?;
        // Streams: small objects with write/flush natives.
        let io_cls = {
            let obj = self.class(T_OBJECT);
            self.make_class("TextIOWrapper", &[obj], Value::NULL, "_io")?
        };
        let cs = self.push(io_cls);
        for (n, f) in [
            ("write", stream_write::<H> as NativeFn<H>),
            ("flush", stream_flush::<H>),
            ("isatty", stream_isatty::<H>),
        ] {
            let d = object::get(self.st(cs).as_obj(), field::CLS_DICT);
            self.def_fn(d, n, f);
        }
        for (name, fd) in [
            ("stdout", 1),
            ("stderr", 2),
            ("__stdout__", 1),
            ("__stderr__", 2),
        ] {
            let s = self.new_instance(self.st(cs))?;
            let ss = self.push(s);
            let sym = self.intern("_fd");
            self.setattr(s, sym, Value::int(fd))?;
            self.module_set(self.st(ms), name, self.st(ss))?;
            self.truncate(ss);
        }
        self.module_fn(ms, "exit", sys_exit::<H>)?;
        self.module_fn(ms, "unraisablehook", sys_unraisablehook::<H>)?;
        let hook = self.sym_str("unraisablehook");
        let d = object::get(self.st(ms).as_obj(), field::MOD_DICT);
        let h = self.dict_get_str(d, hook).expect("sys.unraisablehook");
        self.module_set(self.st(ms), "__unraisablehook__", h)?;
        let ua = self.class(T_UNRAISABLE_ARGS);
        self.module_set(self.st(ms), "UnraisableHookArgs", ua)?;
        self.module_fn(ms, "getrecursionlimit", sys_getrecursionlimit::<H>)?;
        self.module_fn(ms, "setrecursionlimit", sys_setrecursionlimit::<H>)?;
        self.module_fn(ms, "exc_info", sys_exc_info::<H>)?;
        self.module_fn(ms, "_getframe", crate::builtins::sys_getframe::<H>)?;
        self.module_fn(ms, "intern", identity::<H>)?;
        self.module_fn(ms, "getsizeof", sys_getsizeof::<H>)?;
        self.truncate(avs);
        Ok(())
    }

    fn init_time(&mut self, ms: usize) -> PyResult<()> {
        self.module_fn(ms, "time", time_time::<H>)?;
        self.module_fn(ms, "perf_counter", time_perf_counter::<H>)?;
        self.module_fn(ms, "monotonic", time_perf_counter::<H>)?;
        self.module_fn(ms, "perf_counter_ns", time_perf_counter_ns::<H>)?;
        self.module_fn(ms, "monotonic_ns", time_perf_counter_ns::<H>)?;
        {
            use crate::stdlib::clocks;
            self.module_fn(ms, "process_time", clocks::process_time::<H>)?;
            self.module_fn(ms, "process_time_ns", clocks::process_time_ns::<H>)?;
            self.module_fn(ms, "thread_time", clocks::thread_time::<H>)?;
            self.module_fn(ms, "thread_time_ns", clocks::thread_time_ns::<H>)?;
            self.module_fn(ms, "get_clock_info", clocks::get_clock_info::<H>)?;
        }
        self.module_fn(ms, "time_ns", time_time_ns::<H>)?;
        self.module_fn(ms, "sleep", time_sleep::<H>)?;
        // struct_time and the calendar functions: frozen Python.
        let h = self.import_module("_heaplab_time")?;
        let hs = self.push(h);
        let sym = self.intern("__all__");
        let names = self.getattr(self.st(hs), sym)?;
        let ns = self.push(names);
        for i in 0..object::array_len(names.as_obj()) {
            let n = object::array_get(self.st(ns).as_obj(), i);
            let name = object::str_of(n.as_obj()).to_string();
            let sym = self.intern(&name);
            let v = self.getattr(self.st(hs), sym)?;
            let vs = self.push(v);
            let d = object::get(self.st(ms).as_obj(), field::MOD_DICT);
            self.dict_set_item(d, object::array_get(self.st(ns).as_obj(), i), self.st(vs))?;
            self.truncate(vs);
        }
        self.truncate(hs);
        Ok(())
    }

    fn init_gc(&mut self, ms: usize) -> PyResult<()> {
        self.module_fn(ms, "collect", gc_collect::<H>)?;
        self.module_fn(ms, "enable", gc_enable::<H>)?;
        self.module_fn(ms, "disable", gc_disable::<H>)?;
        self.module_fn(ms, "isenabled", gc_isenabled::<H>)?;
        self.module_fn(ms, "get_stats", gc_get_stats::<H>)?;
        let garbage = self.new_list(0)?;
        self.module_set(self.st(ms), "garbage", garbage)?;
        Ok(())
    }

    // ------------------------------------------------------------- imports

    pub(crate) fn modules_get(&mut self, name: &str) -> PyResult<Option<Value>> {
        let k = self.new_str(name)?;
        let mods = self.rt.globals_roots[ROOT_MODULES];
        self.dict_get_item(mods, k)
    }

    /// The `import` statement.
    pub fn import_name(
        &mut self,
        base: usize,
        name: u32,
        fromlist: Value,
        level: usize,
    ) -> PyResult {
        let mut full = self.interner.name(name).to_string();
        if level > 0 {
            let globals = self.st(base - 1);
            let pkg = self.current_package(globals)?;
            let mut parts: Vec<&str> = pkg.split('.').filter(|p| !p.is_empty()).collect();
            if level - 1 > parts.len() || pkg.is_empty() {
                return Err(self.raise_msg(
                    T_IMPORT_ERROR,
                    "attempted relative import with no known parent package",
                ));
            }
            parts.truncate(parts.len() - (level - 1));
            let prefix = parts.join(".");
            full = if full.is_empty() {
                prefix
            } else {
                format!("{prefix}.{full}")
            };
        }
        // Read `fromlist` before importing: importing allocates (and may
        // move it).
        let has_fromlist = fromlist.is_obj() && object::array_len(fromlist.as_obj()) > 0;
        let m = self.import_module(&full)?;
        if has_fromlist {
            return Ok(m);
        }
        let top = full.split('.').next().unwrap_or("").to_string();
        match self.modules_get(&top)? {
            Some(t) => Ok(t),
            None => Ok(m),
        }
    }

    fn current_package(&mut self, globals: Value) -> PyResult<String> {
        let pk = self.sym_str("__package__");
        if let Some(p) = self.dict_get_item(globals, pk)?
            && p.is_obj()
            && object::kind(p.as_obj()) == Kind::Str
        {
            return Ok(object::str_of(p.as_obj()).to_string());
        }
        let nk = self.sym_str("__name__");
        let name = match self.dict_get_item(globals, nk)? {
            Some(n) if n.is_obj() && object::kind(n.as_obj()) == Kind::Str => {
                object::str_of(n.as_obj()).to_string()
            }
            _ => String::new(),
        };
        let pathk = self.sym_str("__path__");
        if self.dict_get_item(globals, pathk)?.is_some() {
            return Ok(name);
        }
        Ok(name
            .rsplit_once('.')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default())
    }

    /// Imports a dotted module name, parents first.
    pub fn import_module(&mut self, full: &str) -> PyResult {
        if let Some(m) = self.modules_get(full)? {
            return self.cached_module(full, m);
        }
        let Some((parent, leaf)) = full.rsplit_once('.') else {
            return self.find_and_load(full);
        };
        let pm = self.import_module(parent)?;
        let pms = self.push(pm);
        // The parent may have registered the submodule itself (os.path).
        if let Some(m) = self.modules_get(full)? {
            self.truncate(pms);
            return self.cached_module(full, m);
        }
        let m = self.find_and_load(full)?;
        let ms = self.push(m);
        // A loaded submodule becomes an attribute of its package.
        let sym = self.intern(leaf);
        self.setattr(self.st(pms), sym, self.st(ms))?;
        let m = self.st(ms);
        self.truncate(pms);
        Ok(m)
    }

    /// A `sys.modules` entry: None there blocks the import, as in CPython
    /// (e.g. `sys.modules['_pickle'] = None` to force the pure-Python path).
    fn cached_module(&mut self, full: &str, m: Value) -> PyResult {
        if m.is_none() {
            let msg = format!("import of {full} halted; None in sys.modules");
            return Err(self.module_not_found(&msg, full));
        }
        Ok(m)
    }

    /// Finds and loads module `full` (its parent package already imported).
    fn find_and_load(&mut self, full: &str) -> PyResult {
        let (parent, leaf) = match full.rsplit_once('.') {
            Some((p, l)) => (Some(p.to_string()), l.to_string()),
            None => (None, full.to_string()),
        };
        let search: Vec<String> = match &parent {
            Some(p) => {
                let pm = self.import_module(p)?;
                let pms = self.push(pm);
                let dirs = self.package_dirs(pm)?;
                self.truncate(pms);
                if dirs.is_empty() {
                    let msg = format!("No module named '{full}'; '{p}' is not a package");
                    return Err(self.module_not_found(&msg, full));
                }
                dirs
            }
            None => {
                if NATIVE_MODULES.contains(&full) || crate::stdlib::is_native(full) {
                    return self.import_native(full);
                }
                if let Some(src) = crate::stdlib::frozen(full) {
                    let file = format!("<frozen {full}>");
                    return self.load_module_source(full, src, &file, None);
                }
                self.sys_path()
            }
        };
        for dir in &search {
            let pkg_init = std::path::Path::new(dir).join(&leaf).join("__init__.py");
            let file = std::path::Path::new(dir).join(format!("{leaf}.py"));
            if pkg_init.is_file() {
                let pkg_dir = std::path::Path::new(dir).join(&leaf).display().to_string();
                return self.load_source_module(full, &pkg_init, Some(pkg_dir));
            }
            if file.is_file() {
                return self.load_source_module(full, &file, None);
            }
        }
        if parent.is_none() && self.stdlib_probe_pending {
            self.stdlib_probe_pending = false;
            if let Some(dir) = crate::stdlib::probe_python3() {
                let s = self.new_str(&dir.display().to_string())?;
                let path = self.rt.globals_roots[ROOT_SYS_PATH];
                self.list_append(path, s)?;
                return self.import_module(full);
            }
        }
        let msg = format!("No module named '{full}'");
        Err(self.module_not_found(&msg, full))
    }

    /// The `name` of the pending ModuleNotFoundError, if it has one.
    fn missing_module_name(&mut self) -> Option<String> {
        let e = self.rt.exc;
        if !Self::is_instance_obj(e) {
            return None;
        }
        let sym = self.intern("name");
        let n = self.inst_get(e.as_obj(), sym)?;
        (n.is_obj() && object::kind(n.as_obj()) == Kind::Str)
            .then(|| object::str_of(n.as_obj()).to_string())
    }

    fn module_not_found(&mut self, msg: &str, name: &str) -> crate::vm::Exc {
        match self.new_exception(T_MODULE_NOT_FOUND_ERROR, msg) {
            Ok(e) => {
                let es = self.push(e);
                if let Ok(n) = self.new_str(name) {
                    let sym = self.intern("name");
                    let _ = self.setattr(self.st(es), sym, n);
                }
                let e = self.st(es);
                self.truncate(es);
                self.raise_value(e, Value::NULL)
            }
            Err(x) => x,
        }
    }

    fn sys_path(&mut self) -> Vec<String> {
        let p = self.rt.globals_roots[ROOT_SYS_PATH];
        (0..Self::list_len(p))
            .filter_map(|i| {
                let v = Self::list_get(p, i);
                (v.is_obj() && object::kind(v.as_obj()) == Kind::Str)
                    .then(|| object::str_of(v.as_obj()).to_string())
            })
            .collect()
    }

    fn package_dirs(&mut self, m: Value) -> PyResult<Vec<String>> {
        let sym = self.intern("__path__");
        let Some(p) = self.getattr_opt(m, sym)? else {
            return Ok(Vec::new());
        };
        if !(p.is_obj() && object::kind(p.as_obj()) == Kind::List) {
            return Ok(Vec::new());
        }
        Ok((0..Self::list_len(p))
            .filter_map(|i| {
                let v = Self::list_get(p, i);
                (v.is_obj() && object::kind(v.as_obj()) == Kind::Str)
                    .then(|| object::str_of(v.as_obj()).to_string())
            })
            .collect())
    }

    fn load_source_module(
        &mut self,
        full: &str,
        path: &std::path::Path,
        pkg_dir: Option<String>,
    ) -> PyResult {
        let src = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                let msg = format!("cannot read {}: {e}", path.display());
                return Err(self.raise_msg(T_IMPORT_ERROR, &msg));
            }
        };
        let file = path.display().to_string();
        self.load_module_source(full, &src, &file, pkg_dir)
    }

    /// Creates module `full` from Python source, registers it in
    /// `sys.modules` and runs it (unregistering it if that fails).
    fn load_module_source(
        &mut self,
        full: &str,
        src: &str,
        file: &str,
        pkg_dir: Option<String>,
    ) -> PyResult {
        let m = self.new_module(full)?;
        let ms = self.push(m);
        let file = file.to_string();
        let f = self.new_str(&file)?;
        self.module_set(self.st(ms), "__file__", f)?;
        let pkg = match &pkg_dir {
            Some(_) => full.to_string(),
            None => full
                .rsplit_once('.')
                .map(|(p, _)| p.to_string())
                .unwrap_or_default(),
        };
        let pv = self.new_str(&pkg)?;
        self.module_set(self.st(ms), "__package__", pv)?;
        if let Some(d) = pkg_dir {
            let dv = self.new_str(&d)?;
            let dvs = self.push(dv);
            let l = self.list_from_stack(dvs, 1)?;
            self.truncate(dvs);
            self.module_set(self.st(ms), "__path__", l)?;
        }
        let bk = self.sym_str("__builtins__");
        let d = object::get(self.st(ms).as_obj(), field::MOD_DICT);
        self.dict_set_item(d, bk, self.rt.globals_roots[ROOT_BUILTINS])?;
        self.register_module(full, self.st(ms))?;
        let code = match crate::compiler::compile_module(src, &file, &mut self.interner) {
            Ok(c) => c,
            Err(e) => {
                let k = self.new_str(full)?;
                // Read the dict after the allocation: it may have moved.
                let mods = self.rt.globals_roots[ROOT_MODULES];
                self.dict_del_item(mods, k)?;
                self.truncate(ms);
                return Err(self.raise_syntax_error(&e));
            }
        };
        let code = self.materialize(code, &file)?;
        let globals = object::get(self.st(ms).as_obj(), field::MOD_DICT);
        if let Err(e) = self.run_code(code, globals) {
            let saved = self.push(self.rt.exc);
            self.rt.exc = Value::NULL;
            let k = self.new_str(full)?;
            let mods = self.rt.globals_roots[ROOT_MODULES];
            let _ = self.dict_del_item(mods, k);
            let saved = self.st(saved);
            self.rt.exc = saved;
            self.truncate(ms);
            return Err(e);
        }
        // A module may replace itself in sys.modules.
        let m = match self.modules_get(full)? {
            Some(m) => m,
            None => self.st(ms),
        };
        self.truncate(ms);
        Ok(m)
    }

    /// `from module import name`.
    pub fn import_from(&mut self, module: Value, name: u32) -> PyResult {
        if let Some(v) = self.getattr_opt(module, name)? {
            return Ok(v);
        }
        // Maybe a submodule not imported yet.
        if module.is_obj() && object::kind(module.as_obj()) == Kind::Module {
            let mn =
                object::str_of(object::get(module.as_obj(), field::MOD_NAME).as_obj()).to_string();
            let full = format!("{mn}.{}", self.interner.name(name));
            let ms = self.push(module);
            match self.import_module(&full) {
                Ok(sub) => {
                    self.truncate(ms);
                    return Ok(sub);
                }
                // Only the submodule itself missing means "no such name";
                // a module it imports being missing is that module's error.
                Err(_)
                    if self.isinstance_idx(self.rt.exc, T_MODULE_NOT_FOUND_ERROR)
                        && self.missing_module_name() == Some(full.clone()) =>
                {
                    self.rt.exc = Value::NULL;
                    self.truncate(ms);
                }
                Err(e) => return Err(e),
            }
            let msg = format!(
                "cannot import name '{}' from '{}'",
                self.interner.name(name),
                mn
            );
            return Err(self.raise_msg(T_IMPORT_ERROR, &msg));
        }
        let msg = format!("cannot import name '{}'", self.interner.name(name));
        Err(self.raise_msg(T_IMPORT_ERROR, &msg))
    }

    /// `from module import *`.
    pub fn import_star(&mut self, base: usize, module: Value) -> PyResult<()> {
        let ms = self.push(module);
        let src = object::get(module.as_obj(), field::MOD_DICT);
        let all_sym = self.sym_str("__all__");
        let names: Vec<Value> = match self.dict_get_item(src, all_sym)? {
            Some(all) => {
                let l = super_list(self, all)?;
                (0..Self::list_len(l))
                    .map(|i| Self::list_get(l, i))
                    .collect()
            }
            None => {
                let src = object::get(self.st(ms).as_obj(), field::MOD_DICT);
                (0..Self::dict_used(src))
                    .map(|i| Self::dict_entry(src, i).0)
                    .filter(|k| {
                        k.is_obj()
                            && object::kind(k.as_obj()) == Kind::Str
                            && !object::str_of(k.as_obj()).starts_with('_')
                    })
                    .collect()
            }
        };
        let ns = self.rt.sp;
        for n in &names {
            self.push(*n);
        }
        for i in 0..names.len() {
            let n = self.st(ns + i);
            let src = object::get(self.st(ms).as_obj(), field::MOD_DICT);
            if let Some(v) = self.dict_get_item(src, n)? {
                let g = self.st(base - 1);
                self.dict_set_item(g, n, v)?;
            }
        }
        self.truncate(ms);
        Ok(())
    }
}

fn super_list<H: Heap>(vm: &mut Vm<H>, v: Value) -> PyResult {
    let vs = vm.push(v);
    let l = vm.new_list(0)?;
    let ls = vm.push(l);
    vm.list_extend(l, vm.st(vs))?;
    let l = vm.st(ls);
    vm.truncate(vs);
    Ok(l)
}

fn identity<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    Ok(vm.arg(a, 0))
}

fn stream_write<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "write", 2, 2)?;
    let s = vm.arg(a, 1);
    if !(s.is_obj() && object::kind(s.as_obj()) == Kind::Str) {
        let msg = format!("write() argument must be str, not {}", vm.type_name(s));
        return Err(vm.type_error(&msg));
    }
    let text = object::str_of(s.as_obj()).to_string();
    if is_stderr(vm, vm.arg(a, 0)) {
        vm.flush();
        let _ = std::io::stderr().write_all(text.as_bytes());
    } else {
        let _ = vm.out.write_all(text.as_bytes());
    }
    Ok(Value::int(text.chars().count() as i64))
}

fn stream_flush<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    vm.flush();
    let _ = std::io::stderr().flush();
    Ok(Value::NONE)
}

fn stream_isatty<H: Heap>(_vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(Value::FALSE)
}

fn sys_exit<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "exit", 0, 1)?;
    let cls = vm.class(T_SYSTEM_EXIT);
    let e = if a.n == 1 {
        vm.call_values(cls, &[vm.arg(a, 0)])?
    } else {
        vm.call_values(cls, &[])?
    };
    Err(vm.raise_value(e, Value::NULL))
}

fn sys_getrecursionlimit<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(Value::int(vm.rt.recursion_limit as i64))
}

fn sys_setrecursionlimit<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "setrecursionlimit", 1, 1)?;
    match vm.arg(a, 0).to_int() {
        Some(n) if n >= 1 => {
            // The interpreter recurses on the native stack; cap the limit so
            // deep Python recursion raises RecursionError instead of
            // overflowing it (the thread has a large stack, see main.rs).
            vm.rt.recursion_limit = (n as usize).min(crate::MAX_RECURSION);
            Ok(Value::NONE)
        }
        _ => Err(vm.value_error("recursion limit must be greater or equal than 1")),
    }
}

fn sys_exc_info<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    let e = vm.rt.handling;
    if e.is_null() {
        return vm.new_tuple(&[Value::NONE, Value::NONE, Value::NONE]);
    }
    let es = vm.push(e);
    let sym = vm.intern("__traceback__");
    let tb = vm.getattr(e, sym)?;
    let tbs = vm.push(tb);
    let t = vm.type_of(vm.st(es));
    let r = vm.new_tuple(&[t, vm.st(es), vm.st(tbs)]);
    vm.truncate(es);
    r
}

fn sys_getsizeof<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "getsizeof", 1, 2)?;
    let v = vm.arg(a, 0);
    let n = if v.is_obj() {
        object::object_size(v.as_obj())
    } else {
        8
    };
    Ok(Value::int(n as i64))
}

fn now_secs() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

fn time_time<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    vm.new_float(now_secs())
}

fn time_time_ns<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    let ns = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64);
    vm.int_from_i64(ns)
}

fn time_perf_counter<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    let t = vm.started.elapsed().as_secs_f64();
    vm.new_float(t)
}

fn time_perf_counter_ns<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    let t = vm.started.elapsed().as_nanos() as i64;
    vm.int_from_i64(t)
}

fn time_sleep<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "sleep", 1, 1)?;
    let s = crate::stdlib::math::f64_arg(vm, vm.arg(a, 0))?;
    if s < 0.0 {
        return Err(vm.value_error("sleep length must be non-negative"));
    }
    std::thread::sleep(std::time::Duration::from_secs_f64(s));
    Ok(Value::NONE)
}

/// `sys.unraisablehook(args)`: the default hook, printing like CPython.
fn sys_unraisablehook<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "unraisablehook", 1, 1)?;
    let sym = vm.intern("exc_value");
    let exc = vm.getattr(vm.arg(a, 0), sym)?;
    let es = vm.push(exc);
    let sym = vm.intern("object");
    let obj = vm.getattr(vm.arg(a, 0), sym)?;
    vm.print_unraisable(vm.st(es), obj);
    vm.truncate(es);
    Ok(Value::NONE)
}

/// `gc.collect()`: a full collection with finalizers run. It returns None,
/// as PyPy's does: the collectors do not count the unreachable objects
/// they reclaim (a copying collector never visits them), and CPython's
/// count would otherwise be reported as a false 0.
fn gc_collect<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    vm.collect_garbage();
    Ok(Value::NONE)
}

fn gc_enable<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    vm.gc_enabled = true;
    Ok(Value::NONE)
}

fn gc_disable<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    vm.gc_enabled = false;
    Ok(Value::NONE)
}

fn gc_isenabled<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    Ok(Value::bool(vm.gc_enabled))
}

fn gc_get_stats<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    let s = vm.heap.stats().clone();
    let d = vm.new_dict()?;
    let ds = vm.push(d);
    let mut items: Vec<(String, i64)> = vec![
        ("collector".into(), 0),
        ("pauses".into(), s.total_pauses() as i64),
        ("gc_ns".into(), s.total_pause_time().as_nanos() as i64),
        ("max_pause_ns".into(), s.max_pause.as_nanos() as i64),
        ("bytes_allocated".into(), s.bytes_allocated as i64),
        ("objects_allocated".into(), s.objects_allocated as i64),
        ("bytes_copied".into(), s.bytes_copied as i64),
        ("bytes_freed".into(), s.bytes_freed as i64),
        ("peak_heap_bytes".into(), s.peak_heap as i64),
    ];
    items.extend(s.counters.iter().map(|(k, v)| (k.to_string(), *v as i64)));
    for (k, v) in items {
        let kv = vm.new_str(&k)?;
        let ks = vm.push(kv);
        let val = if k == "collector" {
            vm.new_str(s.collector)?
        } else {
            vm.int_from_i64(v)?
        };
        vm.dict_set_item(vm.st(ds), vm.st(ks), val)?;
        vm.truncate(ks);
    }
    let d = vm.st(ds);
    vm.truncate(ds);
    Ok(d)
}

/// `_heaplab.collector_info()`: what the running collector is and
/// promises, so a program can tell which of SEMANTICS.md's guarantees hold
/// (e.g. `collect_is_complete`: after `gc.collect()` every unreachable
/// object is gone, false for `none` and for ambiguous roots).
fn collector_info<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "collector_info", 0, 0)?;
    let caps = vm.heap.capabilities();
    let name = vm.heap.stats().collector;
    let roots = match caps.roots {
        gc_api::RootPrecision::Ambiguous => "ambiguous",
        gc_api::RootPrecision::Precise => "precise",
    };
    let d = vm.new_dict()?;
    let ds = vm.push(d);
    let flags = [
        ("moving", caps.moves_objects),
        ("generational", caps.generational),
        ("reference_counting", caps.reference_counting),
        ("reclaims", caps.reclaims),
        ("collect_is_complete", caps.collect_is_complete()),
    ];
    for (k, text) in [("name", name), ("roots", roots)] {
        let kv = vm.new_str(k)?;
        let ks = vm.push(kv);
        let v = vm.new_str(text)?;
        vm.dict_set_item(vm.st(ds), vm.st(ks), v)?;
        vm.truncate(ks);
    }
    for (k, b) in flags {
        let kv = vm.new_str(k)?;
        let ks = vm.push(kv);
        vm.dict_set_item(vm.st(ds), vm.st(ks), Value::bool(b))?;
        vm.truncate(ks);
    }
    let d = vm.st(ds);
    vm.truncate(ds);
    Ok(d)
}

fn harness_begin<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    vm.harness_begin();
    Ok(Value::NONE)
}

fn harness_end<H: Heap>(vm: &mut Vm<H>, _a: Args) -> PyResult {
    vm.harness_end();
    Ok(Value::NONE)
}

/// `_heaplab.trace_mark(text)`: writes `MARK text` into the finalization
/// trace (if enabled), so one program can run many test cases.
fn trace_mark<H: Heap>(vm: &mut Vm<H>, a: Args) -> PyResult {
    vm.check_args(a, "trace_mark", 1, 1)?;
    let text = vm.str_string(vm.arg(a, 0))?;
    if let Some(t) = vm.rt.reaper.trace.as_mut() {
        t.mark(&text);
    }
    Ok(Value::NONE)
}
