//! CloudWatch's GetMetricData and ListMetrics over the lag series of `models::metrics`, in
//! JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<Op>`) or CBOR (same members).

use crate::error::AwsError;
use crate::models::metrics::{self, Series};
use crate::models::{decode_marker, encode_marker, Millis, World};
use crate::wire::json::Input;
use serde_json::{json, Map, Value};

pub const ACTIONS: &[&str] = &["GetMetricData", "ListMetrics"];
/// The JSON target prefix and the rpc-v2 service name.
pub const TARGET_PREFIX: &str = "GraniteServiceVersion20100801";
/// Members that are timestamps in answers (tag 1 in CBOR).
pub const TIMESTAMPS: &[&str] = &["Timestamps"];

const MAX_QUERIES: usize = 500;
const DEFAULT_MAX_DATAPOINTS: usize = 100_800;
const LIST_PAGE: usize = 500;

pub fn handle(
    world: &mut World,
    region: &str,
    action: &str,
    i: &Input,
    now: Millis,
) -> Result<Value, AwsError> {
    let all = metrics::series(world, now);
    let here: Vec<&Series> = all.iter().filter(|s| s.region == region).collect();
    match action {
        "GetMetricData" => get_metric_data(world, &here, i, now),
        "ListMetrics" => list_metrics(&here, i),
        other => Err(AwsError::InvalidAction(format!(
            "Operation {other} is not supported."
        ))),
    }
}

fn invalid(m: impl Into<String>) -> AwsError {
    AwsError::InvalidParameterValue(m.into())
}

fn object<'a>(v: &'a Value, what: &str) -> Result<&'a Map<String, Value>, AwsError> {
    v.as_object()
        .ok_or_else(|| invalid(format!("{what} must be a structure.")))
}

fn text<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    m.get(key).and_then(Value::as_str)
}

/// `[{Name, Value}]` as pairs; a missing list is empty.
fn dimensions(m: &Map<String, Value>) -> Result<Vec<(String, Option<String>)>, AwsError> {
    let Some(list) = m.get("Dimensions") else {
        return Ok(Vec::new());
    };
    let list = list
        .as_array()
        .ok_or_else(|| invalid("Dimensions must be a list."))?;
    list.iter()
        .map(|d| {
            let d = object(d, "A dimension")?;
            let name = text(d, "Name").ok_or_else(|| {
                AwsError::MissingParameter(
                    "The parameter Dimensions.member.Name is required.".into(),
                )
            })?;
            Ok((name.to_string(), text(d, "Value").map(str::to_string)))
        })
        .collect()
}

struct Query<'a> {
    id: &'a str,
    label: Option<&'a str>,
    namespace: &'a str,
    metric: &'a str,
    dims: Vec<(String, Option<String>)>,
    period: i64,
    stat: &'a str,
    unit: Option<&'a str>,
    return_data: bool,
}

fn valid_id(id: &str) -> bool {
    let mut b = id.bytes();
    b.next().is_some_and(|c| c.is_ascii_lowercase())
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

fn valid_stat(s: &str) -> bool {
    matches!(s, "Average" | "Maximum" | "Minimum" | "Sum" | "SampleCount")
        || s.strip_prefix('p')
            .and_then(|n| n.parse::<f64>().ok())
            .is_some_and(|n| (0.0..=100.0).contains(&n))
}

fn parse_query(v: &Value) -> Result<Query<'_>, AwsError> {
    let q = object(v, "MetricDataQueries.member")?;
    let id = text(q, "Id").ok_or_else(|| {
        AwsError::MissingParameter("The parameter MetricDataQueries.member.Id is required.".into())
    })?;
    if !valid_id(id) {
        return Err(invalid(format!(
            "The value {id} for parameter MetricDataQueries.member.Id is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$."
        )));
    }
    if q.contains_key("Expression") {
        return Err(invalid(format!(
            "Query {id}: metric math expressions are not emulated; use MetricStat."
        )));
    }
    let stat = q.get("MetricStat").ok_or_else(|| {
        invalid(format!(
            "Query {id} must contain exactly one of Expression and MetricStat."
        ))
    })?;
    let stat = object(stat, "MetricStat")?;
    let metric = object(
        stat.get("Metric").ok_or_else(|| {
            AwsError::MissingParameter(format!("Query {id}: MetricStat.Metric is required."))
        })?,
        "Metric",
    )?;
    let period = stat.get("Period").and_then(Value::as_i64).ok_or_else(|| {
        AwsError::MissingParameter(format!("Query {id}: MetricStat.Period is required."))
    })?;
    if period < 1
        || (period >= 60 && period % 60 != 0)
        || (period < 60 && ![1, 5, 10, 20, 30].contains(&period))
    {
        return Err(invalid(format!(
            "Query {id}: the Period must be 1, 5, 10, 20, 30 or a multiple of 60."
        )));
    }
    let s = text(stat, "Stat").ok_or_else(|| {
        AwsError::MissingParameter(format!("Query {id}: MetricStat.Stat is required."))
    })?;
    if !valid_stat(s) {
        return Err(invalid(format!(
            "Query {id}: the statistic {s} is not valid."
        )));
    }
    Ok(Query {
        id,
        label: text(q, "Label"),
        namespace: text(metric, "Namespace").unwrap_or(""),
        metric: text(metric, "MetricName").unwrap_or(""),
        dims: dimensions(metric)?,
        period,
        stat: s,
        unit: text(stat, "Unit"),
        return_data: q.get("ReturnData").and_then(Value::as_bool).unwrap_or(true),
    })
}

/// The series a query names: same namespace, metric and exactly the same dimensions.
fn matches(s: &Series, q: &Query<'_>) -> bool {
    s.namespace == q.namespace
        && s.metric == q.metric
        && q.unit.is_none_or(|u| u == s.unit)
        && s.dimensions.len() == q.dims.len()
        && q.dims.iter().all(|(n, v)| {
            s.dimensions
                .iter()
                .any(|(sn, sv)| sn == n && v.as_deref() == Some(sv.as_str()))
        })
}

fn get_metric_data(
    world: &World,
    here: &[&Series],
    i: &Input,
    now: Millis,
) -> Result<Value, AwsError> {
    let queries =
        i.0.get("MetricDataQueries")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                AwsError::MissingParameter("The parameter MetricDataQueries is required.".into())
            })?;
    if queries.is_empty() || queries.len() > MAX_QUERIES {
        return Err(invalid(format!(
            "The collection MetricDataQueries must contain between 1 and {MAX_QUERIES} items."
        )));
    }
    let queries: Vec<Query<'_>> = queries.iter().map(parse_query).collect::<Result<_, _>>()?;
    for (n, q) in queries.iter().enumerate() {
        if queries[..n].iter().any(|o| o.id == q.id) {
            return Err(invalid(format!(
                "The value {} for parameter MetricDataQueries.member.Id is duplicated.",
                q.id
            )));
        }
    }
    let start = i
        .time("StartTime")?
        .ok_or_else(|| AwsError::MissingParameter("The parameter StartTime is required.".into()))?;
    let end = i
        .time("EndTime")?
        .ok_or_else(|| AwsError::MissingParameter("The parameter EndTime is required.".into()))?;
    if start >= end {
        return Err(invalid(
            "The parameter StartTime must be less than the parameter EndTime.",
        ));
    }
    let ascending = match i.string("ScanBy")? {
        None | Some("TimestampDescending") => false,
        Some("TimestampAscending") => true,
        Some(other) => {
            return Err(invalid(format!(
                "The value {other} for parameter ScanBy is not valid."
            )))
        }
    };
    let max = i
        .int("MaxDatapoints")?
        .map_or(DEFAULT_MAX_DATAPOINTS, |m| m.max(1) as usize);
    let offset = match i.string("NextToken")? {
        None => 0,
        Some(t) => decode_marker(t).ok_or_else(|| invalid("The NextToken is not valid."))?,
    };

    // Every datapoint of every returned query, in answer order.
    let mut results: Vec<(&Query<'_>, Vec<(Millis, f64)>)> = Vec::new();
    for q in queries.iter().filter(|q| q.return_data) {
        let series: Vec<&&Series> = here.iter().filter(|s| matches(s, q)).collect();
        let step = q.period * 1000;
        let mut points = Vec::new();
        let mut t = start.div_euclid(step) * step;
        if t < start {
            t += step;
        }
        // Nothing is published ahead of time; the current period's datapoint is the value so
        // far (sampled now), earlier ones their value at the period's end.
        while t < end && t <= now {
            let at = (t + step - 1).min(now);
            let values: Vec<f64> = series
                .iter()
                .filter_map(|s| s.value_at(&world.lag, &world.down_since, at))
                .collect();
            if !values.is_empty() {
                let v = match q.stat {
                    "SampleCount" => values.len() as f64,
                    "Sum" => values.iter().sum(),
                    "Minimum" => values.iter().copied().fold(f64::INFINITY, f64::min),
                    "Average" => values.iter().sum::<f64>() / values.len() as f64,
                    _ => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                };
                points.push((t, v));
            }
            t += step;
        }
        if !ascending {
            points.reverse();
        }
        results.push((q, points));
    }

    let total: usize = results.iter().map(|(_, p)| p.len()).sum();
    let mut skipped = 0usize;
    let mut taken = 0usize;
    let mut out = Vec::new();
    for (q, points) in &results {
        let from = offset.saturating_sub(skipped).min(points.len());
        let room = max - taken;
        let to = (from + room).min(points.len());
        skipped += points.len();
        taken += to - from;
        let page = &points[from..to];
        out.push(json!({
            "Id": q.id,
            "Label": q.label.unwrap_or(q.metric),
            "Timestamps": page.iter().map(|(t, _)| *t / 1000).collect::<Vec<_>>(),
            "Values": page.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
            "StatusCode": if to < points.len() { "PartialData" } else { "Complete" },
        }));
    }
    let mut answer = json!({ "MetricDataResults": out, "Messages": [] });
    if offset + taken < total {
        answer["NextToken"] = json!(encode_marker(offset + taken));
    }
    Ok(answer)
}

fn list_metrics(here: &[&Series], i: &Input) -> Result<Value, AwsError> {
    let namespace = i.string("Namespace")?;
    let metric = i.string("MetricName")?;
    let filters = dimensions(&i.0)?;
    let offset = match i.string("NextToken")? {
        None => 0,
        Some(t) => decode_marker(t).ok_or_else(|| invalid("The NextToken is not valid."))?,
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut found = Vec::new();
    for s in here {
        let wanted = namespace.is_none_or(|n| n == s.namespace)
            && metric.is_none_or(|m| m == s.metric)
            && filters.iter().all(|(n, v)| {
                s.dimensions
                    .iter()
                    .any(|(sn, sv)| sn == n && v.as_ref().is_none_or(|v| v == sv))
            });
        if wanted && seen.insert((s.namespace, s.metric, s.dimensions.clone())) {
            found.push(json!({
                "Namespace": s.namespace,
                "MetricName": s.metric,
                "Dimensions": s.dimensions.iter().map(|(n, v)| json!({"Name": n, "Value": v})).collect::<Vec<_>>(),
            }));
        }
    }
    let (items, next) = crate::models::page(found, Some(offset), LIST_PAGE);
    let mut out = json!({ "Metrics": items });
    if let Some(n) = next {
        out["NextToken"] = json!(n);
    }
    Ok(out)
}
