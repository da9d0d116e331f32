//! A literal IPv4 address in a workload's environment, arguments or a ConfigMap value: it
//! names one environment's host, breaks when that host moves and differs between environments.
//! Loopback, the metadata service, wildcard binds, public DNS resolvers and CIDR ranges
//! (allow-lists) are not environment-specific and never fire. Which values are read is shared
//! with `k8s-hardcoded-hostname` (`hardcoded_common`).

use super::hardcoded_common::check_object;
use crate::model::Project;
use crate::model::k8s::K8sObject;
use crate::rules::{Cx, Rule};

pub struct K8sHardcodedIpAddress;

/// Addresses that mean the same thing in every environment.
const PORTABLE: &[&str] = &[
    "0.0.0.0",
    "169.254.169.254",
    "255.255.255.255",
    "8.8.8.8",
    "8.8.4.4",
    "1.1.1.1",
    "1.0.0.1",
    "9.9.9.9",
];

/// The first environment-specific IPv4 address in `value`.
pub(crate) fn hardcoded_ip(value: &str) -> Option<&str> {
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit()
            || (i > 0
                && (b[i - 1].is_ascii_alphanumeric()
                    || b[i - 1] == b'.'
                    || b[i - 1] == b'-'
                    || b[i - 1] == b'_'))
        {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while end < b.len() && (b[end].is_ascii_digit() || b[end] == b'.') {
            end += 1;
        }
        let token = &value[start..end];
        i = end.max(start + 1);
        let next = b.get(end).copied();
        if next.is_some_and(|c| c.is_ascii_alphabetic() || c == b'/' || c == b'_' || c == b'-') {
            continue;
        }
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 4
            || !parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u16>().is_ok_and(|n| n <= 255))
        {
            continue;
        }
        if PORTABLE.contains(&token) || parts[0] == "127" || parts[0] == "0" || parts[0] == "255" {
            continue;
        }
        return Some(token);
    }
    None
}

impl Rule for K8sHardcodedIpAddress {
    fn check_k8s(&self, obj: &K8sObject, project: &Project, cx: &mut Cx<'_>) {
        check_object(obj, project, cx, |value| {
            hardcoded_ip(value).map(|ip| {
                format!(
                    "hard-codes the IP address `{ip}`: use a Service or DNS name, or set it per environment"
                )
            })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_environment_specific_addresses() {
        assert_eq!(hardcoded_ip("10.0.12.5"), Some("10.0.12.5"));
        assert_eq!(
            hardcoded_ip("http://192.168.1.20:8080/api"),
            Some("192.168.1.20")
        );
        assert_eq!(hardcoded_ip("--master=172.16.0.4:6443"), Some("172.16.0.4"));
        assert_eq!(hardcoded_ip("db=10.1.2.3,cache=redis"), Some("10.1.2.3"));
        for no in [
            "0.0.0.0",
            "127.0.0.1:8080",
            "http://169.254.169.254/latest",
            "10.0.0.0/8",
            "--allow=192.168.0.0/16",
            "1.2.3",
            "1.2.3.4.5",
            "v1.2.3.4",
            "300.1.1.1",
            "8.8.8.8",
            "redis:6379",
            "1.2.3.4-beta",
        ] {
            assert_eq!(hardcoded_ip(no), None, "{no}");
        }
    }
}
