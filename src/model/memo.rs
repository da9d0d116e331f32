//! Facts several rules derive the same way from the whole project (which compose services and
//! workloads are long-running, and their roles), computed once on first use. Rules run in
//! parallel, and each used to rebuild these for itself.

use std::any::Any;
use std::sync::OnceLock;

/// One memoised fact; each slot always holds the same type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoSlot {
    /// `rules::obs::signals::services`.
    ObsServices,
    /// `rules::k8s::common::kustomize_sets_image`.
    KustomizeImages,
    /// `rules::cross::lb_common::resolve`.
    LbServiceNames,
    /// `rules::obs::signals::mounted_with`.
    ServicesBySource,
    /// `rules::obs::signals::partial_collector_docs`.
    PartialCollectorDocs,
    /// `rules::haproxy::common::group`.
    HaproxyDirs,
    /// `rules::obs::prom_common::project_alert_classes`.
    AlertClasses,
}

const SLOTS: usize = 7;

#[derive(Default)]
pub struct Memo {
    slots: [OnceLock<Box<dyn Any + Send + Sync>>; SLOTS],
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo").finish_non_exhaustive()
    }
}

impl Memo {
    /// The value in `slot`, computed by `init` the first time (other threads asking meanwhile
    /// wait for it). A slot holds one type only, so the downcast always succeeds; were a slot
    /// asked for another type, `init` would run again and nothing be kept, rather than a panic.
    pub fn get_or_init<T: Any + Send + Sync + Clone>(
        &self,
        slot: MemoSlot,
        init: impl Fn() -> T,
    ) -> T {
        let value = self.slots[slot as usize].get_or_init(|| Box::new(init()));
        match value.downcast_ref::<T>() {
            Some(v) => v.clone(),
            None => init(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_slot_is_computed_once_and_a_wrong_type_does_not_panic() {
        let memo = Memo::default();
        let calls = AtomicUsize::new(0);
        let init = || {
            calls.fetch_add(1, Ordering::SeqCst);
            vec![1u32, 2, 3]
        };
        assert_eq!(memo.get_or_init(MemoSlot::ObsServices, init), vec![1, 2, 3]);
        assert_eq!(memo.get_or_init(MemoSlot::ObsServices, init), vec![1, 2, 3]);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(memo.get_or_init(MemoSlot::ObsServices, || "other"), "other");
    }
}
