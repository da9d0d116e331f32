//! docker compose files: services with the settings rules ask about.

use crate::parse::FileId;
use crate::parse::span::Span;
use crate::parse::yaml::Node;

#[derive(Debug)]
pub struct ComposeFile {
    pub file: FileId,
    pub services: Vec<ComposeService>,
    /// Top-level `networks:` (names and their definitions).
    pub networks: Option<Node>,
    /// Top-level `volumes:` (named volumes).
    pub volumes: Option<Node>,
    pub secrets: Option<Node>,
    pub root: Span,
}

#[derive(Debug)]
pub struct ComposeService {
    pub name: String,
    pub name_span: Span,
    pub node: Node,
}

/// How a service mounts something, from short (`a:b:ro`) or long (`type: volume`) syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mount {
    Named { name: String, target: String },
    Bind { source: String, target: String },
    Anonymous { target: String },
    Tmpfs { target: String },
    Unknown,
}

impl Mount {
    pub fn target(&self) -> Option<&str> {
        match self {
            Mount::Named { target, .. }
            | Mount::Bind { target, .. }
            | Mount::Anonymous { target }
            | Mount::Tmpfs { target } => Some(target),
            Mount::Unknown => None,
        }
    }

    pub fn is_persistent(&self) -> bool {
        matches!(
            self,
            Mount::Named { .. } | Mount::Bind { .. } | Mount::Unknown
        )
    }
}

impl ComposeFile {
    pub fn from_document(file: FileId, mut doc: Node) -> ComposeFile {
        let root = doc.span;
        let mut services = Vec::new();
        let mut networks = None;
        let mut volumes = None;
        let mut secrets = None;
        if let crate::parse::yaml::Value::Map(entries) = &mut doc.value {
            for entry in std::mem::take(entries) {
                match entry.key.as_str() {
                    Some("services") => {
                        if let crate::parse::yaml::Value::Map(svcs) = entry.value.value {
                            for s in svcs {
                                let Some(name) = s.key.as_str().map(str::to_string) else {
                                    continue;
                                };
                                if !s.value.is_map() {
                                    continue;
                                }
                                services.push(ComposeService {
                                    name,
                                    name_span: s.key.span,
                                    node: s.value,
                                });
                            }
                        }
                    }
                    Some("networks") => networks = Some(entry.value),
                    Some("volumes") => volumes = Some(entry.value),
                    Some("secrets") => secrets = Some(entry.value),
                    _ => {}
                }
            }
        }
        ComposeFile {
            file,
            services,
            networks,
            volumes,
            secrets,
            root,
        }
    }

    pub fn declares_volume(&self, name: &str) -> bool {
        self.volumes.as_ref().is_some_and(|v| v.get(name).is_some())
    }
}

impl ComposeService {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.node.get(key)
    }

    /// The image reference, when the service names one.
    pub fn image(&self) -> Option<&str> {
        self.node.get("image").and_then(Node::as_str)
    }

    /// The build context folder as written (`build: ./svc` or `build: {context: ./svc}`).
    pub fn build_context(&self) -> Option<&str> {
        let build = self.node.get("build")?;
        build
            .as_str()
            .or_else(|| build.get("context").and_then(Node::as_str))
            .or(Some("."))
    }

    /// The Dockerfile name for the build, default `Dockerfile`.
    pub fn build_dockerfile(&self) -> Option<&str> {
        self.node
            .get("build")
            .and_then(|b| b.get("dockerfile"))
            .and_then(Node::as_str)
    }

    pub fn mounts(&self) -> Vec<(Mount, Span)> {
        self.node
            .get("volumes")
            .map(|v| v.items())
            .unwrap_or(&[])
            .iter()
            .map(|item| (parse_mount(item), item.span))
            .collect()
    }

    /// `environment:` as (name, value, span of the value or entry), from map or list syntax.
    pub fn environment(&self) -> Vec<EnvVar<'_>> {
        environment_of(&self.node)
    }
}

#[derive(Debug, Clone)]
pub struct EnvVar<'a> {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
    pub node: &'a Node,
}

pub fn environment_of(service: &Node) -> Vec<EnvVar<'_>> {
    let Some(env) = service.get("environment") else {
        return Vec::new();
    };
    if let Some(items) = env.as_seq() {
        return items
            .iter()
            .filter_map(|item| {
                let text = item.as_str()?;
                let (name, value) = match text.split_once('=') {
                    Some((n, v)) => (n.trim().to_string(), Some(v.to_string())),
                    None => (text.trim().to_string(), None),
                };
                Some(EnvVar {
                    name,
                    value,
                    span: item.span,
                    node: item,
                })
            })
            .collect();
    }
    env.string_entries()
        .map(|(name, key, value)| EnvVar {
            name: name.to_string(),
            value: value.as_str().map(str::to_string),
            span: key.span.join(value.span),
            node: value,
        })
        .collect()
}

fn parse_mount(item: &Node) -> Mount {
    if let Some(text) = item.as_str() {
        let parts: Vec<&str> = text.split(':').collect();
        return match parts.as_slice() {
            [target] => Mount::Anonymous {
                target: target.to_string(),
            },
            [source, target, ..] => {
                if is_path_like(source) {
                    Mount::Bind {
                        source: source.to_string(),
                        target: target.to_string(),
                    }
                } else {
                    Mount::Named {
                        name: source.to_string(),
                        target: target.to_string(),
                    }
                }
            }
            [] => Mount::Unknown,
        };
    }
    let target = item
        .get("target")
        .and_then(Node::as_str)
        .unwrap_or("")
        .to_string();
    let source = item
        .get("source")
        .and_then(Node::as_str)
        .map(str::to_string);
    match item.get("type").and_then(Node::as_str) {
        Some("volume") => match source {
            Some(name) => Mount::Named { name, target },
            None => Mount::Anonymous { target },
        },
        Some("bind") => Mount::Bind {
            source: source.unwrap_or_default(),
            target,
        },
        Some("tmpfs") => Mount::Tmpfs { target },
        _ => Mount::Unknown,
    }
}

fn is_path_like(source: &str) -> bool {
    source.starts_with('.')
        || source.starts_with('/')
        || source.starts_with('~')
        || source.starts_with('$')
        || source.contains('/')
}

impl ComposeService {
    /// Services this one starts after (`depends_on` as a list or a map), with their spans:
    /// the edges of the compose service graph.
    pub fn depends_on(&self) -> Vec<(String, Span)> {
        let Some(deps) = self.node.get("depends_on") else {
            return Vec::new();
        };
        if let Some(items) = deps.as_seq() {
            return items
                .iter()
                .filter_map(|n| Some((n.as_str()?.to_string(), n.span)))
                .collect();
        }
        deps.string_entries()
            .map(|(name, key, _)| (name.to_string(), key.span))
            .collect()
    }
}

impl ComposeFile {
    /// The service graph: each service with the services it depends on that this file defines.
    pub fn service_graph(&self) -> Vec<(&str, Vec<&str>)> {
        self.services
            .iter()
            .map(|s| {
                let deps = s
                    .depends_on()
                    .into_iter()
                    .filter_map(|(name, _)| {
                        self.services
                            .iter()
                            .find(|o| o.name == name)
                            .map(|o| o.name.as_str())
                    })
                    .collect();
                (s.name.as_str(), deps)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn depends_on_in_both_forms_builds_the_graph() {
        let doc = yaml::parse(
            "services:\n  web:\n    image: w\n    depends_on: [db, cache, ghost]\n  worker:\n    image: k\n    depends_on:\n      db: {condition: service_healthy}\n  db: {image: postgres:16}\n  cache: {image: redis:7}\n",
        )
        .unwrap()
        .documents
        .remove(0);
        let file = ComposeFile::from_document(0, doc);
        let graph = file.service_graph();
        assert_eq!(graph[0], ("web", vec!["db", "cache"]));
        assert_eq!(graph[1], ("worker", vec!["db"]));
        assert_eq!(graph[2], ("db", vec![]));
    }
}
