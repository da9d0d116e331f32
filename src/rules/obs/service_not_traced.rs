//! Tracing is set up, but this service is left out: it exports no spans, so every trace
//! through it breaks at its boundary.

use std::collections::{BTreeMap, BTreeSet};

use super::signals::{
    Svc, app_services, built_with_tracing, compose_tracing, injected_namespaces,
    is_inject_annotation, is_tracing_var, k8s_tracing,
};
use crate::discover::split_dir;
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct CrossServiceNotTraced;

impl Rule for CrossServiceNotTraced {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let apps = app_services(project);
        let dirs: BTreeSet<&str> = apps.iter().filter_map(|s| s.compose_dir(project)).collect();
        let traced_dirs: BTreeSet<&str> = dirs
            .into_iter()
            .filter(|d| compose_tracing(project, d))
            .collect();
        // Kubernetes workloads are judged where tracing is set up in their folder or above.
        let mut traced_folders: BTreeMap<&str, bool> = BTreeMap::new();
        for service in &apps {
            if let Svc::K8s(o) = &service.svc {
                let path = project.path(o.file);
                traced_folders
                    .entry(split_dir(path).0)
                    .or_insert_with(|| k8s_tracing(project, Some(path)));
            }
        }
        let namespaces = injected_namespaces(project);
        for service in &apps {
            let traced_here = match &service.svc {
                Svc::Compose { .. } => service
                    .compose_dir(project)
                    .is_some_and(|d| traced_dirs.contains(d)),
                Svc::K8s(o) => traced_folders
                    .get(split_dir(project.path(o.file)).0)
                    .copied()
                    .unwrap_or(false),
            };
            if !traced_here {
                continue;
            }
            let env = service.env(project);
            let subject = service.subject(project);
            let traced = env
                .vars
                .iter()
                .any(|(n, v)| is_tracing_var(n, v.as_deref()))
                || service
                    .annotations()
                    .iter()
                    .any(|(k, v)| is_inject_annotation(k, v))
                || matches!(&service.svc, Svc::K8s(o) if namespaces.contains(o.namespace.as_str()))
                || built_with_tracing(project, service);
            if traced {
                cx.evaluate(subject);
                continue;
            }
            if env.unknown {
                continue;
            }
            cx.report(
                subject,
                service.file(),
                service.span(),
                format!(
                    "{} exports no traces while the rest of the system is traced: it has no `OTEL_*` or other tracing variable and no auto-instrumentation annotation, so traces break at this service",
                    service.display()
                ),
            );
        }
    }
}
