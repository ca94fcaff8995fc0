//! One AWS API call from bytes to bytes: authenticate, route by credential scope, run the
//! action, and answer in the service's protocol. Synchronous, so tests need no network.

use crate::app::{lock, App, Store};
use crate::error::AwsError;
use crate::models::{is_valid_region, CallRecord, Millis};
use crate::services::{self, Service};
use crate::sigv4::{self, RequestParts};
use crate::wire::{cbor, json, query};
use serde_json::Value;

/// Largest request body accepted.
pub const MAX_BODY: usize = 1024 * 1024;

/// What to send back, plus what to log.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
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
    if let Some(t) = h("x-amz-target") {
        let prefix = t.split('.').next().unwrap_or_default();
        return Service::from_target_prefix(prefix).unwrap_or(Service::MemoryDb);
    }
    if h("content-type").is_some_and(|c| c.contains("amz-json")) {
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

/// How the request was encoded, and so how to answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    Query,
    Json,
    /// smithy-rpc-v2-cbor.
    Cbor,
}

impl Wire {
    /// The service's own protocol, when the request does not say another.
    pub fn of(service: Service) -> Self {
        if service.is_json() {
            Wire::Json
        } else {
            Wire::Query
        }
    }

    fn of_request(service: Service, req: &RequestParts<'_>) -> Self {
        let cbor = req
            .headers
            .iter()
            .any(|(k, v)| k == cbor::PROTOCOL_HEADER && v == cbor::PROTOCOL);
        if cbor && service.is_json() {
            Wire::Cbor
        } else {
            Wire::of(service)
        }
    }
}

/// An error reply in the service's protocol.
pub fn error_reply(service: Service, err: &AwsError, request_id: &str, context: &str) -> Reply {
    error_reply_in(Wire::of(service), service, err, request_id, context)
}

fn error_reply_in(
    wire: Wire,
    service: Service,
    err: &AwsError,
    request_id: &str,
    context: &str,
) -> Reply {
    let (status, content_type, body, mut headers) = match wire {
        Wire::Json => (
            err.json_status(),
            service.json_content_type(),
            json::error(err).into_bytes(),
            vec![("x-amzn-ErrorType", err.json_type().to_string())],
        ),
        Wire::Cbor => (
            err.json_status(),
            cbor::CONTENT_TYPE,
            cbor::from_json(
                &serde_json::json!({
                    "__type": format!("{}#{}", err.json_namespace(), err.json_type()),
                    "message": err.message(),
                }),
                &[],
            ),
            vec![
                ("x-amzn-ErrorType", err.json_type().to_string()),
                (cbor::PROTOCOL_HEADER, cbor::PROTOCOL.to_string()),
            ],
        ),
        Wire::Query => (
            err.query_status(),
            "text/xml",
            query::error(err, request_id).into_bytes(),
            Vec::new(),
        ),
    };
    if service == Service::CloudWatch && wire != Wire::Query {
        // CloudWatch is query-compatible: its JSON and CBOR errors carry the Query code too.
        headers.push((
            "x-amzn-query-error",
            format!("{};{}", err.query_code(), err.fault_side()),
        ));
    }
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
    if let Some(reply) = unsigned_sts(app, req, now, &request_id) {
        return reply;
    }
    let store = Store::snapshot(app, now);
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
    let wire = Wire::of_request(service, req);
    let mut context = format!("{} {region}", service.signing_name());
    if !is_valid_region(region) {
        let e = AwsError::SignatureDoesNotMatch(format!(
            "Credential should be scoped to a valid region, not '{region}'."
        ));
        return error_reply(service, &e, &request_id, &format!("{context} - refused:"));
    }
    let parsed = parse_call(service, wire, req);
    let (action, input) = match parsed {
        Ok(p) => p,
        Err(e) => return error_reply_in(wire, service, &e, &request_id, &format!("{context} -")),
    };
    context.push(' ');
    context.push_str(&action);
    if !service.is_known_action(&action) {
        let e = if service.is_json() {
            AwsError::InvalidAction(format!("Operation {action} is not supported."))
        } else {
            services::elasticache::invalid_action(&action)
        };
        return error_reply_in(wire, service, &e, &request_id, &context);
    }
    if app.deny.contains(&action) {
        let user = format!(
            "arn:aws:iam::{}:user/emulator-{}",
            crate::models::ACCOUNT_ID,
            scope.access_key_id.to_ascii_lowercase()
        );
        let e = AwsError::AccessDenied(format!(
            "User: {user} is not authorized to perform: {}:{action} because no identity-based policy allows the {}:{action} action",
            service.iam_prefix(),
            service.iam_prefix()
        ));
        return error_reply_in(wire, service, &e, &request_id, &context);
    }
    let mutating = service.is_mutating(&action);
    let role_refuses = lock(&app.issued)
        .iter()
        .find(|i| i.credential.access_key_id == scope.access_key_id)
        .filter(|i| !i.allows(mutating))
        .map(|i| services::sts::assumed_role_arn(&i.role, &i.session_name));
    if let Some(who) = role_refuses {
        let e = AwsError::AccessDenied(format!(
            "User: {who} is not authorized to perform: {}:{action} because no identity-based policy allows the {}:{action} action",
            service.iam_prefix(),
            service.iam_prefix()
        ));
        return error_reply_in(wire, service, &e, &request_id, &context);
    }
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
            let mut headers = Vec::new();
            let (content_type, body) = match (wire, body) {
                (_, Output::Xml(inner)) => (
                    "text/xml",
                    query::success(&action, service.xmlns(), &inner, &request_id).into_bytes(),
                ),
                (Wire::Cbor, Output::Json(v)) => {
                    headers.push((cbor::PROTOCOL_HEADER, cbor::PROTOCOL.to_string()));
                    (
                        cbor::CONTENT_TYPE,
                        cbor::from_json(&v, services::cloudwatch::TIMESTAMPS),
                    )
                }
                (_, Output::Json(v)) => (service.json_content_type(), v.to_string().into_bytes()),
            };
            headers.push(("content-type", content_type.into()));
            headers.push(("x-amzn-RequestId", request_id.clone()));
            Reply {
                status: 200,
                headers,
                body,
                log: format!("{context} 200"),
                delayed,
            }
        }
        Err(e) => error_reply_in(wire, service, &e, &request_id, &context),
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
                .unwrap_or_else(|| code_of(&String::from_utf8_lossy(&reply.body)))
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

/// `AssumeRoleWithWebIdentity`, which is sent unsigned (the token is the proof): answered
/// here when the request carries no `Authorization` and asks for that action.
fn unsigned_sts(app: &App, req: &RequestParts<'_>, now: Millis, request_id: &str) -> Option<Reply> {
    if req.header("authorization").is_some() {
        return None;
    }
    let params = query::Params::parse(req.body).ok()?;
    if params.get("Action") != Some("AssumeRoleWithWebIdentity") {
        return None;
    }
    let action = "AssumeRoleWithWebIdentity";
    let context = format!("sts - {action}");
    let reply = match services::sts::assume_role_with_web_identity(app, &params, now) {
        Ok(inner) => Reply {
            status: 200,
            headers: vec![
                ("content-type", "text/xml".into()),
                ("x-amzn-RequestId", request_id.to_string()),
            ],
            body: query::success(action, services::sts::XMLNS, &inner, request_id).into_bytes(),
            log: format!("{context} 200"),
            delayed: false,
        },
        Err(e) => error_reply_in(Wire::Query, Service::Sts, &e, request_id, &context),
    };
    // Recorded like a mutation (exactly-once proofs of sign-in and refresh); never the token.
    let kept = ["RoleArn", "RoleSessionName", "DurationSeconds"];
    let result = if reply.status == 200 {
        "OK".to_string()
    } else {
        code_of(&String::from_utf8_lossy(&reply.body))
    };
    lock(&app.world).calls.push(CallRecord {
        at: now,
        service: "sts",
        region: "-".into(),
        action: action.into(),
        params: Value::Object(
            params
                .0
                .iter()
                .filter(|(k, _)| kept.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        ),
        result,
        request_id: request_id.to_string(),
    });
    Some(reply)
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

fn parse_call(
    service: Service,
    wire: Wire,
    req: &RequestParts<'_>,
) -> Result<(String, CallInput), AwsError> {
    match wire {
        Wire::Cbor => {
            let (name, op) = cbor::route(req.path).ok_or_else(|| {
                AwsError::InvalidAction(format!(
                    "An rpc-v2-cbor request goes to /service/<service>/operation/<operation>, not {}.",
                    req.path
                ))
            })?;
            if name != service.target_prefix() {
                return Err(AwsError::InvalidAction(format!(
                    "Service {name} is not {} (the credential scope's service).",
                    service.target_prefix()
                )));
            }
            let serde_json::Value::Object(m) = cbor::to_json(req.body)? else {
                return Err(AwsError::Validation(
                    "The request body must be a CBOR map.".into(),
                ));
            };
            Ok((op.to_string(), CallInput::Json(json::Input(m))))
        }
        Wire::Json => {
            let target = req
                .headers
                .iter()
                .find(|(k, _)| k == "x-amz-target")
                .map(|(_, v)| v.as_str())
                .unwrap_or("");
            let action = target
                .strip_prefix(service.target_prefix())
                .and_then(|t| t.strip_prefix('.'))
                .filter(|a| !a.is_empty())
                .ok_or_else(|| {
                    AwsError::InvalidAction(format!("Operation '{target}' is not supported."))
                })?;
            Ok((
                action.to_string(),
                CallInput::Json(json::Input::parse(req.body)?),
            ))
        }
        Wire::Query => {
            let params = query::Params::parse(req.body)?;
            let action = params.required("Action")?.to_string();
            Ok((action, CallInput::Query(params)))
        }
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
        (Service::CloudWatch, CallInput::Json(i)) => {
            services::cloudwatch::handle(&mut world, region, action, i, now).map(Output::Json)
        }
        (Service::Sts, CallInput::Query(_)) => {
            drop(world);
            match action {
                "GetCallerIdentity" => Ok(Output::Xml(services::sts::caller_identity(
                    app,
                    access_key_id,
                ))),
                // Unsigned: answered before the signature check (`unsigned_sts`).
                _ => Err(AwsError::InvalidAction(format!(
                    "{action} must be sent unsigned, as the AWS SDKs send it"
                ))),
            }
        }
        _ => Err(AwsError::InternalFailure),
    }
}

#[cfg(test)]
#[path = "aws_tests.rs"]
mod tests;
