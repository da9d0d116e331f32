//! Container image references (`registry/repository:tag@digest`), shared by the Dockerfile,
//! compose and Kubernetes rules so all three read an image the same way.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The reference without tag and digest, as written (`ghcr.io/acme/api`): what
    /// kustomize `images:` entries match on.
    pub name: String,
    /// Registry host (`gcr.io`, `localhost:5000`), when the reference names one.
    pub registry: Option<String>,
    /// Repository path without the registry, lowercased (`library/python`, `bitnami/postgresql`).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(reference: &str) -> ImageRef {
        let reference = reference.trim();
        let (name, digest) = match reference.split_once('@') {
            Some((n, d)) => (n, Some(d.to_string())),
            None => (reference, None),
        };
        // A colon before the last slash belongs to a registry port, not a tag.
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name[last_slash..].rfind(':') {
            Some(i) => (
                &name[..last_slash + i],
                Some(name[last_slash + i + 1..].to_string()),
            ),
            None => (name, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first.to_string()), rest)
            }
            _ => (None, name),
        };
        ImageRef {
            name: name.to_string(),
            registry,
            repository: repository.to_ascii_lowercase(),
            tag,
            digest,
        }
    }

    /// The last path segment of the repository: `bitnami/postgresql` → `postgresql`.
    pub fn short_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    /// An image from Docker Hub's official library (`python`, `library/python`).
    pub fn is_official(&self) -> bool {
        let hub = self
            .registry
            .as_deref()
            .is_none_or(|r| r == "docker.io" || r == "index.docker.io");
        hub && (!self.repository.contains('/') || self.repository.starts_with("library/"))
    }

    /// Pinned by content digest (`@sha256:…`, or any `algorithm:hex`).
    pub fn is_digest_pinned(&self) -> bool {
        self.digest.as_deref().is_some_and(|d| d.contains(':'))
    }

    /// Untagged or `:latest`, and not pinned by digest.
    pub fn is_floating(&self) -> bool {
        self.floating_tag().is_some()
    }

    /// How a floating reference floats, for messages: "`:latest`" or "no tag".
    pub fn floating_tag(&self) -> Option<&'static str> {
        if self.is_digest_pinned() {
            return None;
        }
        match self.tag.as_deref() {
            None => Some("no tag"),
            Some("latest") => Some("`:latest`"),
            Some(_) => None,
        }
    }
}

/// Whether `image` is the image `known` (`owner/name`, or a `prefix*`), with or without
/// registry, `library/`, tag and digest.
pub fn image_matches(image: &str, known: &str) -> bool {
    // Callers try one image against many known names: most images are lowercase already.
    let lower = if image.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(image.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(image)
    };
    let name = lower.split('@').next().unwrap_or("");
    let name = match name.rsplit_once(':') {
        Some((n, tag)) if !tag.contains('/') => n,
        _ => name,
    };
    let bare = name.strip_prefix("docker.io/").unwrap_or(name);
    let bare = bare.strip_prefix("library/").unwrap_or(bare);
    match known.strip_suffix('*') {
        Some(prefix) => bare.starts_with(prefix),
        None => {
            bare == known
                || bare
                    .strip_suffix(known)
                    .is_some_and(|owner| owner.ends_with('/'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references() {
        let r = ImageRef::parse("python:3.12-slim");
        assert_eq!(r.repository, "python");
        assert_eq!(r.tag.as_deref(), Some("3.12-slim"));
        assert!(r.is_official());
        assert!(!r.is_floating());
        let r = ImageRef::parse("localhost:5000/team/app");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.name, "localhost:5000/team/app");
        assert_eq!(r.tag, None);
        assert_eq!(r.floating_tag(), Some("no tag"));
        let r = ImageRef::parse("gcr.io/distroless/static:nonroot@sha256:abc");
        assert_eq!(r.short_name(), "static");
        assert!(r.is_digest_pinned());
        assert!(!r.is_official());
        assert!(!r.is_floating());
        assert_eq!(
            ImageRef::parse("Bitnami/PostgreSQL:16").short_name(),
            "postgresql"
        );
        let r = ImageRef::parse("ghcr.io/o/app:1.2@sha256:ab");
        assert_eq!(r.name, "ghcr.io/o/app");
        assert_eq!(
            (r.tag.as_deref(), r.digest.as_deref()),
            (Some("1.2"), Some("sha256:ab"))
        );
        assert_eq!(
            ImageRef::parse("nginx:latest").floating_tag(),
            Some("`:latest`")
        );
    }
}
