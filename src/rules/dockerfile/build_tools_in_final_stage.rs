//! The final stage installs compilers or runs a build, so the toolchain ships in the image.

use super::common::{command_text, program_words, shell_commands};
use crate::model::{DockerfileUnit, Project};
use crate::rules::{Cx, Rule, dockerfile_subject};

pub struct DockerfileBuildToolsInFinalStage;

const PACKAGE_MANAGERS: &[(&str, &[&str])] = &[
    ("apt-get", &["install"]),
    ("apt", &["install"]),
    ("apk", &["add"]),
    ("yum", &["install"]),
    ("dnf", &["install"]),
    ("microdnf", &["install"]),
    ("zypper", &["install", "in"]),
];

const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "build-base",
    "gcc",
    "g++",
    "gcc-c++",
    "make",
    "cmake",
    "clang",
    "autoconf",
    "automake",
    "libtool",
];

fn is_build_package(name: &str) -> bool {
    // `gcc-12`, `libpq-dev=15.*`: compare without version pins.
    let name = name.split(['=', '>', '<']).next().unwrap_or(name);
    BUILD_PACKAGES.contains(&name)
        || name.ends_with("-dev")
        || name.ends_with("-devel")
        || name.starts_with("gcc-")
        || name.starts_with("g++-")
        || name.starts_with("clang-")
}

/// A package removal in the same RUN: the classic single-stage `apk del .build-deps` pattern.
fn removes_packages(commands: &[Vec<String>]) -> bool {
    commands.iter().any(|c| {
        let w = program_words(c);
        matches!(
            (w.first().map(String::as_str), w.get(1).map(String::as_str)),
            (Some("apk"), Some("del"))
                | (
                    Some("apt-get" | "apt"),
                    Some("purge" | "remove" | "autoremove")
                )
                | (
                    Some("yum" | "dnf" | "microdnf"),
                    Some("remove" | "erase" | "autoremove")
                )
                | (Some("zypper"), Some("remove" | "rm"))
        )
    })
}

/// What in one simple command is a build step, for the message.
fn build_step(words: &[String]) -> Option<String> {
    let w = program_words(words);
    let program = w.first()?.rsplit('/').next()?.to_string();
    let arg = |n: usize| w.get(n).map(String::as_str);
    for (pm, subs) in PACKAGE_MANAGERS {
        if program == *pm && w.iter().skip(1).any(|a| subs.contains(&a.as_str())) {
            let tools: Vec<&str> = w
                .iter()
                .skip(2)
                .map(String::as_str)
                .filter(|a| !a.starts_with('-') && is_build_package(a))
                .collect();
            return (!tools.is_empty()).then(|| format!("installs `{}`", tools.join("`, `")));
        }
    }
    let runs = |what: &str| Some(format!("runs `{what}`"));
    match (program.as_str(), arg(1), arg(2)) {
        ("cargo", Some("build" | "install"), _) => runs(&format!("cargo {}", arg(1)?)),
        ("go", Some("build" | "install"), _) => runs(&format!("go {}", arg(1)?)),
        ("npm" | "pnpm" | "yarn", Some("run"), Some("build")) => {
            runs(&format!("{program} run build"))
        }
        ("pnpm" | "yarn", Some("build"), _) => runs(&format!("{program} build")),
        ("mvn" | "mvnw", _, _)
            if w.iter()
                .any(|a| matches!(a.as_str(), "package" | "install" | "verify")) =>
        {
            runs(&format!("{program} package"))
        }
        ("gradle" | "gradlew", _, _)
            if w.iter().any(|a| {
                matches!(
                    a.as_str(),
                    "build" | "assemble" | "bootJar" | "installDist" | "shadowJar"
                )
            }) =>
        {
            runs(&format!("{program} build"))
        }
        ("dotnet", Some("build" | "publish"), _) => runs(&format!("dotnet {}", arg(1)?)),
        ("pip" | "pip3", Some("install"), _) if w.iter().any(|a| a.starts_with("--no-binary")) => {
            runs("pip install --no-binary")
        }
        _ => None,
    }
}

impl Rule for DockerfileBuildToolsInFinalStage {
    fn check_dockerfile(&self, unit: &DockerfileUnit, project: &Project, cx: &mut Cx<'_>) {
        let Some(stage) = unit.df.final_stage() else {
            return;
        };
        let subject = dockerfile_subject(project, unit);
        cx.evaluate(subject.clone());
        for run in stage.instructions.iter().filter(|i| i.keyword == "RUN") {
            let commands = shell_commands(&command_text(run));
            let steps: Vec<String> = commands.iter().filter_map(|c| build_step(c)).collect();
            let Some(first) = steps.first() else {
                continue;
            };
            if first.starts_with("installs") && removes_packages(&commands) {
                continue;
            }
            cx.report(
                subject.clone(),
                unit.file,
                run.keyword_span,
                format!(
                    "final stage of `{}` {first}, leaving the build toolchain in the runtime image",
                    project.path(unit.file)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(text: &str) -> Option<String> {
        shell_commands(text).iter().find_map(|c| build_step(c))
    }

    #[test]
    fn build_steps() {
        assert!(
            step("apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev")
                .is_some()
        );
        assert!(step("apk add --no-cache --virtual .deps build-base").is_some());
        assert!(step("npm ci && npm run build").is_some());
        assert!(step("CGO_ENABLED=0 go build -o /app ./cmd").is_some());
        assert!(step("apt-get install -y curl ca-certificates").is_none());
        assert!(step("pip install --no-cache-dir -r requirements.txt").is_none());
        assert!(step("npm ci --omit=dev").is_none());
    }
}
