//! The load balancer itself runs as one instance with no failover: it is the single point of
//! failure in front of every replicated service.

use crate::model::Project;
use crate::model::compose::ComposeService;
use crate::model::image::image_matches;
use crate::model::k8s::{K8sObject, Replicas};
use crate::rules::{Cx, Rule, compose_subject, k8s_subject};

pub struct CrossSingleLoadBalancer;

/// Images of proxies and load balancers.
const LB_IMAGES: &[&str] = &[
    "haproxy",
    "haproxytech/haproxy-alpine",
    "haproxytech/haproxy-debian",
    "haproxytech/haproxy-ubuntu",
    "nginx",
    "nginxinc/nginx-unprivileged",
    "bitnami/nginx",
    "openresty/openresty",
    "traefik",
    "envoyproxy/envoy",
    "caddy",
    "kong",
    "registry.k8s.io/ingress-nginx/controller",
];

/// Failover without replicas: a floating IP held by keepalived/VRRP or kube-vip.
const FAILOVER_IMAGES: &[&str] = &[
    "keepalived",
    "osixia/keepalived",
    "kube-vip",
    "plndr/kube-vip",
];

fn image_is(image: &str, names: &[&str]) -> bool {
    names.iter().any(|n| image_matches(image, n))
}

fn serves_as_lb(service: &ComposeService) -> bool {
    service.image().is_some_and(|i| image_is(i, LB_IMAGES))
        && !service
            .get("ports")
            .map(|p| p.items().is_empty())
            .unwrap_or(true)
}

fn workload_image_is(obj: &K8sObject, names: &[&str]) -> bool {
    obj.containers().iter().any(|c| {
        c.get("image")
            .and_then(|i| i.as_str())
            .is_some_and(|i| image_is(i, names))
    })
}

impl Rule for CrossSingleLoadBalancer {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        let failover = project
            .k8s
            .iter()
            .any(|o| o.is_workload() && workload_image_is(o, FAILOVER_IMAGES))
            || project
                .compose
                .iter()
                .flat_map(|c| &c.services)
                .any(|s| s.image().is_some_and(|i| image_is(i, FAILOVER_IMAGES)));
        for compose in &project.compose {
            for service in compose.services.iter().filter(|s| serves_as_lb(s)) {
                let subject = compose_subject(project, compose, service);
                let replicas = service
                    .get("deploy")
                    .and_then(|d| d.get("replicas"))
                    .and_then(|r| r.as_i64());
                let global = service
                    .get("deploy")
                    .and_then(|d| d.get("mode"))
                    .and_then(|m| m.as_str())
                    == Some("global");
                if failover || global || replicas.is_some_and(|r| r >= 2) {
                    cx.evaluate(subject);
                    continue;
                }
                cx.report(
                    subject,
                    compose.file,
                    service.name_span,
                    format!(
                        "load balancer `{}` runs as a single instance with no failover (no replicas, keepalived or VRRP): when it stops, every service behind it is unreachable",
                        service.name
                    ),
                );
            }
        }
        for obj in project
            .k8s
            .iter()
            .filter(|o| o.is_workload() && workload_image_is(o, LB_IMAGES))
        {
            if obj.kind == "DaemonSet" || obj.is_helm_hook() {
                continue;
            }
            let subject = k8s_subject(project, obj);
            let single = match obj.replicas() {
                Replicas::Count(n) => n <= 1,
                Replicas::Default => true,
                _ => false,
            };
            if failover || !single || project.hpas_for(obj).next().is_some() {
                cx.evaluate(subject);
                continue;
            }
            cx.report(
                subject,
                obj.file,
                obj.span(),
                format!(
                    "load balancer {} runs one replica with no autoscaler or failover: when its pod is rescheduled, every service behind it is unreachable",
                    obj.display()
                ),
            );
        }
    }
}
