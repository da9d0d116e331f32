//! Which Services, NetworkPolicies and PodDisruptionBudgets select a workload's pods, answered
//! from an index built once.
//!
//! Manifests that never set a namespace all land in `default`, so a monorepo can hold thousands
//! of workloads and Services in one namespace. Trying every selector against every workload
//! made those rules quadratic; here each selector is filed under its first `matchLabels` pair
//! (or, for a selector of expressions, the key and values of an `In` or the key of an
//! `Exists`), and a workload only tries the selectors filed under one of its own labels (a
//! selector whose pairs are all among the labels has its first pair among them too), plus the
//! few selectors no label must carry.

use std::collections::{BTreeMap, HashMap};

use super::k8s::{K8sObject, Operator, Selector};

/// The (kind, selector path, plain map) triples rules ask about; others are answered by a scan.
const INDEXED: &[(&str, &[&str], bool)] = &[
    ("Service", &["spec", "selector"], true),
    ("NetworkPolicy", &["spec", "podSelector"], false),
    ("PodDisruptionBudget", &["spec", "selector"], false),
];

#[derive(Debug, Default)]
pub struct SelectorIndex {
    /// Per entry of `INDEXED`, per namespace.
    by_kind: Vec<HashMap<String, NamespaceSelectors>>,
    /// The other direction, for a selector asking which workloads it selects: per namespace,
    /// workloads (objects with a pod template) in file order with their pod labels, and
    /// indices into that list by each pod label, key then value.
    workloads: HashMap<String, NamespaceWorkloads>,
}

#[derive(Debug, Default)]
struct NamespaceWorkloads {
    workloads: Vec<(usize, BTreeMap<String, String>)>,
    by_label: HashMap<String, HashMap<String, Vec<usize>>>,
}

#[derive(Debug, Default)]
struct NamespaceSelectors {
    /// (index into the project's objects, its selector), in file order.
    selectors: Vec<(usize, Selector)>,
    /// Indices into `selectors` by the first `matchLabels` pair, or, for a selector of
    /// expressions only, by the key and each value of its first `In`: key, then value.
    by_first_label: HashMap<String, HashMap<String, Vec<usize>>>,
    /// Indices into `selectors` of expressions only, the first being `Exists`, by its key.
    by_key: HashMap<String, Vec<usize>>,
    /// Indices into `selectors` that no label must carry (empty, or only `NotIn` and
    /// `DoesNotExist`): every workload may match them.
    unkeyed: Vec<usize>,
    /// Some selector of this kind in the namespace is templated: matching cannot be decided.
    templated: bool,
}

/// The objects whose selector selects a workload, and whether some selector could not be judged.
pub struct Selection<'a> {
    pub found: Vec<&'a K8sObject>,
    pub undecidable: bool,
}

impl NamespaceSelectors {
    /// Files selector `at` under something every pod it selects carries: its first
    /// `matchLabels` pair, else the key and values of an `In`, else the key of an `Exists`.
    fn file(&mut self, at: usize, selector: &Selector) {
        if let Some((key, value)) = selector.match_labels.iter().next() {
            self.file_label(at, key, value);
            return;
        }
        let required = selector
            .expressions
            .iter()
            .find(|(_, op)| matches!(op, Operator::In(_) | Operator::Exists));
        match required {
            Some((key, Operator::In(values))) => {
                // A pod has one value per key: it meets at most one of these entries.
                let mut values: Vec<&String> = values.iter().collect();
                values.sort_unstable();
                values.dedup();
                for value in values {
                    self.file_label(at, key, value);
                }
            }
            Some((key, _)) => self.by_key.entry(key.clone()).or_default().push(at),
            None => self.unkeyed.push(at),
        }
    }

    fn file_label(&mut self, at: usize, key: &str, value: &str) {
        self.by_first_label
            .entry(key.to_string())
            .or_default()
            .entry(value.to_string())
            .or_default()
            .push(at);
    }

    /// Indices into `selectors` that may select pods labelled `labels`, in file order.
    fn candidates(&self, labels: &BTreeMap<String, String>) -> Vec<usize> {
        let mut candidates: Vec<usize> = self.unkeyed.clone();
        for (key, value) in labels {
            if let Some(filed) = self.by_first_label.get(key).and_then(|v| v.get(value)) {
                candidates.extend_from_slice(filed);
            }
            if let Some(filed) = self.by_key.get(key) {
                candidates.extend_from_slice(filed);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
    }
}

impl SelectorIndex {
    pub fn build(k8s: &[K8sObject]) -> SelectorIndex {
        let mut by_kind: Vec<HashMap<String, NamespaceSelectors>> =
            INDEXED.iter().map(|_| HashMap::new()).collect();
        for (i, obj) in k8s.iter().enumerate() {
            for (slot, (kind, path, plain_map)) in INDEXED.iter().enumerate() {
                if obj.kind != *kind {
                    continue;
                }
                let Some(node) = obj.node.path(path) else {
                    continue;
                };
                let selector = Selector::read(node, *plain_map);
                let ns = by_kind[slot].entry(obj.namespace.clone()).or_default();
                if selector.templated {
                    ns.templated = true;
                    continue;
                }
                let at = ns.selectors.len();
                ns.file(at, &selector);
                ns.selectors.push((i, selector));
            }
        }
        let mut workloads: HashMap<String, NamespaceWorkloads> = HashMap::new();
        for (i, obj) in k8s.iter().enumerate().filter(|(_, o)| o.is_workload()) {
            let ns = workloads.entry(obj.namespace.clone()).or_default();
            let at = ns.workloads.len();
            let labels = obj.pod_labels();
            for (key, value) in &labels {
                ns.by_label
                    .entry(key.clone())
                    .or_default()
                    .entry(value.clone())
                    .or_default()
                    .push(at);
            }
            ns.workloads.push((i, labels));
        }
        SelectorIndex { by_kind, workloads }
    }

    /// Whether some object of `kind` in `namespace` selects pods labelled `labels`, and whether
    /// some selector could not be judged: `selecting` without listing every match, which in a
    /// namespace of many catch-all policies is most of the work. `None` when not indexed.
    pub fn selects_any(
        &self,
        labels: &BTreeMap<String, String>,
        namespace: &str,
        kind: &str,
        path: &[&str],
        plain_map: bool,
    ) -> Option<(bool, bool)> {
        let slot = INDEXED
            .iter()
            .position(|(k, p, m)| *k == kind && *p == path && *m == plain_map)?;
        let Some(ns) = self.by_kind.get(slot).and_then(|n| n.get(namespace)) else {
            return Some((false, false));
        };
        // Catch-all selectors first: when one matches, nothing else needs gathering.
        let matches = |c: &usize| ns.selectors[*c].1.matches(labels);
        let found = ns.unkeyed.iter().any(matches) || ns.candidates(labels).iter().any(matches);
        Some((found, ns.templated))
    }

    /// The workloads in `namespace` whose pods `selector` selects, in file order. A selector
    /// with `matchLabels` can only select pods carrying its first pair, so only those are tried.
    pub fn workloads_selected_by<'a>(
        &self,
        k8s: &'a [K8sObject],
        namespace: &str,
        selector: &Selector,
    ) -> Vec<&'a K8sObject> {
        let Some(ns) = self.workloads.get(namespace) else {
            return Vec::new();
        };
        let candidates: Vec<usize> = match selector.match_labels.iter().next() {
            Some((key, value)) => ns
                .by_label
                .get(key)
                .and_then(|v| v.get(value))
                .cloned()
                .unwrap_or_default(),
            None => (0..ns.workloads.len()).collect(),
        };
        candidates
            .into_iter()
            .map(|c| &ns.workloads[c])
            .filter(|(_, labels)| selector.matches(labels))
            .map(|(i, _)| &k8s[*i])
            .collect()
    }

    /// The objects of `kind` in `namespace` whose selector at `path` selects pods labelled
    /// `labels`, in file order; `None` when this (kind, path) is not indexed.
    pub fn selecting<'a>(
        &self,
        k8s: &'a [K8sObject],
        labels: &BTreeMap<String, String>,
        namespace: &str,
        kind: &str,
        path: &[&str],
        plain_map: bool,
    ) -> Option<Selection<'a>> {
        let slot = INDEXED
            .iter()
            .position(|(k, p, m)| *k == kind && *p == path && *m == plain_map)?;
        let Some(ns) = self.by_kind.get(slot).and_then(|n| n.get(namespace)) else {
            return Some(Selection {
                found: Vec::new(),
                undecidable: false,
            });
        };
        let found = ns
            .candidates(labels)
            .into_iter()
            .map(|c| &ns.selectors[c])
            .filter(|(_, selector)| selector.matches(labels))
            .map(|(i, _)| &k8s[*i])
            .collect();
        Some(Selection {
            found,
            undecidable: ns.templated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    /// Objects generated from a small grid of labels and selectors, in two namespaces: every
    /// kind of selector (map, matchLabels, expressions only, empty, templated) meets workloads
    /// with overlapping labels.
    fn objects() -> Vec<K8sObject> {
        let mut docs = String::new();
        let labels = [
            "{app: web}",
            "{app: web, tier: front}",
            "{app: api, tier: back}",
            "{tier: front}",
            "{}",
        ];
        for ns in ["default", "shop"] {
            for (i, l) in labels.iter().enumerate() {
                docs.push_str(&format!(
                    "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}, namespace: {ns}}}\nspec:\n  template:\n    metadata: {{labels: {l}}}\n"
                ));
            }
            let selectors = [
                "{matchLabels: {app: web}}",
                "{matchLabels: {app: web, tier: front}}",
                "{matchLabels: {tier: front}, matchExpressions: [{key: app, operator: NotIn, values: [api]}]}",
                "{matchExpressions: [{key: tier, operator: Exists}]}",
                "{matchExpressions: [{key: app, operator: In, values: [web, api, web]}]}",
                "{matchExpressions: [{key: app, operator: NotIn, values: [api]}, {key: tier, operator: In, values: [front]}]}",
                "{matchExpressions: [{key: tier, operator: DoesNotExist}]}",
                "{}",
                "{matchLabels: {app: '{{ .Values.app }}'}}",
            ];
            for (i, s) in selectors.iter().enumerate() {
                docs.push_str(&format!(
                    "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: p{i}, namespace: {ns}}}\nspec: {{minAvailable: 1, selector: {s}}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: n{i}, namespace: {ns}}}\nspec: {{podSelector: {s}}}\n"
                ));
            }
            for (i, s) in [
                "{app: web}",
                "{app: web, tier: front}",
                "{tier: back}",
                "{}",
            ]
            .iter()
            .enumerate()
            {
                docs.push_str(&format!(
                    "---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}, namespace: {ns}}}\nspec: {{selector: {s}}}\n"
                ));
            }
        }
        yaml::parse(&docs)
            .unwrap()
            .documents
            .into_iter()
            .filter_map(|d| K8sObject::from_node(0, d, "default"))
            .collect()
    }

    fn names(found: &[&K8sObject]) -> Vec<String> {
        found
            .iter()
            .map(|o| format!("{}/{}", o.namespace, o.name))
            .collect()
    }

    #[test]
    fn the_index_selects_what_trying_every_selector_selects() {
        let k8s = objects();
        let index = SelectorIndex::build(&k8s);
        for workload in k8s.iter().filter(|o| o.is_workload()) {
            let labels = workload.pod_labels();
            for (kind, path, plain_map) in INDEXED {
                let got = index
                    .selecting(&k8s, &labels, &workload.namespace, kind, path, *plain_map)
                    .unwrap();
                let mut want = Vec::new();
                let mut undecidable = false;
                for obj in k8s
                    .iter()
                    .filter(|o| o.kind == *kind && o.namespace == workload.namespace)
                {
                    let Some(node) = obj.node.path(path) else {
                        continue;
                    };
                    let selector = Selector::read(node, *plain_map);
                    if selector.templated {
                        undecidable = true;
                    } else if selector.matches(&labels) {
                        want.push(obj);
                    }
                }
                assert_eq!(
                    names(&got.found),
                    names(&want),
                    "{kind} for {}",
                    workload.name
                );
                assert_eq!(got.undecidable, undecidable);
                let any = index
                    .selects_any(&labels, &workload.namespace, kind, path, *plain_map)
                    .unwrap();
                assert_eq!(any, (!want.is_empty(), undecidable));
            }
        }
        assert!(
            index
                .selecting(
                    &k8s,
                    &BTreeMap::new(),
                    "default",
                    "Service",
                    &["spec"],
                    true
                )
                .is_none(),
            "an unindexed path falls back to the caller's scan"
        );
    }

    #[test]
    fn the_index_finds_the_workloads_a_selector_selects() {
        let k8s = objects();
        let index = SelectorIndex::build(&k8s);
        let mut judged = 0;
        for pdb in k8s.iter().filter(|o| o.kind == "PodDisruptionBudget") {
            let selector =
                Selector::from_label_selector(pdb.node.path(&["spec", "selector"]).unwrap());
            let got = index.workloads_selected_by(&k8s, &pdb.namespace, &selector);
            let want: Vec<&K8sObject> = k8s
                .iter()
                .filter(|w| w.is_workload() && w.namespace == pdb.namespace)
                .filter(|w| selector.matches(&w.pod_labels()))
                .collect();
            assert_eq!(names(&got), names(&want), "{}", pdb.name);
            judged += usize::from(!want.is_empty());
        }
        assert!(
            judged >= 8,
            "the grid should select something for most budgets"
        );
    }
}
