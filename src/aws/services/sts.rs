//! STS (Query, API 2011-06-15): `GetCallerIdentity`, asked once at connect so that a run's
//! record names who acted by the ARN AWS knows them by, and `AssumeRoleWithWebIdentity`, which
//! turns an OpenID Connect ID token into a role's short-lived credentials (sign-in). STS
//! answers browser preflights.

use super::{iso_time, Api};
use crate::aws::client::{CallBody, Client};
use crate::aws::credentials::Credentials;
use crate::aws::endpoint::STS_API_VERSION;
use crate::aws::error::AwsError;
use crate::aws::protocol::query::QueryRequest;
use crate::aws::protocol::xml::decode;
use crate::aws::protocol::DecodeError;
use crate::model::Service;

/// Who signed the call, as STS answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallerIdentity {
    /// `arn:aws:sts::123456789012:assumed-role/oncall/alice`.
    pub arn: String,
    pub account: String,
    pub user_id: String,
}

/// A role's credentials, as `AssumeRoleWithWebIdentity` answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumedRole {
    /// With the session token and expiration.
    pub credentials: Credentials,
    /// `arn:aws:sts::123456789012:assumed-role/failover-console-operator/oncall`.
    pub arn: String,
}

/// STS in one region (its regional endpoint).
#[derive(Clone, Debug)]
pub struct Sts<'a> {
    api: Api<'a>,
}

impl<'a> Sts<'a> {
    pub(crate) fn new(client: &'a Client, region: &str) -> Self {
        Sts {
            api: Api::new(client, Service::Sts, region),
        }
    }

    /// A read: retried like the others.
    pub async fn get_caller_identity(&self) -> Result<CallerIdentity, AwsError> {
        let q = QueryRequest::new("GetCallerIdentity", STS_API_VERSION);
        self.api
            .read("GetCallerIdentity", CallBody::Query(q), |body, _| {
                parse_get_caller_identity(body)
            })
            .await
    }
}

impl Sts<'_> {
    /// Sent unsigned (the token is the proof), retried like a read: assuming a role twice
    /// only issues two sets of credentials.
    pub async fn assume_role_with_web_identity(
        &self,
        role_arn: &str,
        session_name: &str,
        web_identity_token: &str,
        duration_s: u32,
    ) -> Result<AssumedRole, AwsError> {
        let q = requests::assume_role_with_web_identity(
            role_arn,
            session_name,
            web_identity_token,
            duration_s,
        );
        self.api
            .read_unsigned(
                "AssumeRoleWithWebIdentity",
                CallBody::Query(q),
                |body, _| parse_assume_role_with_web_identity(body),
            )
            .await
    }
}

/// Request builders, checked against botocore's serialisation (tests/vectors/serialization/sts).
pub mod requests {
    use super::*;

    /// Members in the model's order, as botocore writes them.
    pub fn assume_role_with_web_identity(
        role_arn: &str,
        session_name: &str,
        web_identity_token: &str,
        duration_s: u32,
    ) -> QueryRequest {
        QueryRequest::new("AssumeRoleWithWebIdentity", STS_API_VERSION)
            .param("RoleArn", role_arn)
            .param("RoleSessionName", session_name)
            .param("WebIdentityToken", web_identity_token)
            .int("DurationSeconds", i64::from(duration_s))
    }
}

pub fn parse_assume_role_with_web_identity(body: &[u8]) -> Result<AssumedRole, DecodeError> {
    decode(body, |root| {
        let r = root.required("AssumeRoleWithWebIdentityResult")?;
        let c = r.required("Credentials")?;
        let mut credentials = Credentials::new(
            c.string("AccessKeyId")?,
            c.string("SecretAccessKey")?,
            Some(c.string("SessionToken")?),
        );
        credentials.expiration = Some(iso_time(&c.string("Expiration")?, "Expiration")?);
        Ok(AssumedRole {
            credentials,
            arn: r.required("AssumedRoleUser")?.string("Arn")?,
        })
    })
}

pub fn parse_get_caller_identity(body: &[u8]) -> Result<CallerIdentity, DecodeError> {
    decode(body, |root| {
        let r = root.required("GetCallerIdentityResult")?;
        Ok(CallerIdentity {
            arn: r.string("Arn")?,
            account: r.string("Account")?,
            user_id: r.string_or_empty("UserId"),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Timestamp;

    #[test]
    fn assumed_role_credentials_are_read_with_their_expiry() {
        let body = br#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>demo-oncall</SubjectFromWebIdentityToken>
    <Audience>failover-console</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/failover-console-operator/oncall</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:oncall</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>IQoJb3JpZ2luX2VjEOz</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2026-12-04T15:00:00Z</Expiration>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <Provider>idp.example.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>"#;
        let role = parse_assume_role_with_web_identity(body).unwrap();
        assert_eq!(role.credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
        assert_eq!(
            role.credentials.session_token.as_deref(),
            Some("IQoJb3JpZ2luX2VjEOz")
        );
        assert_eq!(
            role.credentials.expiration,
            Some(Timestamp::parse_iso8601("2026-12-04T15:00:00Z").unwrap())
        );
        assert!(role
            .arn
            .ends_with("assumed-role/failover-console-operator/oncall"));
        assert!(
            parse_assume_role_with_web_identity(b"<AssumeRoleWithWebIdentityResponse/>").is_err()
        );
    }
}
