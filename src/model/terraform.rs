//! Terraform: every `.tf` file parsed with hcl-edit into owned blocks and attributes with byte
//! spans, `.tfvars` files as attributes, grouped into modules by directory. `terragrunt.hcl`
//! files are parsed for syntax errors only.
//!
//! Nothing is evaluated or downloaded. Each attribute keeps its value's source text and what
//! kind of expression it is, so rules can tell a literal (`"hunter2"`, `true`, `7`) from a value
//! only known at plan time (`var.x`, `local.x`, `data.x.y`, `module.x.y`, a function call, a
//! template with interpolations): the latter are unknown, and rules stay silent on them.
//!
//! Root modules (the directories `terraform apply` runs in) are recognised by a simple
//! heuristic, in order:
//! 1. a directory under an `examples`/`_examples`/`example`/`test`/`tests`/`testdata`/
//!    `test-fixtures` folder is never a root module: those demonstrate or test a module, they
//!    are not deployed configuration;
//! 2. a directory with a `backend` or `cloud` block, a `provider` block or a `.tfvars` file is
//!    a root module;
//! 3. otherwise a directory is a root module when no other module in the repository sources it
//!    through a local path (`./x`, `../x`), it is not under a `modules` or `wrappers` folder,
//!    and it declares at least one resource, data source or module call.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use hcl_edit::Span as _;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::Element;

use crate::kind::FileKind;
use crate::parse::span::Span;
use crate::parse::{FileId, ParseFailure, SourceFile};

/// What an attribute's value is, as far as a rule can know without evaluating it.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(String),
    /// A string with no interpolation (quoted or heredoc).
    String(String),
    Array(Vec<Expr>),
    Object(Vec<ObjectEntry>),
    /// A reference (`var.x`, `local.x`, `data.a.b.c`, `module.m.out`, `aws_x.y.id`).
    Reference,
    /// A function call (`file(...)`, `jsonencode(...)`).
    Call(String),
    /// A string or heredoc with interpolations or directives.
    Template,
    /// Conditionals, operators, `for` expressions.
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub span: Span,
    /// The expression's source text.
    pub text: String,
    pub kind: ExprKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectEntry {
    /// The key as written, quotes removed (an expression key keeps its text).
    pub key: String,
    pub key_span: Span,
    pub value: Expr,
}

impl Expr {
    /// A string, number or boolean written out in the configuration.
    pub fn is_literal(&self) -> bool {
        matches!(
            self.kind,
            ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::String(_)
        )
    }

    /// Known only at plan time: rules treat it as set to something they cannot judge.
    pub fn is_unknown(&self) -> bool {
        matches!(
            self.kind,
            ExprKind::Reference | ExprKind::Call(_) | ExprKind::Template | ExprKind::Other
        )
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// `true`, or the string `"true"` Terraform converts.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            ExprKind::Bool(b) => Some(*b),
            ExprKind::String(s) if s == "true" => Some(true),
            ExprKind::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match &self.kind {
            ExprKind::Number(n) => n.parse().ok(),
            ExprKind::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[ObjectEntry] {
        match &self.kind {
            ExprKind::Object(entries) => entries,
            _ => &[],
        }
    }

    /// An object entry by key.
    pub fn get(&self, key: &str) -> Option<&Expr> {
        self.entries()
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub key: String,
    pub key_span: Span,
    /// The whole `key = value`.
    pub span: Span,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub text: String,
    pub span: Span,
}

/// One block: `resource "aws_db_instance" "main" { ... }`, or a nested `lifecycle { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub file: FileId,
    /// The block type: `resource`, `terraform`, `lifecycle`...
    pub ident: String,
    pub ident_span: Span,
    pub labels: Vec<Label>,
    /// The whole block.
    pub span: Span,
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
}

impl Block {
    pub fn attr(&self, key: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.key == key)
    }

    /// An attribute's value by key.
    pub fn value(&self, key: &str) -> Option<&Expr> {
        self.attr(key).map(|a| &a.value)
    }

    pub fn blocks_of<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a Block> {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }

    pub fn block(&self, ident: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.ident == ident)
    }

    /// A nested block (`settings`, `backup_configuration`), then an attribute of it.
    pub fn value_at(&self, blocks: &[&str], key: &str) -> Option<&Expr> {
        let mut block = self;
        for b in blocks {
            match block.block(b) {
                Some(inner) => block = inner,
                // An attribute written as an object: `settings = { ... }`.
                None => {
                    let mut expr = block.value(b)?;
                    for rest in &blocks[blocks.iter().position(|x| x == b).unwrap_or(0) + 1..] {
                        expr = expr.get(rest)?;
                    }
                    return expr.get(key);
                }
            }
        }
        block.value(key)
    }

    pub fn label(&self, i: usize) -> Option<&str> {
        self.labels.get(i).map(|l| l.text.as_str())
    }

    /// Where to point at the block: its labels, or its type when it has none.
    pub fn head_span(&self) -> Span {
        match (self.labels.first(), self.labels.last()) {
            (Some(first), Some(last)) => first.span.join(last.span),
            _ => self.ident_span,
        }
    }

    /// The resource or data source type (first label).
    pub fn type_name(&self) -> &str {
        self.label(0).unwrap_or("")
    }

    /// The resource or data source name (second label), or a module/variable name.
    pub fn name(&self) -> &str {
        match self.ident.as_str() {
            "resource" | "data" => self.label(1).unwrap_or(""),
            _ => self.label(0).unwrap_or(""),
        }
    }

    /// `lifecycle { prevent_destroy = true }`.
    pub fn prevents_destroy(&self) -> bool {
        self.blocks_of("lifecycle")
            .any(|l| l.value("prevent_destroy").and_then(Expr::as_bool) == Some(true))
    }

    /// The provider a resource or data source belongs to: its `provider` attribute's first
    /// part, or its type's prefix (`aws_db_instance` → `aws`).
    pub fn provider_name(&self) -> &str {
        let t = self.type_name();
        t.split('_').next().unwrap_or(t)
    }
}

/// A parsed Terraform file.
#[derive(Debug)]
pub struct TfFile {
    pub file: FileId,
    pub path: String,
    /// `.tfvars`: only attributes.
    pub is_vars: bool,
    pub blocks: Vec<Block>,
    pub attrs: Vec<Attr>,
}

/// The `.tf` files of one directory.
#[derive(Debug, Default)]
pub struct Module {
    /// The directory with a trailing `/`, `""` for the repository root.
    pub dir: String,
    /// Indexes into `Terraform::files`, sorted by path.
    pub files: Vec<usize>,
    pub is_root: bool,
    /// A `.terraform.lock.hcl` in the directory.
    pub lock_file: Option<FileId>,
}

#[derive(Debug, Default)]
pub struct Terraform {
    pub files: Vec<TfFile>,
    pub modules: Vec<Module>,
    pub failures: Vec<ParseFailure>,
}

/// A parsed file's blocks and top-level attributes (`None` for Terragrunt, only checked).
type ParseResult = Result<Option<(Vec<Block>, Vec<Attr>)>, ParseFailure>;

/// One HCL file parsed on a loading thread, before it has its `FileId`.
pub struct ParsedHcl {
    is_vars: bool,
    result: ParseResult,
}

impl ParsedHcl {
    /// Parses a file of a Terraform kind (`None` for other kinds and JSON variables). hcl-edit
    /// is the costly part of modelling Terraform, so it runs with the other parsers, per file.
    pub fn parse(kind: FileKind, path: &str, text: &str) -> Option<ParsedHcl> {
        let is_vars = match kind {
            FileKind::Terraform => false,
            FileKind::TerraformVars if !path.ends_with(".json") => true,
            // Terragrunt configurations are HCL too: checked for syntax, not modelled.
            FileKind::Terragrunt => {
                return Some(ParsedHcl {
                    is_vars: false,
                    result: parse(text, 0).map(|_| None),
                });
            }
            _ => return None,
        };
        Some(ParsedHcl {
            is_vars,
            result: parse(text, 0).map(Some),
        })
    }
}

/// Blocks are parsed before their file has an id; they get it here, nested ones too.
fn assign_file(blocks: &mut [Block], file: FileId) {
    for block in blocks {
        block.file = file;
        assign_file(&mut block.blocks, file);
    }
}

impl Terraform {
    /// Parses and models the Terraform among `files`.
    pub fn build(files: &[SourceFile]) -> Terraform {
        let parsed = files
            .par_iter()
            .enumerate()
            .filter_map(|(id, f)| Some((id, ParsedHcl::parse(f.kind, &f.path, &f.text)?)))
            .collect();
        Terraform::from_parsed(files, parsed)
    }

    /// Models the Terraform among `files` from their parsed HCL, in file order.
    pub fn from_parsed(files: &[SourceFile], parsed: Vec<(FileId, ParsedHcl)>) -> Terraform {
        let mut tf = Terraform::default();
        for (id, ParsedHcl { is_vars, result }) in parsed {
            match result {
                Ok(Some((mut blocks, attrs))) => {
                    assign_file(&mut blocks, id);
                    tf.files.push(TfFile {
                        file: id,
                        path: files[id].path.clone(),
                        is_vars,
                        blocks,
                        attrs,
                    })
                }
                Ok(None) => {}
                Err(failure) => tf.failures.push(ParseFailure {
                    file: id,
                    ..failure
                }),
            }
        }
        let mut dirs: BTreeMap<String, Module> = BTreeMap::new();
        for (i, f) in tf.files.iter().enumerate() {
            let dir = dir_of(&f.path).to_string();
            let module = dirs.entry(dir.clone()).or_default();
            module.dir = dir;
            module.files.push(i);
        }
        for (id, source) in files.iter().enumerate() {
            if source.kind == FileKind::TerraformLock
                && let Some(m) = dirs.get_mut(dir_of(&source.path))
            {
                m.lock_file = Some(id);
            }
        }
        // Directories some module call sources through a local path.
        let mut sourced = BTreeSet::new();
        for module in dirs.values() {
            for &i in &module.files {
                for b in tf.files[i].blocks.iter().filter(|b| b.ident == "module") {
                    if let Some(src) = b.value("source").and_then(Expr::as_str)
                        && is_local_source(src)
                    {
                        sourced.insert(normalize_dir(&format!("{}{src}", module.dir)));
                    }
                }
            }
        }
        for module in dirs.values_mut() {
            module.is_root = is_root(module, &tf.files, &sourced);
        }
        tf.modules = dirs.into_values().collect();
        tf
    }

    /// The top-level blocks of a module's `.tf` files, in path then source order.
    pub fn blocks<'a>(&'a self, module: &'a Module) -> impl Iterator<Item = &'a Block> {
        module
            .files
            .iter()
            .map(|&i| &self.files[i])
            .filter(|f| !f.is_vars)
            .flat_map(|f| f.blocks.iter())
    }

    pub fn blocks_of<'a>(
        &'a self,
        module: &'a Module,
        ident: &'a str,
    ) -> impl Iterator<Item = &'a Block> {
        self.blocks(module).filter(move |b| b.ident == ident)
    }

    /// Every top-level block of every module.
    pub fn all_blocks(&self) -> impl Iterator<Item = &Block> {
        self.files
            .iter()
            .filter(|f| !f.is_vars)
            .flat_map(|f| f.blocks.iter())
    }

    /// Every resource of a type, in every module.
    pub fn resources<'a>(&'a self, type_name: &'a str) -> impl Iterator<Item = &'a Block> {
        self.all_blocks()
            .filter(move |b| b.ident == "resource" && b.type_name() == type_name)
    }

    /// The `.tfvars` files of a module.
    pub fn vars_files<'a>(&'a self, module: &'a Module) -> impl Iterator<Item = &'a TfFile> {
        module
            .files
            .iter()
            .map(|&i| &self.files[i])
            .filter(|f| f.is_vars)
    }

    /// The backend a module stores state in: a `backend "x"` or `cloud` block inside
    /// `terraform`.
    pub fn backend<'a>(&'a self, module: &'a Module) -> Option<&'a Block> {
        self.blocks_of(module, "terraform")
            .flat_map(|t| t.blocks.iter())
            .find(|b| b.ident == "backend" || b.ident == "cloud")
    }

    /// The `required_version` attribute of any `terraform` block of the module.
    pub fn required_version<'a>(&'a self, module: &'a Module) -> Option<&'a Attr> {
        self.blocks_of(module, "terraform")
            .find_map(|t| t.attr("required_version"))
    }

    /// `required_providers` entries: (name, entry as written). An entry is an object
    /// `{ source, version }` or, in old configurations, a bare version string.
    pub fn required_providers<'a>(
        &'a self,
        module: &'a Module,
    ) -> impl Iterator<Item = (&'a Block, &'a Attr)> {
        self.blocks_of(module, "terraform")
            .flat_map(|t| t.blocks_of("required_providers"))
            .flat_map(|rp| rp.attrs.iter().map(move |a| (rp, a)))
    }

    /// The module a block belongs to.
    pub fn module_of(&self, file: FileId) -> Option<&Module> {
        self.modules.iter().find(|m| {
            m.files
                .iter()
                .any(|&i| self.files.get(i).is_some_and(|f| f.file == file))
        })
    }

    pub fn root_modules(&self) -> impl Iterator<Item = &Module> {
        self.modules.iter().filter(|m| m.is_root)
    }
}

fn dir_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..=i],
        None => "",
    }
}

/// `./x`, `../x`: a module in the same repository, which needs no version.
pub fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}

/// `a/./b/../c` → `a/c/`, with a trailing `/` (or `""` for the repository root).
fn normalize_dir(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        parts.join("/") + "/"
    }
}

const NOT_DEPLOYED_DIRS: &[&str] = &[
    "examples",
    "_examples",
    "example",
    "test",
    "tests",
    "testdata",
    "test-fixtures",
    "test_fixtures",
];

/// Folders of reusable modules: `modules/`, and Terragrunt `wrappers/` that call them.
const LIBRARY_DIRS: &[&str] = &["modules", "wrappers"];

fn is_root(module: &Module, files: &[TfFile], sourced: &BTreeSet<String>) -> bool {
    let parts: Vec<&str> = module.dir.split('/').filter(|p| !p.is_empty()).collect();
    if parts.iter().any(|p| NOT_DEPLOYED_DIRS.contains(p)) {
        return false;
    }
    let mut blocks = module
        .files
        .iter()
        .map(|&i| &files[i])
        .filter(|f| !f.is_vars)
        .flat_map(|f| f.blocks.iter());
    let has_vars = module.files.iter().any(|&i| files[i].is_vars);
    let declares = |b: &Block| {
        b.ident == "provider"
            || (b.ident == "terraform"
                && b.blocks
                    .iter()
                    .any(|x| x.ident == "backend" || x.ident == "cloud"))
    };
    if has_vars || blocks.clone().any(declares) {
        return true;
    }
    !sourced.contains(&module.dir)
        && !parts.iter().any(|p| LIBRARY_DIRS.contains(p))
        && blocks.any(|b| matches!(b.ident.as_str(), "resource" | "data" | "module"))
}

/// Parses one file's text into top-level blocks and attributes.
pub fn parse(text: &str, file: FileId) -> Result<(Vec<Block>, Vec<Attr>), ParseFailure> {
    if let Some(unclosed) = crate::parse::hcl_guard::unclosed_bracket(text) {
        let what = match text[unclosed.offset..].chars().next() {
            Some('"') => "string".to_string(),
            Some(c @ ('{' | '(' | '[')) => format!("`{c}`"),
            Some(c) => format!("`{c}{{`"),
            None => "bracket".to_string(),
        };
        // hcl-edit would report this at the start of the outermost expression or block, often
        // line 1: the bracket itself is the place to fix.
        let more = match unclosed.open {
            1 => String::new(),
            n => format!(" ({n} brackets are still open at the end of the file)"),
        };
        return Err(ParseFailure {
            file,
            message: format!("invalid HCL: this {what} is never closed{more}"),
            offset: unclosed.offset,
        });
    }
    let body: Body = hcl_edit::parser::parse_body(text).map_err(|e| ParseFailure {
        file,
        message: format!("invalid HCL: {}", e.message()),
        offset: e.location().offset().min(text.len()),
    })?;
    let cx = Conv { text, file };
    let (blocks, attrs) = cx.body(&body);
    Ok((blocks, attrs))
}

struct Conv<'a> {
    text: &'a str,
    file: FileId,
}

impl Conv<'_> {
    fn span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        let len = self.text.len();
        match range {
            Some(r) => {
                let start = r.start.min(len);
                Span::new(start, r.end.min(len))
            }
            None => Span::empty(0),
        }
    }

    fn slice(&self, span: Span) -> String {
        self.text
            .get(span.start..span.end)
            .unwrap_or("")
            .to_string()
    }

    fn body(&self, body: &Body) -> (Vec<Block>, Vec<Attr>) {
        let mut blocks = Vec::new();
        let mut attrs = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(a) => {
                    let key_span = self.span(a.key.span());
                    let value = self.expr(&a.value);
                    attrs.push(Attr {
                        key: a.key.as_str().to_string(),
                        key_span,
                        span: key_span.join(value.span),
                        value,
                    });
                }
                Structure::Block(b) => {
                    let (inner_blocks, inner_attrs) = self.body(&b.body);
                    blocks.push(Block {
                        file: self.file,
                        ident: b.ident.as_str().to_string(),
                        ident_span: self.span(b.ident.span()),
                        labels: b
                            .labels
                            .iter()
                            .map(|l| Label {
                                text: l.as_str().to_string(),
                                span: self.span(l.span()),
                            })
                            .collect(),
                        span: self.span(b.span()),
                        attrs: inner_attrs,
                        blocks: inner_blocks,
                    });
                }
            }
        }
        (blocks, attrs)
    }

    fn expr(&self, e: &Expression) -> Expr {
        let span = self.span(e.span());
        let kind = match e {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => ExprKind::Number(n.value().to_string()),
            Expression::String(s) => ExprKind::String(s.value().clone()),
            Expression::Array(a) => ExprKind::Array(a.iter().map(|x| self.expr(x)).collect()),
            Expression::Object(o) => ExprKind::Object(
                o.iter()
                    .map(|(k, v)| {
                        let key_span = self.span(k.span());
                        let key = match k {
                            ObjectKey::Ident(i) => i.as_str().to_string(),
                            ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
                            ObjectKey::Expression(_) => self.slice(key_span),
                        };
                        ObjectEntry {
                            key,
                            key_span,
                            value: self.expr(v.expr()),
                        }
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => literal_template(t.iter())
                .map(ExprKind::String)
                .unwrap_or(ExprKind::Template),
            Expression::HeredocTemplate(h) => literal_template(h.template.iter())
                .map(ExprKind::String)
                .unwrap_or(ExprKind::Template),
            Expression::Parenthesis(p) => return self.expr(p.inner()),
            Expression::Variable(_) | Expression::Traversal(_) => ExprKind::Reference,
            Expression::FuncCall(f) => ExprKind::Call(f.name.name.as_str().to_string()),
            Expression::Conditional(_)
            | Expression::UnaryOp(_)
            | Expression::BinaryOp(_)
            | Expression::ForExpr(_) => ExprKind::Other,
        };
        Expr {
            span,
            text: self.slice(span),
            kind,
        }
    }
}

/// A template made only of literal text: its text.
fn literal_template<'a>(mut elements: impl Iterator<Item = &'a Element>) -> Option<String> {
    elements.try_fold(String::new(), |mut acc, el| {
        acc.push_str(el.as_literal()?.value());
        Some(acc)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // The inputs below took hcl-edit 0.10.0 time exponential in their nesting depth (found by
    // fuzzing; vendor/README.md). Unfixed, the synthetic ones run for many minutes and the
    // fuzz find for 17 s, so a regression shows as a test that does not end.

    /// A term that fails after the second operator of a chain was parsed twice per level.
    #[test]
    fn failing_terms_after_operators_are_parsed_once() {
        let failing = format!(
            "x = {}\"%{{endif}}\"{}\n",
            "a + b + {k = ".repeat(40),
            "}".repeat(40)
        );
        let err = parse(&failing, 0).unwrap_err();
        assert!(err.message.starts_with("invalid HCL"), "{}", err.message);
        let valid = format!("x = {}1{}\n", "a + b + {k = ".repeat(40), "}".repeat(40));
        assert!(parse(&valid, 0).is_ok());
        // The 912-byte fuzz find whose depth shipshape used to cap at 24 braces: its 48 levels
        // now reach hcl-edit, which answers at once.
        let found = "fo=5.orp/t5.orp/tlvolume_typesb+{\n   sb+{\nr5.orp/tlsb+{\n".repeat(16);
        assert!(parse(&found, 0).is_err());
    }

    /// A heredoc whose delimiter is on its first line was read on to a later delimiter line,
    /// then read again as empty: once more for every heredoc around it.
    #[test]
    fn heredocs_closed_on_their_first_line_are_read_once() {
        // Straight to hcl-edit: the bracket check would refuse this one first. Past about 32
        // levels hcl-edit's own depth limit would cut the search short.
        let nested = format!("x = {}", "\"${{\nb= <<E\nE#\"\n}}\n".repeat(30));
        assert!(hcl_edit::parser::parse_body(&nested).is_err());
        let found = include_str!("../../fixtures/regressions/terraform-heredoc-delimiters.tf");
        assert!(parse(found, 0).is_err());
        // As HashiCorp's parser reads it: the first heredoc is empty, the second holds `x`.
        let (_, attrs) = parse("a = <<EOF\nEOF\nb = <<EOF\nx\nEOF\n", 0).unwrap();
        assert_eq!(
            attrs.iter().map(|a| a.key.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }

    #[test]
    fn unclosed_brackets_are_refused_before_parsing() {
        // Found by fuzzing: 23 `{` and one `}`; hcl-edit took 15 s on it.
        let hostile = include_str!("../../fixtures/regressions/terraform-unclosed-braces.tf");
        let err = parse(hostile, 0).unwrap_err();
        assert!(err.message.contains("never closed"), "{}", err.message);
        assert!(err.message.contains("22 brackets"), "{}", err.message);
        assert_eq!(hostile[err.offset..].chars().next(), Some('{'));
        let missing = "resource \"a\" \"b\" {\n  tags = { a = 1 }\n";
        let err = parse(missing, 0).unwrap_err();
        assert_eq!(err.message, "invalid HCL: this `{` is never closed");
        assert_eq!(err.offset, missing.find('{').unwrap());
    }

    #[test]
    fn blocks_attributes_and_spans() {
        let text = r#"
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
  backend "s3" {
    bucket = "state"
  }
}

resource "aws_db_instance" "main" {
  password = var.db_password  # comment
  storage_encrypted = true
  tags = { Name = "db-${var.env}" }
  lifecycle {
    prevent_destroy = true
  }
}
"#;
        let (blocks, attrs) = parse(text, 0).unwrap();
        assert!(attrs.is_empty());
        assert_eq!(blocks.len(), 2);
        let db = &blocks[1];
        assert_eq!(db.type_name(), "aws_db_instance");
        assert_eq!(db.name(), "main");
        assert_eq!(
            &text[db.head_span().start..db.head_span().end],
            "\"aws_db_instance\" \"main\""
        );
        let pw = db.attr("password").unwrap();
        assert_eq!(&text[pw.key_span.start..pw.key_span.end], "password");
        assert_eq!(pw.value.text, "var.db_password");
        assert!(pw.value.is_unknown());
        assert_eq!(db.value("storage_encrypted").unwrap().as_bool(), Some(true));
        assert!(db.prevents_destroy());
        assert_eq!(
            db.value("tags").unwrap().get("Name").unwrap().kind,
            ExprKind::Template
        );
        let tfb = &blocks[0];
        let rp = tfb.block("required_providers").unwrap();
        let aws = rp.value("aws").unwrap();
        assert_eq!(aws.get("version").unwrap().as_str(), Some("~> 5.0"));
        assert_eq!(tfb.block("backend").unwrap().label(0), Some("s3"));
    }

    #[test]
    fn errors_and_odd_input() {
        let err = parse("resource \"a\" {\n  x = \n}\n", 3).unwrap_err();
        assert_eq!(err.file, 3);
        for text in ["", "x = <<EOT\nabc\nEOT\n", "a = \"é${b}\"", "{", "é = 1"] {
            let _ = parse(text, 0);
        }
    }

    #[test]
    fn real_world_hcl_shapes_parse() {
        for text in [
            "resource \"a\" \"b\" {\r\n  x = <<EOT\r\nabc\r\nEOT\r\n}\r\n",
            "x = <<-EOT\n    abc\n    EOT\n",
            "x = \"%{ if true }a%{ else }b%{ endif }\"\n",
            "x = <<EOT\n%{ for a in b ~}\n${a}\n%{ endfor ~}\nEOT\n",
            "é = \"héllo ✓\"\n",
            "x = provider::aws::arn_parse(\"a\")\ny = a.0.b\nz = 1",
        ] {
            assert!(parse(text, 0).is_ok(), "{text:?}");
        }
        // A byte order mark is rejected: discovery strips it before parsing.
        assert!(parse("\u{feff}x = 1\n", 0).is_err());
    }

    #[test]
    fn terragrunt_files_are_checked_for_syntax_only() {
        use crate::parse::span::LineIndex;
        let file = |path: &str, text: &str| SourceFile {
            path: path.into(),
            kind: FileKind::Terragrunt,
            text: text.into(),
            lines: LineIndex::new(text),
        };
        let tf = Terraform::build(&[
            file(
                "live/prod/terragrunt.hcl",
                "terraform {\n  source = \"../m\"\n}\n",
            ),
            file("live/dev/terragrunt.hcl", "inputs = {\n"),
        ]);
        assert!(tf.files.is_empty() && tf.modules.is_empty());
        assert_eq!(tf.failures.len(), 1);
        assert_eq!(tf.failures[0].file, 1);
    }

    #[test]
    fn normalizes_dirs() {
        assert_eq!(normalize_dir("envs/prod/../../modules/db"), "modules/db/");
        assert_eq!(normalize_dir("./"), "");
    }
}
