//! gc-generational: work in progress (see issues 9/10).
