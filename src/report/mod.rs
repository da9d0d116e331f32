//! The report every format renders from: sorted findings, the scorecard and notices.
//! Renderers are pure functions of it; none re-runs rules.

pub mod json;
pub mod terminal;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::discover::Notice;
use crate::finding::Finding;
use crate::kind::FileKind;
use crate::score::Scorecard;

pub struct Report {
    /// The scanned root as the user gave it.
    pub root: String,
    pub files: BTreeMap<FileKind, usize>,
    pub findings: Vec<Finding>,
    pub suppressed: usize,
    pub scorecard: Scorecard,
    pub notices: Vec<Notice>,
    /// Source text per path of the files with findings, for snippets.
    pub sources: BTreeMap<String, Arc<str>>,
    pub elapsed: std::time::Duration,
}

impl Report {
    pub fn file_count(&self) -> usize {
        self.files.values().sum()
    }
}
