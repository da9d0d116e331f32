//! What the hard-coded value rules (`k8s-hardcoded-ip-address`, `k8s-hardcoded-hostname`)
//! share: the literal values of a workload or ConfigMap in which an environment's address can
//! hide, and how to word where each one sits.
//!
//! Values read: a container's (and init container's) `env[].value` and `args`, and a
//! ConfigMap's `data` values. Values that are templated (`{{ }}`, `${}`, `$(VAR)`), span several
//! lines (whole configuration files, left to their own tools), or sit under a name that holds a
//! version, tag or mask are skipped.

use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::parse::is_templated;
use crate::parse::yaml::Node;
use crate::rules::{Cx, k8s_subject};

/// Names whose values look like addresses but are versions, tags or masks.
fn is_exempt_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "VERSION", "_VER", "TAG", "MASK", "NETMASK", "OID", "RELEASE",
    ]
    .iter()
    .any(|w| upper.contains(w))
}

/// Where a literal value sits.
pub enum Site<'a> {
    Env { container: &'a str, name: &'a str },
    Arg { container: &'a str },
    ConfigMap { key: &'a str },
}

/// One literal, single-line, untemplated value of an object.
pub struct LiteralValue<'a> {
    pub node: &'a Node,
    pub text: &'a str,
    pub site: Site<'a>,
}

impl LiteralValue<'_> {
    /// The start of a message: "container `api` of Deployment `x` sets `DB_HOST`, which".
    pub fn describe(&self, obj: &K8sObject) -> String {
        match self.site {
            Site::Env { container, name } => format!(
                "container `{container}` of {} sets `{name}`, which",
                obj.display()
            ),
            Site::Arg { container } => {
                format!(
                    "an argument of container `{container}` of {}",
                    obj.display()
                )
            }
            Site::ConfigMap { key } => format!("ConfigMap `{}` key `{key}`", obj.name),
        }
    }
}

fn literal<'a>(node: &'a Node, site: Site<'a>) -> Option<LiteralValue<'a>> {
    let text = node.as_str()?;
    (!text.contains('\n') && !is_templated(text)).then_some(LiteralValue { node, text, site })
}

/// The literal values of a workload (its containers' env values and args) or of a ConfigMap
/// (its `data`); `None` when the object is neither, or a ConfigMap without data: then it is
/// not judged.
pub fn literal_values(obj: &K8sObject) -> Option<Vec<LiteralValue<'_>>> {
    let mut out = Vec::new();
    if obj.is("ConfigMap") {
        for entry in obj.node.get("data").and_then(Node::as_map)? {
            let Some(key) = entry.key.as_str() else {
                continue;
            };
            if !is_exempt_name(key) {
                out.extend(literal(&entry.value, Site::ConfigMap { key }));
            }
        }
        return Some(out);
    }
    if !obj.is_workload() {
        return None;
    }
    for c in obj.containers().iter().chain(obj.init_containers()) {
        let container = c.get("name").and_then(Node::as_str).unwrap_or("?");
        for var in c.get("env").map(Node::items).unwrap_or(&[]) {
            let Some(name) = var.get("name").and_then(Node::as_str) else {
                continue;
            };
            let Some(value) = var.get("value") else {
                continue;
            };
            if !is_exempt_name(name) {
                out.extend(literal(value, Site::Env { container, name }));
            }
        }
        for arg in c.get("args").map(Node::items).unwrap_or(&[]) {
            out.extend(literal(arg, Site::Arg { container }));
        }
    }
    Some(out)
}

/// Judges every literal value of `obj` with `find`, which names what is hard-coded in a
/// value (the message's end), if anything; reports each one on its value.
pub fn check_object(
    obj: &K8sObject,
    project: &Project,
    cx: &mut Cx<'_>,
    find: impl Fn(&str) -> Option<String>,
) {
    let Some(values) = literal_values(obj) else {
        return;
    };
    let subject = k8s_subject(project, obj);
    cx.evaluate(subject.clone());
    for v in values {
        if let Some(what) = find(v.text) {
            cx.report(
                subject.clone(),
                obj.file,
                v.node.span,
                format!("{} {what}", v.describe(obj)),
            );
        }
    }
}
