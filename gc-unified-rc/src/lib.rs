//! gc-unified-rc: work in progress (see issues 9/10).
