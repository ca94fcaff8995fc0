//! STS: `GetCallerIdentity`, so a run's record names who acted as AWS knows them (an ARN), and
//! `AssumeRoleWithWebIdentity`, the unsigned call that turns an ID token from the test issuer
//! (`oidc/`) into short-lived credentials for one of two roles.

use crate::app::{lock, App, Issued};
use crate::error::AwsError;
use crate::models::{Millis, ACCOUNT_ID};
use crate::sigv4::Credential;
use crate::timefmt::iso;
use crate::wire::query::Params;
use crate::wire::xml::escape;

pub const XMLNS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

pub const ACTIONS: &[&str] = &["GetCallerIdentity", "AssumeRoleWithWebIdentity"];

/// The roles a web identity may assume, as `deploy/iam/` defines them: the read-only one may
/// not call a mutating action.
pub const READ_ONLY_ROLE: &str = "failover-console-read-only";
pub const OPERATOR_ROLE: &str = "failover-console-operator";

/// STS's bounds on `DurationSeconds` (the role's maximum session duration is 12 hours at most).
const DURATION_S: std::ops::RangeInclusive<i64> = 900..=43_200;

pub fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT_ID}:role/{name}")
}

/// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, the caller a role's credentials act as.
pub fn assumed_role_arn(role: &str, session: &str) -> String {
    format!("arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role}/{session}")
}

/// The answer's `<GetCallerIdentityResult>` content for the key that signed the call: the
/// assumed role of credentials the emulator issued, else an IAM user named after the key (the
/// emulator has no IAM), in the emulator's account.
pub fn caller_identity(app: &App, access_key_id: &str) -> String {
    let issued = lock(&app.issued)
        .iter()
        .find(|i| i.credential.access_key_id == access_key_id)
        .map(|i| (i.role.clone(), i.session_name.clone()));
    let (arn, user_id) = match issued {
        Some((role, session)) => (
            assumed_role_arn(&role, &session),
            format!("{}:{session}", role_id(&role)),
        ),
        None => (
            format!(
                "arn:aws:iam::{ACCOUNT_ID}:user/emulator-{}",
                access_key_id.to_ascii_lowercase()
            ),
            format!("AIDA{}", access_key_id.trim_start_matches("AKIA")),
        ),
    };
    format!(
        "<Arn>{}</Arn><UserId>{}</UserId><Account>{ACCOUNT_ID}</Account>",
        escape(&arn),
        escape(&user_id)
    )
}

fn role_id(role: &str) -> &'static str {
    if role == READ_ONLY_ROLE {
        "AROAEMULATORREADONLY1"
    } else {
        "AROAEMULATOROPERATOR1"
    }
}

/// `AssumeRoleWithWebIdentity`: validates the parameters as STS does, verifies the token
/// against the test issuer, and issues credentials that expire after `DurationSeconds`
/// (or `--sts-duration`, which may be shorter than STS allows, to test refreshing).
pub fn assume_role_with_web_identity(
    app: &App,
    p: &Params,
    now: Millis,
) -> Result<String, AwsError> {
    let required = |name: &str, member: &str| {
        p.get(name).filter(|v| !v.is_empty()).ok_or_else(|| {
            AwsError::StsValidation(format!(
                "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
            ))
        })
    };
    let role_arn_in = required("RoleArn", "roleArn")?;
    let session = required("RoleSessionName", "roleSessionName")?;
    let token = required("WebIdentityToken", "webIdentityToken")?;
    let session_ok = (2..=64).contains(&session.len())
        && session
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if !session_ok {
        return Err(AwsError::StsValidation(format!(
            "1 validation error detected: Value '{session}' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64 and match [\\w+=,.@-]*"
        )));
    }
    let duration = match p.get("DurationSeconds") {
        None => 3600,
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|d| DURATION_S.contains(d))
            .ok_or_else(|| {
                AwsError::StsValidation(format!(
                    "1 validation error detected: Value '{v}' at 'durationSeconds' failed to satisfy constraint: Member must have value between {} and {}",
                    DURATION_S.start(),
                    DURATION_S.end()
                ))
            })?,
    };
    let claims = app.oidc.verify(token, now)?;
    let role = [READ_ONLY_ROLE, OPERATOR_ROLE]
        .into_iter()
        .find(|r| role_arn(r) == role_arn_in)
        .ok_or_else(|| {
            AwsError::AccessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity".into())
        })?;
    let lifetime_s = app.sts_duration_s.unwrap_or(duration);
    let expires = now + lifetime_s * 1000;
    let credential = Credential {
        access_key_id: format!("ASIA{}", app.oidc.random_key_chars(16)),
        secret_access_key: app.oidc.random(30),
        session_token: Some(format!("IQoJemulator{}", app.oidc.random(96))),
    };
    let xml = format!(
        "<SubjectFromWebIdentityToken>{}</SubjectFromWebIdentityToken>\
         <Audience>{}</Audience>\
         <AssumedRoleUser><Arn>{}</Arn><AssumedRoleId>{}:{}</AssumedRoleId></AssumedRoleUser>\
         <Credentials><AccessKeyId>{}</AccessKeyId><SecretAccessKey>{}</SecretAccessKey>\
         <SessionToken>{}</SessionToken><Expiration>{}</Expiration></Credentials>\
         <Provider>{}</Provider>",
        escape(claims["sub"].as_str().unwrap_or_default()),
        escape(claims["aud"].as_str().unwrap_or_default()),
        escape(&assumed_role_arn(role, session)),
        role_id(role),
        escape(session),
        credential.access_key_id,
        credential.secret_access_key,
        escape(credential.session_token.as_deref().unwrap_or_default()),
        iso(expires),
        escape(
            claims["iss"]
                .as_str()
                .unwrap_or_default()
                .trim_start_matches("https://")
                .trim_start_matches("http://")
        ),
    );
    let mut issued = lock(&app.issued);
    // Credentials expired for an hour are forgotten: a request with them is then unknown.
    issued.retain(|i| i.expires > now - 3_600_000);
    issued.push(Issued {
        credential,
        role: role.to_string(),
        session_name: session.to_string(),
        expires,
    });
    Ok(xml)
}
