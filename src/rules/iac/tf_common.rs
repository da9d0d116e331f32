//! What the Terraform rules share: subjects, where to point at a module, and how to read a
//! setting that may be absent, literal or only known at plan time.

use crate::model::Project;
use crate::model::terraform::{Block, Expr, ExprKind, Module};
use crate::parse::FileId;
use crate::parse::span::Span;
use crate::rules::Cx;

/// `infra/prod` (or `.` for the repository root): the subject of a per-module rule.
pub(crate) fn module_subject(module: &Module) -> String {
    match module.dir.trim_end_matches('/') {
        "" => ".".to_string(),
        dir => dir.to_string(),
    }
}

/// `infra/main.tf#aws_db_instance.main`, `infra/vars.tf#variable.db_password`.
pub(crate) fn block_subject(project: &Project, block: &Block) -> String {
    let path = project.path(block.file);
    match block.ident.as_str() {
        "resource" => [path, "#", block.type_name(), ".", block.name()].concat(),
        "data" => [path, "#data.", block.type_name(), ".", block.name()].concat(),
        ident => [path, "#", ident, ".", block.name()].concat(),
    }
}

/// Where a per-module finding points: the first `terraform` block, else the first block.
pub(crate) fn module_anchor(project: &Project, module: &Module) -> Option<(FileId, Span)> {
    let tf = &project.terraform;
    tf.blocks_of(module, "terraform")
        .next()
        .or_else(|| tf.blocks(module).next())
        .map(|b| (b.file, b.head_span()))
}

/// A boolean-ish setting as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Setting<'a> {
    /// Absent (or `null`, which Terraform treats as absent).
    Absent,
    /// Written out as a literal: the value.
    Literal(&'a Expr),
    /// A reference, function call, template or a `dynamic` block: set to something unknown.
    Unknown,
}

impl<'a> Setting<'a> {
    pub(crate) fn is_true(&self) -> bool {
        matches!(self, Setting::Literal(e) if e.as_bool() == Some(true))
    }

    /// Where a setting that must satisfy `ok` falls short: the wrong literal with `wrong`, or
    /// the block's header with `absent`. Unknown values never fail.
    pub(crate) fn failure(
        self,
        block: &Block,
        ok: impl FnOnce(&Expr) -> bool,
        wrong: impl FnOnce() -> String,
        absent: impl FnOnce() -> String,
    ) -> Option<(Span, String)> {
        match self {
            Setting::Unknown => None,
            Setting::Literal(e) if ok(e) => None,
            Setting::Literal(e) => Some((e.span, wrong())),
            Setting::Absent => Some((block.head_span(), absent())),
        }
    }

    /// Unknown or literally true: rules stay silent.
    pub(crate) fn true_or_unknown(&self) -> bool {
        matches!(self, Setting::Unknown) || self.is_true()
    }
}

/// Reads `key` inside the nested blocks `path` of `block` (`settings`, `backup_configuration`),
/// accepting object-valued attributes for blocks and treating `dynamic` blocks as unknown.
pub(crate) fn setting<'a>(block: &'a Block, path: &[&str], key: &str) -> Setting<'a> {
    let Some((first, rest)) = path.split_first() else {
        return match block.value(key) {
            None => Setting::Absent,
            Some(e) => classify(e),
        };
    };
    if block
        .blocks_of("dynamic")
        .any(|d| d.label(0) == Some(first))
    {
        return Setting::Unknown;
    }
    if let Some(inner) = block.block(first) {
        return setting(inner, rest, key);
    }
    let Some(mut expr) = block.value(first) else {
        return Setting::Absent;
    };
    for p in rest.iter().chain(std::iter::once(&key)) {
        match &expr.kind {
            ExprKind::Object(_) => match expr.get(p) {
                Some(e) => expr = e,
                None => return Setting::Absent,
            },
            ExprKind::Array(items) if items.len() == 1 => match items[0].get(p) {
                Some(e) => expr = e,
                None => return Setting::Absent,
            },
            ExprKind::Null => return Setting::Absent,
            _ if expr.is_unknown() => return Setting::Unknown,
            _ => return Setting::Absent,
        }
    }
    classify(expr)
}

fn classify(e: &Expr) -> Setting<'_> {
    match e.kind {
        ExprKind::Null => Setting::Absent,
        _ if e.is_unknown() => Setting::Unknown,
        _ => Setting::Literal(e),
    }
}

/// Reports `found` against the block, or records that the block passed.
pub(crate) fn judge(
    project: &Project,
    cx: &mut Cx<'_>,
    block: &Block,
    found: Option<(Span, String)>,
) {
    let subject = block_subject(project, block);
    match found {
        Some((span, message)) => {
            cx.report(subject, block.file, span, message);
        }
        None => cx.evaluate(subject),
    }
}

/// True when the attribute is present with a value other than `null`.
pub(crate) fn is_present(block: &Block, key: &str) -> bool {
    block
        .value(key)
        .is_some_and(|e| !matches!(e.kind, ExprKind::Null))
}
