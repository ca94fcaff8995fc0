//! AWS credentials as pasted by a person: parsing the common CLI outputs, never printing secrets.

use crate::model::Timestamp;
use std::fmt;

/// An access key pair, with the session token of temporary credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub expiration: Option<Timestamp>,
}

// The access key id identifies, it does not authorise: showing it helps support.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// Why pasted text gave no credentials. Never contains the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsError(String);

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CredentialsError {}

impl Credentials {
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expiration: None,
        }
    }

    /// Temporary credentials (with a session token), as opposed to long-term keys.
    pub fn is_temporary(&self) -> bool {
        self.session_token.is_some()
    }

    /// True once `now` is past the expiration (never for credentials without one).
    pub fn is_expired_at(&self, now: Timestamp) -> bool {
        self.expiration.is_some_and(|e| now >= e)
    }

    /// Reads what a person pastes:
    /// - the JSON of `aws sts assume-role` / `get-session-token` (`{"Credentials":{...}}`),
    /// - the JSON of `aws configure export-credentials` (`{"Version":1,"AccessKeyId":...}`),
    /// - its env form (`export AWS_ACCESS_KEY_ID=...`, also `set` and `$Env:` forms),
    /// - plain `KEY=VALUE` lines, including `~/.aws/credentials` (`aws_access_key_id = ...`).
    pub fn parse(text: &str) -> Result<Credentials, CredentialsError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(CredentialsError("nothing was pasted".into()));
        }
        if trimmed.starts_with('{') {
            return parse_json(trimmed);
        }
        parse_lines(trimmed)
    }
}

/// The members both JSON forms share: `aws sts assume-role` nests them under `Credentials`,
/// `aws configure export-credentials` has them at the top.
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct JsonCredentials {
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    expiration: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Pasted {
    credentials: Option<JsonCredentials>,
    #[serde(flatten)]
    top: JsonCredentials,
}

fn parse_json(text: &str) -> Result<Credentials, CredentialsError> {
    let pasted: Pasted = serde_json::from_str(text)
        .map_err(|e| CredentialsError(format!("the pasted JSON is not valid: {e}")))?;
    let fields = pasted.credentials.unwrap_or(pasted.top);
    let present = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let access_key_id = present(fields.access_key_id)
        .ok_or_else(|| CredentialsError("the JSON has no AccessKeyId".into()))?;
    let secret_access_key = present(fields.secret_access_key)
        .ok_or_else(|| CredentialsError("the JSON has no SecretAccessKey".into()))?;
    let expiration = match present(fields.expiration) {
        Some(raw) => Some(parse_expiration(&raw)?),
        None => None,
    };
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token: present(fields.session_token),
        expiration,
    })
}

fn parse_lines(text: &str) -> Result<Credentials, CredentialsError> {
    let (mut key, mut secret, mut token, mut expiration) = (None, None, None, None);
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('[') {
            continue;
        }
        let line = strip_prefix_ci(line, "export ")
            .or_else(|| strip_prefix_ci(line, "set "))
            .or_else(|| strip_prefix_ci(line, "$env:"))
            .unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let value = unquote(value.trim().trim_end_matches(';').trim());
        match name.trim().to_ascii_lowercase().as_str() {
            "aws_access_key_id" => key = Some(value),
            "aws_secret_access_key" => secret = Some(value),
            "aws_session_token" | "aws_security_token" => token = Some(value),
            "aws_credential_expiration" | "aws_session_expiration" => {
                expiration = Some(parse_expiration(&value)?)
            }
            _ => {}
        }
    }
    let access_key_id = key
        .filter(|s| !s.is_empty())
        .ok_or_else(|| CredentialsError("no AWS_ACCESS_KEY_ID found in the pasted text".into()))?;
    let secret_access_key = secret.filter(|s| !s.is_empty()).ok_or_else(|| {
        CredentialsError("no AWS_SECRET_ACCESS_KEY found in the pasted text".into())
    })?;
    Ok(Credentials {
        access_key_id,
        secret_access_key,
        session_token: token.filter(|s| !s.is_empty()),
        expiration,
    })
}

fn strip_prefix_ci<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let head = line.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| line[prefix.len()..].trim_start())
}

fn unquote(value: &str) -> String {
    let v = value.trim();
    let quoted = v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')));
    if quoted {
        v[1..v.len() - 1].to_string()
    } else {
        v.to_string()
    }
}

fn parse_expiration(raw: &str) -> Result<Timestamp, CredentialsError> {
    Timestamp::parse_iso8601(raw)
        .map_err(|_| CredentialsError(format!("the expiration \"{raw}\" is not an ISO 8601 time")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_assume_role_json() {
        let text = r#"{"Credentials":{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"s3cr3t",
            "SessionToken":"tok","Expiration":"2024-05-01T12:00:00+00:00"},
            "AssumedRoleUser":{"Arn":"arn:aws:sts::1:assumed-role/x/y"}}"#;
        let c = Credentials::parse(text).unwrap();
        assert_eq!(c.access_key_id, "ASIAEXAMPLE");
        assert_eq!(c.secret_access_key, "s3cr3t");
        assert_eq!(c.session_token.as_deref(), Some("tok"));
        assert_eq!(
            c.expiration,
            Some(Timestamp::parse_iso8601("2024-05-01T12:00:00Z").unwrap())
        );
    }

    #[test]
    fn reads_export_credentials_json_and_env_forms() {
        let json = r#"{"Version":1,"AccessKeyId":"AKIAX","SecretAccessKey":"sec"}"#;
        let c = Credentials::parse(json).unwrap();
        assert_eq!((c.access_key_id.as_str(), c.session_token), ("AKIAX", None));

        let env = "export AWS_ACCESS_KEY_ID=ASIAY\nexport AWS_SECRET_ACCESS_KEY=\"sec/ret+\"\n\
                   export AWS_SESSION_TOKEN=tok==\nexport AWS_CREDENTIAL_EXPIRATION=2024-05-01T12:00:00Z\n";
        let c = Credentials::parse(env).unwrap();
        assert_eq!(c.secret_access_key, "sec/ret+");
        assert_eq!(c.session_token.as_deref(), Some("tok=="));
        assert!(c.expiration.is_some());

        let ini = "[default]\naws_access_key_id = AKIAZ\naws_secret_access_key = abc\n";
        assert_eq!(Credentials::parse(ini).unwrap().access_key_id, "AKIAZ");
        let ps = "$Env:AWS_ACCESS_KEY_ID=\"AKIAP\"\n$Env:AWS_SECRET_ACCESS_KEY=\"x\"";
        assert_eq!(Credentials::parse(ps).unwrap().access_key_id, "AKIAP");
    }

    #[test]
    fn says_what_is_missing_without_echoing_secrets() {
        let err = Credentials::parse("AWS_SECRET_ACCESS_KEY=topsecret").unwrap_err();
        assert!(err.to_string().contains("AWS_ACCESS_KEY_ID"));
        assert!(!err.to_string().contains("topsecret"));
        assert!(Credentials::parse("").is_err());
        assert!(Credentials::parse("{not json").is_err());
    }

    #[test]
    fn debug_hides_secret_and_token() {
        let c = Credentials::new("AKIAX", "topsecret", Some("sessiontok".into()));
        let shown = format!("{c:?}");
        assert!(shown.contains("AKIAX"));
        assert!(!shown.contains("topsecret") && !shown.contains("sessiontok"));
    }
}
