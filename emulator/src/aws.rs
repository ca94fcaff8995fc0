//! One AWS API call from bytes to bytes: authenticate, route by credential scope, run the
//! action, and answer in the service's protocol. Synchronous, so tests need no network.

use crate::app::{lock, App, Store};
use crate::error::AwsError;
use crate::models::{is_valid_region, CallRecord, Millis};
use crate::services::{self, Service};
use crate::sigv4::{self, RequestParts};
use crate::wire::{json, query};
use serde_json::Value;

/// Largest request body accepted.
pub const MAX_BODY: usize = 1024 * 1024;

/// What to send back, plus what to log.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub log: String,
    /// Whether the configured latency fault applies to this reply.
    pub delayed: bool,
}

/// Which protocol to answer in before the credential scope is known.
pub fn guess_service(headers: &[(String, String)]) -> Service {
    let h = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    if h("x-amz-target").is_some() || h("content-type").is_some_and(|c| c.contains("amz-json")) {
        return Service::MemoryDb;
    }
    if let Ok(auth) = sigv4::parse_authorization(h("authorization")) {
        if let Some(s) = Service::from_signing_name(&auth.scope.service) {
            return s;
        }
    }
    match h("host") {
        Some(host) if host.starts_with("rds.") => Service::Neptune,
        Some(host) if host.starts_with("memory-db.") => Service::MemoryDb,
        _ => Service::ElastiCache,
    }
}

/// An error reply in the service's protocol.
pub fn error_reply(service: Service, err: &AwsError, request_id: &str, context: &str) -> Reply {
    let (status, content_type, body, mut headers) = if service.is_json() {
        (
            err.json_status(),
            "application/x-amz-json-1.1",
            json::error(err),
            vec![("x-amzn-ErrorType", err.json_type().to_string())],
        )
    } else {
        (
            err.query_status(),
            "text/xml",
            query::error(err, request_id),
            Vec::new(),
        )
    };
    headers.push(("content-type", content_type.into()));
    headers.push(("x-amzn-RequestId", request_id.into()));
    let code = if service.is_json() {
        err.json_type()
    } else {
        err.query_code()
    };
    Reply {
        status,
        headers,
        body,
        // The message never contains a secret or a signature: see sigv4's error texts.
        log: format!("{context} {status} {code} ({})", err.message()),
        delayed: false,
    }
}

/// Handles `POST /` at instant `now`.
pub fn handle(app: &App, req: &RequestParts<'_>, now: Millis) -> Reply {
    let request_id = app.request_id();
    let guessed = guess_service(req.headers);
    let store = Store {
        credentials: &app.credentials,
        expired: lock(&app.expired).clone(),
    };
    let scope = match sigv4::verify(req, &store, now) {
        Ok(s) => s,
        Err(e) => {
            // Name the region and key when the header says them: they are not secrets.
            let who = req
                .headers
                .iter()
                .find(|(k, _)| k == "authorization")
                .and_then(|(_, v)| sigv4::parse_authorization(Some(v)).ok())
                .map_or_else(
                    || "- -".to_string(),
                    |a| format!("{} - key {}", a.scope.region, a.scope.access_key_id),
                );
            let context = format!("{} {who} refused:", guessed.signing_name());
            return error_reply(guessed, &e, &request_id, &context);
        }
    };
    let Some(service) = Service::from_signing_name(&scope.service) else {
        let e = AwsError::SignatureDoesNotMatch(format!(
            "Credential should be scoped to correct service: '{}' is not served here (elasticache, rds, memorydb, sts).",
            scope.service
        ));
        return error_reply(
            guessed,
            &e,
            &request_id,
            &format!("{} {} - refused:", scope.service, scope.region),
        );
    };
    let region = scope.region.as_str();
    let mut context = format!("{} {region}", service.signing_name());
    if !is_valid_region(region) {
        let e = AwsError::SignatureDoesNotMatch(format!(
            "Credential should be scoped to a valid region, not '{region}'."
        ));
        return error_reply(service, &e, &request_id, &format!("{context} - refused:"));
    }
    let parsed = parse_call(service, req);
    let (action, input) = match parsed {
        Ok(p) => p,
        Err(e) => return error_reply(service, &e, &request_id, &format!("{context} -")),
    };
    context.push(' ');
    context.push_str(&action);
    if !service.is_known_action(&action) {
        let e = if service.is_json() {
            AwsError::InvalidAction(format!("Operation {action} is not supported."))
        } else {
            services::elasticache::invalid_action(&action)
        };
        return error_reply(service, &e, &request_id, &context);
    }
    if app.deny.contains(&action) {
        let user = format!(
            "arn:aws:iam::{}:user/emulator-{}",
            crate::models::ACCOUNT_ID,
            scope.access_key_id.to_ascii_lowercase()
        );
        let e = AwsError::AccessDenied(format!(
            "User: {user} is not authorized to perform: {}:{action} because no identity-based policy allows the {}:{action} action",
            service.signing_name(),
            service.signing_name()
        ));
        return error_reply(service, &e, &request_id, &context);
    }
    let mutating = service.is_mutating(&action);
    let fault = app.faults.roll(&mut lock(&app.rng), mutating);
    let delayed = app.faults.applies_to(mutating) && !app.faults.latency.is_zero();
    let result = match fault {
        Some(e) => Err(e),
        None => run(
            app,
            service,
            region,
            &action,
            &input,
            now,
            &scope.access_key_id,
        ),
    };
    let mut reply = match result {
        Ok(body) => {
            let content_type = if service.is_json() {
                "application/x-amz-json-1.1"
            } else {
                "text/xml"
            };
            let body = match body {
                Output::Xml(inner) => query::success(&action, service.xmlns(), &inner, &request_id),
                Output::Json(v) => v.to_string(),
            };
            Reply {
                status: 200,
                headers: vec![
                    ("content-type", content_type.into()),
                    ("x-amzn-RequestId", request_id.clone()),
                ],
                body,
                log: format!("{context} 200"),
                delayed,
            }
        }
        Err(e) => error_reply(service, &e, &request_id, &context),
    };
    reply.delayed = delayed;
    if mutating {
        let result = if reply.status == 200 {
            "OK".to_string()
        } else {
            reply
                .headers
                .iter()
                .find(|(k, _)| *k == "x-amzn-ErrorType")
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| code_of(&reply.body))
        };
        let params = match &input {
            CallInput::Query(p) => Value::Object(
                p.0.iter()
                    .filter(|(k, _)| *k != "Action" && *k != "Version")
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            ),
            CallInput::Json(i) => Value::Object(i.0.clone()),
        };
        lock(&app.world).calls.push(CallRecord {
            at: now,
            service: service.signing_name(),
            region: region.into(),
            action: action.clone(),
            params,
            result,
            request_id,
        });
    }
    reply
}

/// The `<Code>` of a Query error body, for the call log.
fn code_of(body: &str) -> String {
    body.split("<Code>")
        .nth(1)
        .and_then(|r| r.split("</Code>").next())
        .unwrap_or("Error")
        .to_string()
}

enum CallInput {
    Query(query::Params),
    Json(json::Input),
}

enum Output {
    Xml(String),
    Json(Value),
}

fn parse_call(service: Service, req: &RequestParts<'_>) -> Result<(String, CallInput), AwsError> {
    if service.is_json() {
        let target = req
            .headers
            .iter()
            .find(|(k, _)| k == "x-amz-target")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let action = target
            .strip_prefix("AmazonMemoryDB.")
            .filter(|a| !a.is_empty())
            .ok_or_else(|| {
                AwsError::InvalidAction(format!("Operation '{target}' is not supported."))
            })?;
        Ok((
            action.to_string(),
            CallInput::Json(json::Input::parse(req.body)?),
        ))
    } else {
        let params = query::Params::parse(req.body)?;
        let action = params.required("Action")?.to_string();
        Ok((action, CallInput::Query(params)))
    }
}

fn run(
    app: &App,
    service: Service,
    region: &str,
    action: &str,
    input: &CallInput,
    now: Millis,
    access_key_id: &str,
) -> Result<Output, AwsError> {
    let mut world = lock(&app.world);
    world.advance(now);
    match (service, input) {
        (Service::ElastiCache, CallInput::Query(p)) => {
            services::elasticache::handle(&mut world.elasticache, region, action, p, now)
                .map(Output::Xml)
        }
        (Service::Neptune, CallInput::Query(p)) => {
            services::neptune::handle(&mut world.neptune, region, action, p, now).map(Output::Xml)
        }
        (Service::MemoryDb, CallInput::Json(i)) => {
            services::memorydb::handle(&mut world.memorydb, region, action, i, now)
                .map(Output::Json)
        }
        (Service::Sts, CallInput::Query(_)) => {
            services::sts::handle(access_key_id, action).map(Output::Xml)
        }
        _ => Err(AwsError::InternalFailure),
    }
}

#[cfg(test)]
#[path = "aws_tests.rs"]
mod tests;
