//! A database instance in a single availability zone: a zone outage or host failure takes it
//! down until it is rebuilt elsewhere.

use super::tf_common::{Setting, block_subject, is_present, setting};
use crate::model::Project;
use crate::rules::{Cx, Rule};

pub struct TerraformDatabaseSingleAz;

impl Rule for TerraformDatabaseSingleAz {
    fn check_project(&self, project: &Project, cx: &mut Cx<'_>) {
        for block in project
            .terraform
            .all_blocks()
            .filter(|b| b.ident == "resource")
        {
            let what = format!("`{}.{}`", block.type_name(), block.name());
            let found = match block.type_name() {
                "aws_db_instance" => {
                    if is_present(block, "replicate_source_db") {
                        continue;
                    }
                    match setting(block, &[], "multi_az") {
                        Setting::Unknown => None,
                        Setting::Literal(e) if e.as_bool() == Some(true) => None,
                        Setting::Literal(e) => Some((
                            e.span,
                            format!(
                                "{what} has `multi_az = false`: a zone outage or host failure stops the database; set `multi_az = true` for a synchronous standby"
                            ),
                        )),
                        Setting::Absent => Some((
                            block.head_span(),
                            format!(
                                "{what} runs in a single availability zone: set `multi_az = true` for a synchronous standby in another zone"
                            ),
                        )),
                    }
                }
                "google_sql_database_instance" => {
                    if is_present(block, "master_instance_name") {
                        continue;
                    }
                    match setting(block, &["settings"], "availability_type") {
                        Setting::Unknown => None,
                        Setting::Literal(e) if e.as_str() == Some("REGIONAL") => None,
                        Setting::Literal(e) => Some((
                            e.span,
                            format!(
                                "{what} is `ZONAL`: a zone outage stops the database; set `availability_type = \"REGIONAL\"`"
                            ),
                        )),
                        Setting::Absent => Some((
                            block.head_span(),
                            format!(
                                "{what} is zonal by default: set `settings {{ availability_type = \"REGIONAL\" }}` for a standby in another zone"
                            ),
                        )),
                    }
                }
                _ => continue,
            };
            let subject = block_subject(project, block);
            match found {
                Some((span, message)) => {
                    cx.report(subject, block.file, span, message);
                }
                None => cx.evaluate(subject),
            }
        }
    }
}
