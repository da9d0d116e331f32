//! Scores (design §5): severity-weighted pass ratios per category, weighted categories overall,
//! each rule's contribution, and the remediation plan ordered by what passing would gain.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::Effort;
use crate::finding::{Category, Severity};
use crate::rules::RuleOutcome;

/// One rule's share of its category's score.
#[derive(Debug, Clone, Serialize)]
pub struct RuleScore {
    pub id: String,
    pub title: String,
    pub category: Category,
    pub severity: Severity,
    pub effort: Effort,
    pub weight: f64,
    pub evaluated: usize,
    pub failed: usize,
    /// `None` when nothing was evaluated: the rule is not applicable.
    pub pass_ratio: Option<f64>,
    /// Points the overall score would gain if this rule passed everywhere.
    pub gain: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryScore {
    pub id: Category,
    pub title: &'static str,
    /// `None` when no rule of the category had anything to judge (`n/a`).
    pub score: Option<f64>,
    pub grade: Option<Grade>,
    pub weight: f64,
    pub findings: usize,
    pub rules_applicable: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grade {
    Excellent,
    Good,
    NeedsImprovement,
    NotReady,
}

impl Grade {
    pub fn of(score: f64) -> Grade {
        if score >= 90.0 {
            Grade::Excellent
        } else if score >= 85.0 {
            Grade::Good
        } else if score >= 70.0 {
            Grade::NeedsImprovement
        } else {
            Grade::NotReady
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Good => "good",
            Grade::NeedsImprovement => "needs improvement",
            Grade::NotReady => "not ready",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Immediate,
    Next,
    Later,
}

impl Phase {
    pub fn title(self) -> &'static str {
        match self {
            Phase::Immediate => "Phase 1: immediate improvements",
            Phase::Next => "Phase 2: next",
            Phase::Later => "Phase 3: later",
        }
    }
}

/// One step of the remediation plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlanStep {
    pub rule: String,
    pub title: String,
    pub category: Category,
    pub phase: Phase,
    pub effort: Effort,
    pub failed: usize,
    pub gain: f64,
    /// The overall score after this step and every step before it.
    pub projected: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub overall: Option<f64>,
    pub grade: Option<Grade>,
    pub categories: Vec<CategoryScore>,
    pub rules: Vec<RuleScore>,
    pub plan: Vec<PlanStep>,
}

/// Per-rule input to the arithmetic: the failing subjects exclude suppressed findings.
#[derive(Debug, Clone)]
struct Tally {
    category: Category,
    weight: f64,
    evaluated: usize,
    failed: usize,
}

impl Tally {
    fn ratio(&self) -> Option<f64> {
        (self.evaluated > 0).then(|| (self.evaluated - self.failed) as f64 / self.evaluated as f64)
    }
}

/// What the config changes in the arithmetic.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Category weights in the overall score; missing ones weigh 1.
    pub weights: BTreeMap<Category, f64>,
    /// Per-rule severities that replace the catalog's (and so the rule's weight).
    pub severities: BTreeMap<String, Severity>,
    /// Categories that score 0 instead of `n/a` when nothing was judged.
    pub required: std::collections::BTreeSet<Category>,
}

fn category_scores(
    tallies: &[Tally],
    required: &std::collections::BTreeSet<Category>,
) -> BTreeMap<Category, Option<f64>> {
    let mut sums: BTreeMap<Category, (f64, f64, usize)> = BTreeMap::new();
    for t in tallies {
        if let Some(ratio) = t.ratio() {
            let e = sums.entry(t.category).or_default();
            e.0 += t.weight * ratio;
            e.1 += t.weight;
            e.2 += 1;
        }
    }
    Category::SCORED
        .iter()
        .map(|c| {
            let score = sums.get(c).and_then(|&(num, den, n)| {
                if n == 0 {
                    None
                } else if den == 0.0 {
                    // Only info rules applied: nothing weighs against the category.
                    Some(100.0)
                } else {
                    Some(100.0 * num / den)
                }
            });
            let score = if score.is_none() && required.contains(c) {
                Some(0.0)
            } else {
                score
            };
            (*c, score)
        })
        .collect()
}

fn overall(
    categories: &BTreeMap<Category, Option<f64>>,
    weights: &BTreeMap<Category, f64>,
) -> Option<f64> {
    let mut num = 0.0;
    let mut den = 0.0;
    for (c, score) in categories {
        if let Some(s) = score {
            let w = weights.get(c).copied().unwrap_or(1.0);
            num += w * s;
            den += w;
        }
    }
    (den > 0.0).then(|| num / den)
}

/// Computes the scorecard. `failed_subjects` gives, per rule id, how many of its evaluated
/// subjects have at least one unsuppressed finding.
pub fn score(
    outcomes: &[RuleOutcome],
    failed_subjects: &BTreeMap<String, usize>,
    findings_per_category: &BTreeMap<Category, usize>,
    settings: &Settings,
) -> Scorecard {
    let weights = &settings.weights;
    let severity_of = |o: &RuleOutcome| {
        settings
            .severities
            .get(&o.meta.id)
            .copied()
            .unwrap_or(o.meta.severity)
    };
    let scored: Vec<&RuleOutcome> = outcomes
        .iter()
        .filter(|o| o.meta.category != Category::General)
        .collect();
    let tallies: Vec<Tally> = scored
        .iter()
        .map(|o| Tally {
            category: o.meta.category,
            weight: severity_of(o).weight(),
            evaluated: o.evaluated.len(),
            failed: failed_subjects.get(&o.meta.id).copied().unwrap_or(0),
        })
        .collect();
    let cats = category_scores(&tallies, &settings.required);
    let base = overall(&cats, weights);

    let gain_over_base = |t: &[Tally]| -> f64 {
        overall(&category_scores(t, &settings.required), weights).unwrap_or(0.0)
            - base.unwrap_or(0.0)
    };
    // Each failing rule's own gain, computed once: the plan's sort compares them many times.
    let own_gain: Vec<f64> = (0..tallies.len())
        .map(|i| {
            if tallies[i].failed == 0 {
                return 0.0;
            }
            let mut t = tallies.clone();
            t[i].failed = 0;
            gain_over_base(&t)
        })
        .collect();

    let mut rules: Vec<RuleScore> = scored
        .iter()
        .zip(&tallies)
        .enumerate()
        .map(|(i, (o, t))| RuleScore {
            id: o.meta.id.clone(),
            title: o.meta.title.clone(),
            category: o.meta.category,
            severity: severity_of(o),
            effort: o.meta.effort,
            weight: t.weight,
            evaluated: t.evaluated,
            failed: t.failed,
            pass_ratio: t.ratio(),
            gain: round2(own_gain[i]),
        })
        .collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));

    // Plan: failing rules, cheapest first within a phase, biggest gain first within an effort.
    // Info rules weigh nothing: they are reported, never planned.
    let mut candidates: Vec<usize> = (0..tallies.len())
        .filter(|&i| tallies[i].failed > 0 && tallies[i].weight > 0.0)
        .collect();
    candidates.sort_by(|&a, &b| {
        let (ma, mb) = (scored[a].meta, scored[b].meta);
        let (ga, gb) = (own_gain[a], own_gain[b]);
        ma.effort
            .cmp(&mb.effort)
            .then(gb.total_cmp(&ga))
            .then(severity_of(scored[b]).cmp(&severity_of(scored[a])))
            .then(ma.id.cmp(&mb.id))
    });
    // Fixes accumulate step by step: one copy of the tallies, each step clearing one more rule.
    let mut fixed = tallies.clone();
    let mut plan = Vec::new();
    let mut previous = base.unwrap_or(0.0);
    for i in candidates {
        fixed[i].failed = 0;
        let projected = base.unwrap_or(0.0) + gain_over_base(&fixed);
        let meta = scored[i].meta;
        plan.push(PlanStep {
            rule: meta.id.clone(),
            title: meta.title.clone(),
            category: meta.category,
            phase: match meta.effort {
                Effort::Low => Phase::Immediate,
                Effort::Medium => Phase::Next,
                Effort::High => Phase::Later,
            },
            effort: meta.effort,
            failed: tallies[i].failed,
            gain: round2(projected - previous),
            projected: round2(projected),
        });
        previous = projected;
    }

    let categories = Category::SCORED
        .iter()
        .map(|c| {
            let score = cats.get(c).copied().flatten();
            CategoryScore {
                id: *c,
                title: c.title(),
                score: score.map(round1),
                grade: score.map(|s| Grade::of(round1(s))),
                weight: weights.get(c).copied().unwrap_or(1.0),
                findings: findings_per_category.get(c).copied().unwrap_or(0),
                rules_applicable: tallies
                    .iter()
                    .filter(|t| t.category == *c && t.evaluated > 0)
                    .count(),
            }
        })
        .collect();
    Scorecard {
        overall: base.map(round1),
        grade: base.map(|s| Grade::of(round1(s))),
        categories,
        rules,
        plan,
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::catalog::RuleMeta;

    fn outcome(
        id: &str,
        category: Category,
        severity: Severity,
        effort: Effort,
        evaluated: usize,
    ) -> RuleOutcome {
        let meta: &'static RuleMeta = Box::leak(Box::new(RuleMeta {
            id: id.into(),
            title: format!("title of {id}"),
            category,
            severity,
            targets: vec![],
            effort,
            since: "0".into(),
            why: String::new(),
            fix: String::new(),
            references: vec![],
            snippets: Default::default(),
            source: String::new(),
        }));
        RuleOutcome {
            meta,
            evaluated: (0..evaluated)
                .map(|i| format!("s{i}"))
                .collect::<BTreeSet<_>>(),
            findings: vec![],
            elapsed: std::time::Duration::ZERO,
        }
    }

    fn example() -> (Vec<RuleOutcome>, BTreeMap<String, usize>) {
        let outcomes = vec![
            outcome("a", Category::Container, Severity::High, Effort::Medium, 4),
            outcome("b", Category::Container, Severity::Medium, Effort::Low, 2),
            outcome("c", Category::Container, Severity::Low, Effort::Low, 0),
            outcome(
                "d",
                Category::Kubernetes,
                Severity::Critical,
                Effort::Low,
                1,
            ),
            outcome("e", Category::Kubernetes, Severity::Info, Effort::Low, 3),
        ];
        let failed = [
            ("a".to_string(), 1),
            ("b".to_string(), 2),
            ("e".to_string(), 3),
        ]
        .into_iter()
        .collect();
        (outcomes, failed)
    }

    fn weights(k8s: f64) -> Settings {
        Settings {
            weights: Category::SCORED
                .iter()
                .map(|c| (*c, if *c == Category::Kubernetes { k8s } else { 1.0 }))
                .collect(),
            ..Settings::default()
        }
    }

    #[test]
    fn hand_computed_example() {
        let (outcomes, failed) = example();
        let card = score(&outcomes, &failed, &BTreeMap::new(), &weights(1.0));
        // container: 100 × (7.5 × 3/4 + 5 × 0) / (7.5 + 5) = 45; rule c is not applicable.
        let container = &card.categories[0];
        assert_eq!(container.score, Some(45.0));
        assert_eq!(container.grade, Some(Grade::NotReady));
        assert_eq!(container.rules_applicable, 2);
        // kubernetes: critical rule passes everywhere; the info rule weighs nothing.
        assert_eq!(card.categories[1].score, Some(100.0));
        // cicd and the rest have nothing to judge.
        assert!(
            card.categories[2..]
                .iter()
                .all(|c| c.score.is_none() && c.grade.is_none())
        );
        // overall: mean of the two applicable categories.
        assert_eq!(card.overall, Some(72.5));
        assert_eq!(card.grade, Some(Grade::NeedsImprovement));
        let rule = |id: &str| card.rules.iter().find(|r| r.id == id).unwrap();
        assert_eq!(rule("c").pass_ratio, None);
        assert_eq!(rule("a").pass_ratio, Some(0.75));
        // Fixing b: container = 100 × (5.625 + 5) / 12.5 = 85, overall 92.5, gain 20.
        assert_eq!(rule("b").gain, 20.0);
        // Fixing a: container = 60, overall 80, gain 7.5.
        assert_eq!(rule("a").gain, 7.5);
        assert_eq!(rule("e").gain, 0.0);
    }

    #[test]
    fn plan_orders_by_effort_then_gain_and_projects_cumulatively() {
        let (outcomes, failed) = example();
        let card = score(&outcomes, &failed, &BTreeMap::new(), &weights(1.0));
        let steps: Vec<(&str, Phase, f64, f64)> = card
            .plan
            .iter()
            .map(|s| (s.rule.as_str(), s.phase, s.gain, s.projected))
            .collect();
        // e is an info rule: it gains nothing, so it is not a step.
        assert_eq!(
            steps,
            vec![
                ("b", Phase::Immediate, 20.0, 92.5),
                ("a", Phase::Next, 7.5, 100.0),
            ]
        );
    }

    #[test]
    fn category_weights_change_the_overall_score() {
        let (outcomes, failed) = example();
        let card = score(&outcomes, &failed, &BTreeMap::new(), &weights(3.0));
        // (45 × 1 + 100 × 3) / 4 = 86.25
        assert_eq!(card.overall, Some(86.3));
        assert_eq!(card.grade, Some(Grade::Good));
    }

    #[test]
    fn severity_overrides_change_weights_and_required_categories_score_zero() {
        let (outcomes, failed) = example();
        let mut settings = weights(1.0);
        // b (medium, failing everywhere) raised to critical: 100 × 5.625 / 17.5 = 32.1
        settings.severities.insert("b".into(), Severity::Critical);
        settings.required.insert(Category::Cicd);
        let card = score(&outcomes, &failed, &BTreeMap::new(), &settings);
        assert_eq!(card.categories[0].score, Some(32.1));
        let rule = card.rules.iter().find(|r| r.id == "b").unwrap();
        assert_eq!(rule.severity, Severity::Critical);
        assert_eq!(card.categories[2].score, Some(0.0));
        assert_eq!(card.categories[3].score, None);
        // (32.1 + 100 + 0) / 3
        assert_eq!(card.overall, Some(44.0));
    }

    #[test]
    fn nothing_evaluated_is_not_applicable() {
        let card = score(&[], &BTreeMap::new(), &BTreeMap::new(), &weights(1.0));
        assert_eq!(card.overall, None);
        assert!(card.plan.is_empty());
    }

    #[test]
    fn grades_match_the_seed_report_labels() {
        assert_eq!(Grade::of(92.0), Grade::Excellent);
        assert_eq!(Grade::of(90.0), Grade::Excellent);
        assert_eq!(Grade::of(88.0), Grade::Good);
        assert_eq!(Grade::of(85.0), Grade::Good);
        assert_eq!(Grade::of(80.0), Grade::NeedsImprovement);
        assert_eq!(Grade::of(69.9), Grade::NotReady);
    }
}
