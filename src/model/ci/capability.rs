//! What the pipelines can do, across GitHub Actions, GitLab CI and other CI files: recognised
//! from well-known actions, images, templates and commands, each with the location that proves it.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::github::{ActionRef, Script, Step};
pub use crate::model::image::image_matches;
use crate::parse::FileId;
use crate::parse::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    StaticAnalysis,
    SecurityScan,
    DependencyScan,
    LicenseCheck,
    Tests,
    Coverage,
    IntegrationTests,
    Benchmarks,
    ImageBuild,
    ImagePush,
    ImageScan,
    ImageSign,
    Deploy,
    SmokeTest,
    Rollback,
    Cache,
    Parallelism,
    PathFilter,
    ProgressiveDelivery,
}

/// Where a pipeline shows a capability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub capability: Capability,
    pub file: FileId,
    pub span: Span,
    /// The action, image, template or command recognised, for messages.
    pub what: String,
    /// The job it happens in (workflow or pipeline file and job name), when there is one.
    pub job: Option<(FileId, String)>,
}

/// A table row: a capability and the names that prove it.
struct Known {
    capability: Capability,
    /// `owner/repo[/path]` prefixes of GitHub actions.
    actions: &'static [&'static str],
    /// Word sequences in shell scripts; a trailing `*` matches a word prefix.
    commands: &'static [&'static str],
    /// Image names (without tag) used as a job image or service.
    images: &'static [&'static str],
    /// GitLab template or component names, matched as substrings.
    templates: &'static [&'static str],
}

use Capability::*;

const KNOWN: &[Known] = &[
    Known {
        capability: StaticAnalysis,
        actions: &[
            "github/codeql-action",
            "github/super-linter",
            "super-linter/super-linter",
            "sonarsource/sonarqube-scan-action",
            "sonarsource/sonarcloud-github-action",
            "sonarsource/sonarqube-quality-gate-action",
            "golangci/golangci-lint-action",
            "reviewdog",
            "pre-commit/action",
            "rhysd/actionlint",
            "raven-actions/actionlint",
            "hadolint/hadolint-action",
            "wearerequired/lint-action",
            "astral-sh/ruff-action",
            "chartboost/ruff-action",
            "ludeeus/action-shellcheck",
            "terraform-linters/setup-tflint",
            "dominikh/staticcheck-action",
            "oxsecurity/megalinter",
            "trunk-io/trunk-action",
            "semgrep/semgrep-action",
            "returntocorp/semgrep-action",
            "stackrox/kube-linter-action",
            "azure/k8s-lint",
            "helm/chart-testing-action",
        ],
        commands: &[
            "eslint",
            "ruff check",
            "ruff",
            "flake8",
            "pylint",
            "mypy",
            "pyright",
            "golangci-lint",
            "go vet",
            "staticcheck",
            "cargo clippy",
            "clippy-driver",
            "sonar-scanner",
            "mvn sonar:sonar",
            "sonar:sonar",
            "gradle sonar",
            "gradle sonarqube",
            "gradlew sonar",
            "gradlew sonarqube",
            "shellcheck",
            "hadolint",
            "tflint",
            "rubocop",
            "phpstan",
            "psalm",
            "pre-commit run",
            "npm run lint",
            "yarn lint",
            "yarn run lint",
            "pnpm lint",
            "pnpm run lint",
            "make lint",
            "tox -e lint",
            "nox -s lint",
            "actionlint",
            "checkstyle",
            "spotbugs",
            "ktlint",
            "detekt",
            "swiftlint",
            "semgrep",
            "kube-linter",
            "kubeconform",
            "kubeval",
            "helm lint",
            "ct lint",
            "yamllint",
            "markdownlint",
            "stylelint",
            "biome lint",
            "biome check",
            "clang-tidy",
            "cppcheck",
            "codeql",
            "shipshape",
        ],
        images: &[
            "sonarsource/sonar-scanner-cli",
            "golangci/golangci-lint",
            "hadolint/hadolint",
            "koalaman/shellcheck",
            "ghcr.io/terraform-linters/tflint",
            "pipelinecomponents/*",
        ],
        templates: &["code-quality", "sonarqube", "auto-devops"],
    },
    Known {
        capability: SecurityScan,
        actions: &[
            "github/codeql-action",
            "snyk/actions",
            "returntocorp/semgrep-action",
            "semgrep/semgrep-action",
            "aquasecurity/trivy-action",
            "aquasecurity/tfsec-action",
            "aquasecurity/tfsec-sarif-action",
            "securego/gosec",
            "pycqa/bandit-action",
            "anchore/scan-action",
            "shiftleftsecurity/scan-action",
            "checkmarx",
            "zaproxy",
            "ossf/scorecard-action",
            "gitleaks/gitleaks-action",
            "trufflesecurity/trufflehog",
            "bridgecrewio/checkov-action",
            "zizmorcore/zizmor-action",
            "docker/scout-action",
            "microsoft/security-devops-action",
            "stackhawk/hawkscan-action",
            "sonarsource/sonarqube-scan-action",
            "sonarsource/sonarcloud-github-action",
            "fortify",
            "veracode",
        ],
        commands: &[
            "codeql",
            "snyk test",
            "snyk code",
            "snyk container",
            "snyk iac",
            "semgrep",
            "trivy",
            "grype",
            "gosec",
            "bandit",
            "gitleaks",
            "trufflehog",
            "checkov",
            "tfsec",
            "terrascan",
            "kics",
            "zizmor",
            "brakeman",
            "njsscan",
            "horusec",
            "govulncheck",
            "docker scout",
            "zap-baseline.py",
            "zap-full-scan.py",
            "detect-secrets",
            "sonar-scanner",
        ],
        images: &[
            "aquasec/trivy",
            "returntocorp/semgrep",
            "semgrep/semgrep",
            "zricethezav/gitleaks",
            "bridgecrew/checkov",
            "anchore/grype",
            "securego/gosec",
            "snyk/snyk",
            "ghcr.io/zaproxy/zaproxy",
        ],
        templates: &[
            "sast",
            "secret-detection",
            "dast",
            "container-scanning",
            "dependency-scanning",
            "api-security",
            "auto-devops",
        ],
    },
    Known {
        capability: DependencyScan,
        actions: &[
            "actions/dependency-review-action",
            "snyk/actions",
            "pypa/gh-action-pip-audit",
            "rustsec/audit-check",
            "actions-rs/audit-check",
            "embarkstudios/cargo-deny-action",
            "google/osv-scanner-action",
            "golang/govulncheck-action",
            "dependency-check/dependency-check_action",
        ],
        commands: &[
            "npm audit",
            "yarn audit",
            "yarn npm audit",
            "pnpm audit",
            "pip-audit",
            "safety check",
            "safety scan",
            "cargo audit",
            "cargo deny",
            "cargo-deny",
            "osv-scanner",
            "govulncheck",
            "snyk test",
            "trivy fs",
            "trivy filesystem",
            "trivy repo",
            "trivy repository",
            "grype dir:*",
            "bundle audit",
            "bundle-audit",
            "bundler-audit",
            "dependency-check",
            "dependency-check.sh",
            "mvn dependency-check:check",
            "dependency-check:check",
            "composer audit",
            "nancy",
            "retire",
            "audit-ci",
            "better-npm-audit",
            "dotnet list package --vulnerable",
        ],
        images: &["owasp/dependency-check"],
        templates: &["dependency-scanning", "auto-devops"],
    },
    Known {
        capability: LicenseCheck,
        actions: &[
            "fossas/fossa-action",
            "embarkstudios/cargo-deny-action",
            "fsfe/reuse-action",
            "github/licensed",
            "jonabc/setup-licensed",
            "apache/skywalking-eyes",
            "pilosus/action-pip-license-checker",
        ],
        commands: &[
            "fossa",
            "license-checker",
            "license-checker-rseidelsohn",
            "license_finder",
            "cargo deny check",
            "cargo deny check licenses",
            "cargo-deny",
            "cargo about",
            "scancode",
            "pip-licenses",
            "liccheck",
            "go-licenses",
            "licensee",
            "licensed status",
            "reuse lint",
            "trivy fs --scanners license",
            "--scanners license",
            "license-eye",
            "askalono",
            "lichen",
        ],
        images: &["fossa/fossa-cli", "fsfe/reuse"],
        templates: &["license-scanning"],
    },
    Known {
        capability: Tests,
        actions: &[
            "actions-rs/tarpaulin",
            "cypress-io/github-action",
            "dart-lang/setup-dart",
            "paambaati/codeclimate-action",
            "taiki-e/install-action",
        ],
        commands: &[
            "pytest",
            "py.test",
            "python -m unittest",
            "tox",
            "nox",
            "go test",
            "gotestsum",
            "cargo test",
            "cargo nextest",
            "cargo tarpaulin",
            "cargo llvm-cov",
            "npm test",
            "npm run test*",
            "npm t",
            "npm ci-test",
            "yarn test*",
            "yarn run test*",
            "pnpm test*",
            "pnpm run test*",
            "bun test",
            "deno test",
            "jest",
            "vitest",
            "mocha",
            "karma",
            "ava",
            "mvn test",
            "mvn verify",
            "mvn -b verify",
            "mvn -b test",
            "mvn install",
            "mvn -b install",
            "gradle test",
            "gradle check",
            "gradle build",
            "gradlew test",
            "gradlew check",
            "gradlew build",
            "dotnet test",
            "rspec",
            "rake test",
            "rake spec",
            "rails test",
            "phpunit",
            "pest",
            "make test*",
            "make check",
            "ctest",
            "bazel test",
            "bazelisk test",
            "mix test",
            "swift test",
            "flutter test",
            "sbt test",
            "lein test",
            "stack test",
            "cabal test",
            "busted",
            "bats",
            "helm unittest",
            "terraform test",
            "promtool test",
        ],
        images: &[],
        templates: &["auto-devops", "jobs/test"],
    },
    Known {
        capability: Coverage,
        actions: &[
            "codecov/codecov-action",
            "coverallsapp/github-action",
            "actions-rs/tarpaulin",
            "py-cov-action/python-coverage-comment-action",
            "irongut/codecoveragesummary",
            "5monkeys/cobertura-action",
            "qltysh/qlty-action/coverage",
            "paambaati/codeclimate-action",
            "orgoro/coverage",
            "madrapps/jacoco-report",
            "insightsengineering/coverage-action",
            "davelosert/vitest-coverage-report-action",
            "artiomtr/jest-coverage-report-action",
        ],
        commands: &[
            "--cov*",
            "coverage run",
            "coverage xml",
            "coverage report",
            "coverage lcov",
            "-coverprofile*",
            "-cover",
            "-covermode*",
            "--coverage*",
            "cargo tarpaulin",
            "cargo llvm-cov",
            "grcov",
            "jacoco*",
            "jacocotestreport",
            "nyc",
            "c8",
            "istanbul",
            "codecov",
            "coveralls",
            "goveralls",
            "gcovr",
            "lcov",
            "kover*",
            "koverxmlreport",
            "xplat",
            "--experimental-test-coverage",
            "simplecov",
        ],
        images: &[],
        templates: &[],
    },
    Known {
        capability: IntegrationTests,
        actions: &[
            "cypress-io/github-action",
            "microsoft/playwright-github-action",
            "matt-ball/newman-action",
            "helm/kind-action",
            "medyagh/setup-minikube",
            "nolar/setup-k3d-k3s",
        ],
        commands: &[
            "cypress run",
            "cypress",
            "playwright test",
            "npx playwright",
            "newman run",
            "test:e2e",
            "test:integration",
            "e2e",
            "integration-test",
            "integration-tests",
            "test-integration",
            "test-e2e",
            "make e2e",
            "make integration",
            "--integration",
            "-tags=integration",
            "-tags integration",
            "-m integration",
            "behave",
            "robot",
            "selenium",
            "testcafe",
            "webdriverio",
            "wdio",
            "detox test",
            "kind create cluster",
            "ct install",
            "docker compose up",
            "docker-compose up",
            "failsafe:integration-test",
            "integrationtest",
        ],
        images: &[
            "cypress/*",
            "mcr.microsoft.com/playwright",
            "postman/newman",
        ],
        templates: &[],
    },
    Known {
        capability: Benchmarks,
        actions: &[
            "benchmark-action/github-action-benchmark",
            "rhysd/github-action-benchmark",
            "grafana/k6-action",
            "grafana/setup-k6-action",
            "grafana/run-k6-action",
            "codspeedhq/action",
            "bencherdev/bencher",
            "boa-dev/criterion-compare-action",
        ],
        commands: &[
            "cargo bench",
            "cargo criterion",
            "go test -bench*",
            "-bench*",
            "--benchmark*",
            "pytest-benchmark",
            "asv run",
            "asv continuous",
            "k6 run",
            "locust",
            "jmeter",
            "artillery run",
            "hyperfine",
            "wrk",
            "vegeta attack",
            "gatling",
            "mvn jmh:benchmark",
            "jmh",
            "npm run bench*",
            "yarn bench*",
            "pnpm bench*",
            "make bench*",
            "benchstat",
            "ghz",
            "oha",
        ],
        images: &[
            "grafana/k6",
            "loadimpact/k6",
            "locustio/locust",
            "justb4/jmeter",
        ],
        templates: &["load-performance-testing", "browser-performance-testing"],
    },
    Known {
        capability: ImageBuild,
        actions: &[
            "docker/build-push-action",
            "docker/bake-action",
            "redhat-actions/buildah-build",
            "mr-smithers-excellent/docker-build-push",
            "ko-build/setup-ko",
            "imjasonh/setup-ko",
            "elgohr/publish-docker-github-action",
            "aevea/action-kaniko",
            "int128/kaniko-action",
        ],
        commands: &[
            "docker build",
            "docker image build",
            "docker buildx build",
            "docker buildx bake",
            "docker compose build",
            "docker-compose build",
            "buildah bud",
            "buildah build",
            "podman build",
            "kaniko",
            "executor --context*",
            "executor --dockerfile*",
            "img build",
            "ko build",
            "ko publish",
            "ko resolve",
            "jib:build",
            "jib:dockerbuild",
            "jib",
            "jibdockerbuild",
            "pack build",
            "nixpacks build",
            "bootbuildimage",
            "spring-boot:build-image",
            "buildctl build",
            "earthly",
            "depot build",
        ],
        images: &[
            "gcr.io/kaniko-project/executor",
            "quay.io/buildah/stable",
            "moby/buildkit",
        ],
        templates: &["jobs/build", "auto-devops", "docker.gitlab-ci"],
    },
    Known {
        capability: ImagePush,
        actions: &[
            "redhat-actions/push-to-registry",
            "mr-smithers-excellent/docker-build-push",
            "elgohr/publish-docker-github-action",
            "aevea/action-kaniko",
        ],
        commands: &[
            "docker push",
            "docker image push",
            "docker compose push",
            "docker-compose push",
            "buildah push",
            "podman push",
            "crane push",
            "crane copy",
            "skopeo copy",
            "ko build",
            "ko publish",
            "ko resolve",
            "jib:build",
            "jib",
            "--push",
            "kaniko",
            "executor --context*",
            "executor --dockerfile*",
            "depot build",
        ],
        images: &["gcr.io/kaniko-project/executor"],
        templates: &["jobs/build", "auto-devops"],
    },
    Known {
        capability: ImageScan,
        actions: &[
            "aquasecurity/trivy-action",
            "anchore/scan-action",
            "docker/scout-action",
            "snyk/actions/docker",
            "crazy-max/ghaction-container-scan",
            "azure/container-scan",
            "lacework/lw-scanner-action",
            "sysdiglabs/scan-action",
            "neuvector/scan-action",
        ],
        commands: &[
            "trivy image",
            "trivy",
            "grype",
            "docker scout",
            "docker scan",
            "snyk container",
            "clair",
            "clairctl",
            "twistcli",
            "neuvector",
        ],
        images: &["aquasec/trivy", "anchore/grype"],
        templates: &["container-scanning", "auto-devops"],
    },
    Known {
        capability: ImageSign,
        actions: &[
            "sigstore/cosign-installer",
            "notaryproject/notation-action",
            "sigstore/gh-action-sigstore-python",
            "actions/attest-build-provenance",
        ],
        commands: &[
            "cosign sign",
            "cosign",
            "notation sign",
            "docker trust sign",
            "gh attestation",
        ],
        images: &["gcr.io/projectsigstore/cosign", "bitnami/cosign"],
        templates: &["cosign"],
    },
    Known {
        capability: Deploy,
        actions: &[
            "azure/k8s-deploy",
            "azure/webapps-deploy",
            "azure/container-apps-deploy-action",
            "azure/aci-deploy",
            "google-github-actions/deploy-cloudrun",
            "google-github-actions/deploy-appengine",
            "aws-actions/amazon-ecs-deploy-task-definition",
            "aws-actions/aws-cloudformation-github-deploy",
            "deliverybot/helm",
            "wahyd4/kubectl-helm-action",
            "superfly/flyctl-actions",
            "akhileshns/heroku-deploy",
            "cloudflare/wrangler-action",
            "hashicorp/tfc-workflows-github",
            "pulumi/actions",
            "fluxcd/flux2",
        ],
        commands: &[
            "kubectl apply",
            "kubectl set image",
            "kubectl rollout restart",
            "kubectl replace",
            "kubectl create -f*",
            "helm upgrade",
            "helm install",
            "helmfile apply",
            "helmfile sync",
            "argocd app sync",
            "argocd app set",
            "flux reconcile",
            "skaffold deploy",
            "skaffold run",
            "terraform apply",
            "tofu apply",
            "terragrunt apply",
            "terragrunt run-all apply",
            "pulumi up",
            "aws ecs update-service",
            "aws ecs deploy",
            "ecs-deploy",
            "aws deploy create-deployment",
            "gcloud run deploy",
            "gcloud app deploy",
            "gcloud deploy",
            "az webapp deploy",
            "az containerapp update",
            "fly deploy",
            "flyctl deploy",
            "heroku container:release",
            "serverless deploy",
            "sls deploy",
            "cdk deploy",
            "sam deploy",
            "ansible-playbook",
            "docker stack deploy",
            "nomad job run",
            "waypoint up",
            "kamal deploy",
            "cap production deploy",
            "copilot deploy",
        ],
        images: &["argoproj/argocd"],
        templates: &[
            "jobs/deploy",
            "auto-devops",
            "terraform.gitlab-ci",
            "terraform/base",
        ],
    },
    Known {
        capability: SmokeTest,
        actions: &[
            "jtalk/url-health-check-action",
            // Both wait until the new pods or revision are ready, or fail the step.
            "azure/k8s-deploy",
            "google-github-actions/deploy-cloudrun",
            "cygnetdigital/wait_for_response",
            "lakuapik/gh-actions-http-status",
        ],
        commands: &[
            "kubectl rollout status",
            "kubectl wait",
            "helm test",
            "helm upgrade --wait",
            "--wait",
            "--atomic",
            "smoke",
            "smoke-test",
            "smoke-tests",
            "smoke_test",
            "smoketest",
            "health-check",
            "healthcheck",
            "argocd app wait",
            "aws ecs wait services-stable",
            "wait-for-service-stability",
            "argo rollouts status",
            "kubectl argo rollouts status",
        ],
        images: &[],
        templates: &[],
    },
    Known {
        capability: Rollback,
        actions: &[],
        commands: &[
            "kubectl rollout undo",
            "helm rollback",
            "--atomic",
            "--rollback-on-failure",
            "argocd app rollback",
            "kubectl argo rollouts undo",
            "kubectl argo rollouts abort",
            "argo rollouts undo",
            "argo rollouts abort",
            "rollback",
            "roll-back",
            "--auto-rollback*",
            "aws deploy stop-deployment",
            "flyctl releases rollback",
            "heroku rollback",
            "kamal rollback",
            "gcloud run services update-traffic",
        ],
        images: &[],
        templates: &[],
    },
    Known {
        capability: Cache,
        actions: &[
            "actions/cache",
            "swatinem/rust-cache",
            "mozilla-actions/sccache-action",
            "hendrikmuhs/ccache-action",
            "cachix/cachix-action",
            "determinatesystems/magic-nix-cache-action",
            "gradle/actions/setup-gradle",
            "gradle/gradle-build-action",
            "bazel-contrib/setup-bazel",
            "satackey/action-docker-layer-caching",
            "jpribyl/action-docker-layer-caching",
            "pnpm/action-setup",
            "nrwl/nx-set-shas",
        ],
        commands: &[
            "--cache-from*",
            "--cache-to*",
            "--cache=true",
            "--cache-repo*",
            "--remote_cache*",
            "--disk_cache*",
            "sccache",
            "ccache",
        ],
        images: &[],
        templates: &[],
    },
    Known {
        capability: PathFilter,
        actions: &[
            "dorny/paths-filter",
            "tj-actions/changed-files",
            "step-security/changed-files",
            "marceloprado/has-changed-path",
            "nrwl/nx-set-shas",
            "fkirc/skip-duplicate-actions",
        ],
        commands: &[
            "nx affected",
            "turbo run * --filter*",
            "--filter=...*",
            "--affected",
            "git diff --name-only",
            "bazel-diff",
            "lerna run --since",
            "--since*",
            "pants --changed-since*",
        ],
        images: &[],
        templates: &[],
    },
    Known {
        capability: ProgressiveDelivery,
        actions: &["azure/k8s-deploy"],
        commands: &[
            "kubectl argo rollouts",
            "kubectl-argo-rollouts",
            "argo rollouts",
            "flagger",
            "canary",
            "blue-green",
            "bluegreen",
            "blue/green",
            "--traffic*",
            "update-traffic",
            "--to-revisions*",
            "gcloud deploy releases promote",
        ],
        images: &[],
        templates: &["canary", "incremental-rollout"],
    },
];

/// Step and job names that tell what a step or job does, when commands do not.
const NAMED: &[(Capability, &[&str])] = &[
    (
        IntegrationTests,
        &[
            "integration",
            "e2e",
            "end-to-end",
            "end to end",
            "acceptance",
            "system test",
            "system tests",
        ],
    ),
    (
        Benchmarks,
        &[
            "benchmark",
            "benchmarks",
            "bench",
            "perf",
            "performance",
            "load test",
            "load-test",
            "load tests",
        ],
    ),
    (
        SmokeTest,
        &[
            "smoke",
            "smoke test",
            "smoke tests",
            "health check",
            "healthcheck",
            "verify deployment",
            "post-deploy",
            "post deploy",
            "verify deploy",
        ],
    ),
    (Rollback, &["rollback", "roll back"]),
    (
        ProgressiveDelivery,
        &["canary", "blue-green", "blue green", "bluegreen"],
    ),
    (
        LicenseCheck,
        &["license", "licenses", "licence", "licences"],
    ),
];

#[derive(Debug, Default, Clone)]
pub struct Capabilities {
    evidence: Vec<Evidence>,
}

impl Capabilities {
    pub fn push(&mut self, evidence: Evidence) {
        self.evidence.push(evidence);
    }

    /// Adds `other`'s evidence after this one's, in its order.
    pub fn append(&mut self, mut other: Capabilities) {
        self.evidence.append(&mut other.evidence);
    }

    pub fn of(&self, capability: Capability) -> impl Iterator<Item = &Evidence> {
        self.evidence
            .iter()
            .filter(move |e| e.capability == capability)
    }

    pub fn first(&self, capability: Capability) -> Option<&Evidence> {
        self.of(capability).next()
    }

    pub fn has(&self, capability: Capability) -> bool {
        self.first(capability).is_some()
    }

    /// Sorted and deduplicated, so every query sees evidence in a stable order.
    pub fn finish(&mut self) {
        self.evidence.sort_by(|a, b| {
            (a.capability, a.file, a.span.start).cmp(&(b.capability, b.file, b.span.start))
        });
        self.evidence
            .dedup_by(|a, b| a.capability == b.capability && a.file == b.file && a.span == b.span);
    }
}

/// Lowercased words of a script with their byte offsets; paths are cut to their last part so
/// `./gradlew` and `/kaniko/executor` are recognised.
fn words(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    let is_sep = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ';' | '|' | '&' | '(' | ')' | '`' | '"' | '\'' | '\\' | '<' | '>'
            )
    };
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if is_sep(c) {
            if let Some(s) = start.take() {
                let word: &str = &text[s..i];
                let lower = word.to_ascii_lowercase();
                let base = if lower.starts_with('-')
                    || lower.starts_with('/') && lower.len() > 1 && !lower[1..].contains('/')
                {
                    lower
                } else {
                    match lower.trim_end_matches('/').rsplit_once('/') {
                        Some((_, last)) if !last.is_empty() && !lower.contains("://") => {
                            last.to_string()
                        }
                        _ => lower,
                    }
                };
                out.push((s, base));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    out
}

fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => {
            word == pattern
                || word.strip_prefix(pattern).is_some_and(|rest| {
                    rest.starts_with('=') || rest.starts_with(':') && pattern.starts_with('-')
                })
        }
    }
}

/// The byte offset in `text` where the command `pattern` (a word sequence, `*` matching any one
/// word when alone) starts.
fn find_command(words: &[(usize, String)], pattern: &str) -> Option<usize> {
    let parts: Vec<&str> = pattern.split(' ').collect();
    find_parts(words, &parts)
}

fn find_parts(words: &[(usize, String)], parts: &[&str]) -> Option<usize> {
    if parts.is_empty() || words.len() < parts.len() {
        return None;
    }
    (0..=words.len() - parts.len()).find_map(|i| {
        let all = parts
            .iter()
            .enumerate()
            .all(|(k, p)| *p == "*" || word_matches(p, &words[i + k].1));
        all.then_some(words[i].0)
    })
}

/// One of `KNOWN`'s commands, split into words once rather than for every script.
struct KnownCommand {
    command: &'static str,
    parts: Vec<&'static str>,
    /// The parts matched whole (no `*`): a script lacking any of them cannot hold the command.
    exact: Vec<&'static str>,
}

static KNOWN_COMMANDS: LazyLock<Vec<Vec<KnownCommand>>> = LazyLock::new(|| {
    KNOWN
        .iter()
        .map(|known| {
            known
                .commands
                .iter()
                .map(|&command| {
                    let parts: Vec<&str> = command.split(' ').collect();
                    let exact = parts
                        .iter()
                        .copied()
                        .filter(|p| !p.ends_with('*'))
                        .collect();
                    KnownCommand {
                        command,
                        parts,
                        exact,
                    }
                })
                .collect()
        })
        .collect()
});

/// `KNOWN_COMMANDS` by the first part each must match exactly, as (known, command) indices;
/// `any` lists the commands with no exact part. A script is tried only against the commands
/// filed under one of its words, not against all 444.
struct CommandIndex {
    by_word: HashMap<&'static str, Vec<(usize, usize)>>,
    any: Vec<(usize, usize)>,
}

static COMMAND_INDEX: LazyLock<CommandIndex> = LazyLock::new(|| {
    let mut index = CommandIndex {
        by_word: HashMap::new(),
        any: Vec::new(),
    };
    for (k, commands) in KNOWN_COMMANDS.iter().enumerate() {
        for (c, command) in commands.iter().enumerate() {
            match command.exact.first() {
                Some(word) => index.by_word.entry(word).or_default().push((k, c)),
                None => index.any.push((k, c)),
            }
        }
    }
    index
});

/// Every string an exact pattern part could equal and still match one of `words` (see
/// `word_matches`): the word, and the word cut before any `=` (or `:` for an option).
fn word_keys(words: &[(usize, String)]) -> HashSet<&str> {
    let mut keys = HashSet::with_capacity(words.len() * 2);
    for (_, word) in words {
        keys.insert(word.as_str());
        let option = word.starts_with('-');
        for (at, c) in word.char_indices() {
            if c == '=' || c == ':' && option {
                keys.insert(&word[..at]);
            }
        }
    }
    keys
}

/// A name as `name_has` compares it: lowercase words separated by single spaces, padded with
/// one space on each side (ids use `-` and `_` as spaces).
fn normal_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push(' ');
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '/' {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// True when `phrase` occurs as whole words in a name already made `normal_name`.
fn normal_has(normal: &str, phrase: &str) -> bool {
    let needle = normal_name(phrase);
    normal.contains(&needle)
        && !(phrase == "integration" && normal.contains(" continuous integration "))
}

/// True when `phrase` occurs as whole words in a name (ids use `-` and `_` as spaces).
#[cfg(test)]
fn name_has(name: &str, phrase: &str) -> bool {
    normal_has(&normal_name(name), phrase)
}

/// Collects evidence into `caps` for one place that does work.
pub struct Collector<'a> {
    pub caps: &'a mut Capabilities,
    pub file: FileId,
    pub job: Option<String>,
    /// The file text, to locate a script line inside a block scalar.
    pub text: &'a str,
}

impl Collector<'_> {
    fn add(&mut self, capability: Capability, span: Span, what: impl Into<String>) {
        self.caps.push(Evidence {
            capability,
            file: self.file,
            span,
            what: what.into(),
            job: self.job.clone().map(|j| (self.file, j)),
        });
    }

    pub fn action(&mut self, action: &ActionRef) {
        for known in KNOWN {
            if let Some(a) = known
                .actions
                .iter()
                .find(|a| action.is(a) || action.repo == **a)
            {
                self.add(known.capability, action.span, *a);
            }
        }
        if action.kind == super::github::ActionKind::Docker {
            self.image(&action.full, action.span);
        }
    }

    /// A GitHub step: its action with inputs, its script and its name.
    pub fn step(&mut self, step: &Step) {
        if let Some(action) = &step.uses {
            self.action(action);
            self.action_inputs(action, step);
        }
        if let Some(run) = &step.run {
            self.script(run);
        }
        if let Some(name) = &step.name {
            let span = step
                .uses
                .as_ref()
                .map(|u| u.span)
                .or(step.run.as_ref().map(|r| r.span))
                .unwrap_or(step.span);
            self.name(name, span, step.run.is_some());
        }
    }

    fn action_inputs(&mut self, action: &ActionRef, step: &Step) {
        let setup_with_cache = [
            "actions/setup-node",
            "actions/setup-python",
            "actions/setup-java",
            "actions/setup-dotnet",
            "actions/setup-go",
            "ruby/setup-ruby",
            "astral-sh/setup-uv",
            "oven-sh/setup-bun",
            "pnpm/action-setup",
            "denoland/setup-deno",
        ];
        if let Some(setup) = setup_with_cache.iter().find(|s| action.is(s)) {
            let enabled = [
                "cache",
                "bundler-cache",
                "enable-cache",
                "cache-dependency-path",
            ]
            .iter()
            .find_map(|k| step.with_str(k))
            .filter(|v| !matches!(*v, "false" | ""));
            // setup-go caches by default since v4.
            let go_default = *setup == "actions/setup-go"
                && step.with_str("cache") != Some("false")
                && action.git_ref.as_deref().is_some_and(|r| {
                    !matches!(r, "v1" | "v2" | "v3")
                        && !r.starts_with("v1.")
                        && !r.starts_with("v2.")
                        && !r.starts_with("v3.")
                });
            if enabled.is_some() || go_default {
                self.add(Cache, action.span, format!("{setup} with cache"));
            }
        }
        if action.is("docker/build-push-action") || action.is("docker/bake-action") {
            if step.with_node("cache-from").is_some()
                || step.with_node("cache-to").is_some()
                || step.with_str("set").is_some_and(|s| s.contains("cache-"))
            {
                self.add(Cache, action.span, "buildx layer cache");
            }
            let push = step.with_str("push").unwrap_or("false");
            if push != "false" {
                let span = step.with_node("push").map_or(action.span, |n| n.span);
                self.add(ImagePush, span, format!("{} push", action.full));
            }
        }
        if action.is("aquasecurity/trivy-action") {
            let scan_type = step.with_str("scan-type").unwrap_or("image");
            if scan_type != "image" {
                self.add(
                    DependencyScan,
                    action.span,
                    format!("trivy {scan_type} scan"),
                );
            }
            if step
                .with_str("scanners")
                .is_some_and(|s| s.contains("license"))
            {
                self.add(LicenseCheck, action.span, "trivy license scan");
            }
            if scan_type == "image" {
                self.add(ImageScan, action.span, "trivy image scan");
            }
        }
        if action.is("aws-actions/amazon-ecs-deploy-task-definition")
            && step.with_str("wait-for-service-stability") == Some("true")
        {
            self.add(
                SmokeTest,
                action.span,
                "ECS deploy waits for service stability",
            );
        }
        if action.is("actions/dependency-review-action")
            && (step.with_node("allow-licenses").is_some()
                || step.with_node("deny-licenses").is_some()
                || step.with_node("config-file").is_some())
        {
            self.add(
                LicenseCheck,
                action.span,
                "dependency-review license policy",
            );
        }
        if action.is("actions/github-script") || action.is("actions/upload-artifact") {
            // Nothing to learn: scripts there are JavaScript, artifacts are not deploys.
        }
        // Coverage flags passed to test runners through inputs.
        for (key, value) in &step.with {
            if let Some(v) = value.as_str()
                && (key.contains("coverage") && v != "false"
                    || find_command(&words(v), "--coverage*").is_some())
            {
                self.add(Coverage, value.span, format!("{} {key}", action.full));
            }
        }
    }

    /// A script: a `run:` or one GitLab script line.
    pub fn script(&mut self, script: &Script) {
        let words = words(&script.text);
        let keys = word_keys(&words);
        let index = &*COMMAND_INDEX;
        let mut candidates = index.any.clone();
        for key in &keys {
            candidates.extend(index.by_word.get(key).into_iter().flatten());
        }
        // In catalog order, and for each known tool only its first command found.
        candidates.sort_unstable();
        candidates.dedup();
        let mut found: Option<usize> = None;
        for (k, c) in candidates {
            let command = &KNOWN_COMMANDS[k][c];
            if found == Some(k) || !command.exact.iter().all(|p| keys.contains(p)) {
                continue;
            }
            if let Some(at) = find_parts(&words, &command.parts) {
                let span = locate(self.text, script, at);
                self.add(
                    KNOWN[k].capability,
                    span,
                    command.command.trim_end_matches('*'),
                );
                found = Some(k);
            }
        }
        self.probe(script, &words);
    }

    /// `curl`/`wget` against a health endpoint is a post-deploy check.
    fn probe(&mut self, script: &Script, words: &[(usize, String)]) {
        let http = words.iter().any(|(_, w)| {
            matches!(
                w.as_str(),
                "curl" | "wget" | "http" | "https" | "hurl" | "xh"
            )
        });
        if !http {
            return;
        }
        let raw: Vec<(usize, &str)> = script
            .text
            .split_inclusive(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .scan(0, |at, piece| {
                let start = *at;
                *at += piece.len();
                Some((
                    start,
                    piece.trim_end_matches(|c: char| c.is_whitespace() || c == '"' || c == '\''),
                ))
            })
            .collect();
        let endpoint = raw.iter().find(|(_, w)| {
            [
                "/health",
                "/healthz",
                "/ready",
                "/readyz",
                "/livez",
                "/ping",
                "/status",
                "/actuator/health",
            ]
            .iter()
            .any(|p| w.contains(p))
        });
        if let Some((at, w)) = endpoint {
            let span = locate(self.text, script, *at);
            self.add(SmokeTest, span, format!("HTTP check of {w}"));
        }
    }

    /// A job or step name; names count only for what commands rarely show.
    pub fn name(&mut self, name: &str, span: Span, runs_commands: bool) {
        self.named(name, span, runs_commands, false);
    }

    /// A job's name: like a step's, except that a job called "test" may run anything.
    pub fn job_name(&mut self, name: &str, span: Span, runs_commands: bool) {
        self.named(name, span, runs_commands, true);
    }

    fn named(&mut self, name: &str, span: Span, runs_commands: bool, is_job: bool) {
        let normal = normal_name(name);
        for (capability, phrases) in NAMED {
            if *capability == LicenseCheck && !runs_commands {
                continue;
            }
            if let Some(p) = phrases.iter().find(|p| normal_has(&normal, p)) {
                self.add(*capability, span, format!("\"{name}\" ({p})"));
            }
        }
        if runs_commands
            && !is_job
            && ["test", "tests", "unit tests"]
                .iter()
                .any(|p| normal_has(&normal, p))
        {
            self.add(Tests, span, format!("\"{name}\""));
        }
    }

    pub fn image(&mut self, image: &str, span: Span) {
        for known in KNOWN {
            if let Some(k) = known.images.iter().find(|k| image_matches(image, k)) {
                self.add(known.capability, span, format!("image {k}"));
            }
        }
    }

    pub fn template(&mut self, template: &str, span: Span) {
        let lower = template.to_ascii_lowercase();
        for known in KNOWN {
            if let Some(t) = known.templates.iter().find(|t| lower.contains(*t)) {
                self.add(known.capability, span, format!("template {template} ({t})"));
            }
        }
    }

    pub fn evidence(&mut self, capability: Capability, span: Span, what: impl Into<String>) {
        self.add(capability, span, what);
    }
}

/// The source span of the script line holding byte `at` of the script's text: exact for plain
/// one-line scripts, the matching source line for block scalars.
fn locate(text: &str, script: &Script, at: usize) -> Span {
    let line_start = script.text[..at.min(script.text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line_end = script.text[line_start..]
        .find('\n')
        .map_or(script.text.len(), |i| line_start + i);
    let line = script.text[line_start..line_end].trim();
    let region = text
        .get(script.span.start..script.span.end.min(text.len()))
        .unwrap_or("");
    if !line.is_empty()
        && let Some(found) = region.find(line)
    {
        let start = script.span.start + found;
        return Span::new(start, start + line.len());
    }
    script.span
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps_of_script(script: &str) -> Vec<Capability> {
        let mut caps = Capabilities::default();
        let mut c = Collector {
            caps: &mut caps,
            file: 0,
            job: None,
            text: script,
        };
        c.script(&Script {
            text: script.to_string(),
            span: Span::new(0, script.len()),
        });
        caps.finish();
        let mut out: Vec<Capability> = caps.evidence.iter().map(|e| e.capability).collect();
        out.dedup();
        out
    }

    #[test]
    fn commands() {
        assert_eq!(
            caps_of_script("python -m pytest --cov=app tests/"),
            [Tests, Coverage]
        );
        assert_eq!(caps_of_script("./gradlew test"), [Tests]);
        assert_eq!(caps_of_script("echo done"), []);
        assert!(caps_of_script("docker buildx build --push -t x .").contains(&ImagePush));
        assert!(caps_of_script("/kaniko/executor --context $CI_PROJECT_DIR").contains(&ImageBuild));
        assert!(caps_of_script("npm audit --audit-level=high").contains(&DependencyScan));
        assert!(caps_of_script("helm upgrade --install app ./chart --atomic").contains(&Rollback));
        assert!(!caps_of_script("pip install pytest-cov").contains(&Tests));
    }

    #[test]
    fn names() {
        assert!(name_has("Run integration tests", "integration"));
        assert!(!name_has("Continuous Integration", "integration"));
        assert!(name_has("e2e-tests", "e2e"));
        assert!(!name_has("benchmarks-report", "bench"));
    }

    #[test]
    fn images() {
        assert!(image_matches(
            "docker.io/aquasec/trivy:0.50.0",
            "aquasec/trivy"
        ));
        assert!(image_matches(
            "gcr.io/kaniko-project/executor:v1.9.0-debug",
            "gcr.io/kaniko-project/executor"
        ));
        assert!(!image_matches("python:3.12", "aquasec/trivy"));
    }
}
