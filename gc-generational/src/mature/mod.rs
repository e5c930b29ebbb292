//! The mature generation's two policies (`mature=marksweep|semispace`) and
//! the size classes of its non-moving part.

pub mod marksweep;
pub mod semispace;
pub mod size_class;

/// Where survivors of the nursery go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Non-moving mark-sweep with size classes.
    MarkSweep,
    /// A copying semispace pair.
    Semispace,
}
