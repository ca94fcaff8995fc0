//! STS (Query, API 2011-06-15): `GetCallerIdentity` only, asked once at connect so that a
//! run's record names who acted by the ARN AWS knows them by. STS answers browser preflights.

use super::Api;
use crate::aws::client::{CallBody, Client};
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
