//! A database instance in a single availability zone: a zone outage or host failure takes it
//! down until it is rebuilt elsewhere.

use super::tf_common::{is_present, judge, setting};
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
                    setting(block, &[], "multi_az").failure(
                        block,
                        |e| e.as_bool() == Some(true),
                        || format!(
                                "{what} has `multi_az = false`: a zone outage or host failure stops the database; set `multi_az = true` for a synchronous standby"
                            ),
                        || format!(
                                "{what} runs in a single availability zone: set `multi_az = true` for a synchronous standby in another zone"
                            ),
                    )
                }
                "google_sql_database_instance" => {
                    if is_present(block, "master_instance_name") {
                        continue;
                    }
                    setting(block, &["settings"], "availability_type").failure(
                        block,
                        |e| e.as_str() == Some("REGIONAL"),
                        || format!(
                                "{what} is `ZONAL`: a zone outage stops the database; set `availability_type = \"REGIONAL\"`"
                            ),
                        || format!(
                                "{what} is zonal by default: set `settings {{ availability_type = \"REGIONAL\" }}` for a standby in another zone"
                            ),
                    )
                }
                _ => continue,
            };
            judge(project, cx, block, found);
        }
    }
}
