//! STS, the one call the console makes of it: `GetCallerIdentity`, so a run's record names
//! who acted as AWS knows them (an ARN), not just a key.

use crate::error::AwsError;
use crate::models::ACCOUNT_ID;
use crate::wire::xml::escape;

pub const XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

pub const ACTIONS: &[&str] = &["GetCallerIdentity"];

/// The answer's `<GetCallerIdentityResult>` content for the key that signed the call: an IAM
/// user named after the key (the emulator has no IAM), in the emulator's account.
pub fn handle(access_key_id: &str, action: &str) -> Result<String, AwsError> {
    match action {
        "GetCallerIdentity" => {
            let user = format!("emulator-{}", access_key_id.to_ascii_lowercase());
            Ok(format!(
                "<Arn>{}</Arn><UserId>{}</UserId><Account>{ACCOUNT_ID}</Account>",
                escape(&format!("arn:aws:iam::{ACCOUNT_ID}:user/{user}")),
                escape(&format!("AIDA{}", access_key_id.trim_start_matches("AKIA"))),
            ))
        }
        other => Err(AwsError::InvalidAction(format!(
            "Could not find operation {other} for version 2011-06-15"
        ))),
    }
}
