//! CloudWatch (JSON 1.0, API 2010-08-01): `GetMetricData` for the replication lag on screen,
//! one batched call per Region, and `ListMetrics` to discover a metric's dimensions.

use super::{token, Api, Page};
use crate::aws::client::{CallBody, Client};
use crate::aws::error::AwsError;
use crate::aws::protocol::json::{decode, to_body};
use crate::aws::protocol::DecodeError;
use crate::model::{Service, Timestamp};
use std::future::Future;

/// One metric asked for: `Id` is how its answer is found again (lower-case first letter,
/// then letters, digits and `_`, as CloudWatch requires).
#[derive(Clone, Debug, PartialEq)]
pub struct MetricQuery {
    pub id: String,
    pub namespace: String,
    pub metric: String,
    pub dimensions: Vec<(String, String)>,
    /// Seconds: 60 or a multiple of it.
    pub period: i64,
    /// `Maximum`, `Average`, ...
    pub stat: String,
}

/// The answer for one query: datapoints oldest first, CloudWatch's `StatusCode` (`Complete`,
/// `PartialData`, `InternalError`, `Forbidden`) and its messages.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct MetricSeries {
    pub id: String,
    pub label: String,
    pub points: Vec<(Timestamp, f64)>,
    pub status: String,
    pub messages: Vec<String>,
}

impl MetricSeries {
    /// Whether CloudWatch said it returned every datapoint asked for.
    pub fn complete(&self) -> bool {
        self.status == "Complete"
    }
}

/// A metric ListMetrics knows of: its namespace, name and dimensions.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricDescriptor {
    pub namespace: String,
    pub metric: String,
    pub dimensions: Vec<(String, String)>,
}

/// CloudWatch in one region.
#[derive(Clone, Debug)]
pub struct CloudWatch<'a> {
    api: Api<'a>,
}

impl<'a> CloudWatch<'a> {
    pub(crate) fn new(client: &'a Client, region: &str) -> Self {
        CloudWatch {
            api: Api::new(client, Service::CloudWatch, region),
        }
    }

    pub fn region(&self) -> &str {
        self.api.region()
    }

    /// Every query's datapoints between `start` and `end` (epoch ms), all pages merged: a
    /// query whose datapoints span pages comes back as one series.
    pub fn get_metric_data<'s>(
        &'s self,
        queries: &'s [MetricQuery],
        start: i64,
        end: i64,
    ) -> impl Future<Output = Result<Vec<MetricSeries>, AwsError>> + use<'a, 's> {
        let pages = self.api.all_pages(
            "GetMetricData",
            Box::new(move |token| {
                CallBody::Json(to_body(&requests::get_metric_data(
                    queries, start, end, token,
                )))
            }),
            parse_get_metric_data,
        );
        async move { Ok(merge(pages.await?)) }
    }

    /// Every metric of `namespace` named `metric` in this Region, all pages.
    pub fn list_metrics<'s>(
        &'s self,
        namespace: &'s str,
        metric: &'s str,
    ) -> impl Future<Output = Result<Vec<MetricDescriptor>, AwsError>> + use<'a, 's> {
        self.api.all_pages(
            "ListMetrics",
            Box::new(move |token| {
                CallBody::Json(to_body(&requests::list_metrics(namespace, metric, token)))
            }),
            parse_list_metrics,
        )
    }
}

/// Pages of answers, one series per query id, datapoints oldest first.
fn merge(parts: Vec<MetricSeries>) -> Vec<MetricSeries> {
    let mut out: Vec<MetricSeries> = Vec::new();
    for part in parts {
        match out.iter_mut().find(|s| s.id == part.id) {
            Some(s) => {
                s.points.extend(part.points);
                // The last page says whether the series is complete.
                s.status = part.status;
                s.messages.extend(part.messages);
            }
            None => out.push(part),
        }
    }
    for s in &mut out {
        s.points.sort_by_key(|(t, _)| *t);
        s.points.dedup_by_key(|(t, _)| *t);
    }
    out
}

/// The JSON bodies, exactly as sent (compared with botocore's in the tests): members in the
/// order of the API's shapes, optional members left out when absent.
pub mod requests {
    use super::MetricQuery;
    use crate::aws::protocol::json::serialize_epoch_seconds;
    use serde::Serialize;

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct GetMetricData<'a> {
        pub metric_data_queries: Vec<Query<'a>>,
        #[serde(serialize_with = "serialize_epoch_seconds")]
        pub start_time: i64,
        #[serde(serialize_with = "serialize_epoch_seconds")]
        pub end_time: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub next_token: Option<&'a str>,
        pub scan_by: &'a str,
    }

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct Query<'a> {
        pub id: &'a str,
        pub metric_stat: MetricStat<'a>,
        pub return_data: bool,
    }

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct MetricStat<'a> {
        pub metric: Metric<'a>,
        pub period: i64,
        pub stat: &'a str,
    }

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct Metric<'a> {
        pub namespace: &'a str,
        pub metric_name: &'a str,
        pub dimensions: Vec<Dimension<'a>>,
    }

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct Dimension<'a> {
        pub name: &'a str,
        pub value: &'a str,
    }

    #[derive(Serialize, Debug, PartialEq)]
    #[serde(rename_all = "PascalCase")]
    pub struct ListMetrics<'a> {
        pub namespace: &'a str,
        pub metric_name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub next_token: Option<&'a str>,
    }

    /// Oldest first (`TimestampAscending`), so a series reads in the order it is drawn.
    pub fn get_metric_data<'a>(
        queries: &'a [MetricQuery],
        start: i64,
        end: i64,
        next_token: Option<&'a str>,
    ) -> GetMetricData<'a> {
        GetMetricData {
            metric_data_queries: queries
                .iter()
                .map(|q| Query {
                    id: &q.id,
                    metric_stat: MetricStat {
                        metric: Metric {
                            namespace: &q.namespace,
                            metric_name: &q.metric,
                            dimensions: q
                                .dimensions
                                .iter()
                                .map(|(name, value)| Dimension { name, value })
                                .collect(),
                        },
                        period: q.period,
                        stat: &q.stat,
                    },
                    return_data: true,
                })
                .collect(),
            start_time: start,
            end_time: end,
            next_token,
            scan_by: "TimestampAscending",
        }
    }

    pub fn list_metrics<'a>(
        namespace: &'a str,
        metric_name: &'a str,
        next_token: Option<&'a str>,
    ) -> ListMetrics<'a> {
        ListMetrics {
            namespace,
            metric_name,
            next_token,
        }
    }
}

/// The answers as CloudWatch writes them.
mod wire {
    use crate::aws::protocol::json::deserialize_epoch_seconds;
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct MetricDataPage {
        #[serde(default)]
        pub metric_data_results: Vec<Result>,
        pub next_token: Option<String>,
        #[serde(default)]
        pub messages: Vec<Message>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Result {
        pub id: String,
        pub label: Option<String>,
        #[serde(default)]
        pub timestamps: Vec<Epoch>,
        #[serde(default)]
        pub values: Vec<f64>,
        pub status_code: Option<String>,
        #[serde(default)]
        pub messages: Vec<Message>,
    }

    #[derive(Deserialize)]
    #[serde(transparent)]
    pub struct Epoch(#[serde(deserialize_with = "deserialize_epoch_seconds")] pub i64);

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Message {
        pub code: Option<String>,
        pub value: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct MetricsPage {
        #[serde(default)]
        pub metrics: Vec<Metric>,
        pub next_token: Option<String>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Metric {
        pub namespace: Option<String>,
        pub metric_name: Option<String>,
        #[serde(default)]
        pub dimensions: Vec<Dimension>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Dimension {
        pub name: String,
        pub value: String,
    }
}

fn message(m: wire::Message) -> String {
    match (m.code, m.value) {
        (Some(c), Some(v)) => format!("{c}: {v}"),
        (c, v) => c.or(v).unwrap_or_default(),
    }
}

/// One page of a GetMetricData answer. Timestamps and values pair up by position; a page
/// where they do not is an answer this console cannot read, said as such.
pub fn parse_get_metric_data(
    body: &[u8],
    _region: &str,
) -> Result<Page<MetricSeries>, DecodeError> {
    let page: wire::MetricDataPage = decode(body)?;
    let general: Vec<String> = page.messages.into_iter().map(message).collect();
    let mut items = Vec::with_capacity(page.metric_data_results.len());
    for r in page.metric_data_results {
        if r.timestamps.len() != r.values.len() {
            return Err(DecodeError::new(format!(
                "metric {} has {} timestamps but {} values",
                r.id,
                r.timestamps.len(),
                r.values.len()
            )));
        }
        let mut messages: Vec<String> = r.messages.into_iter().map(message).collect();
        messages.extend(general.iter().cloned());
        items.push(MetricSeries {
            label: r.label.unwrap_or_else(|| r.id.clone()),
            id: r.id,
            points: r
                .timestamps
                .into_iter()
                .map(|t| Timestamp::from_millis(t.0))
                .zip(r.values)
                .collect(),
            status: r.status_code.unwrap_or_default(),
            messages,
        });
    }
    Ok(Page {
        items,
        next_token: token(page.next_token),
    })
}

pub fn parse_list_metrics(
    body: &[u8],
    _region: &str,
) -> Result<Page<MetricDescriptor>, DecodeError> {
    let page: wire::MetricsPage = decode(body)?;
    Ok(Page {
        items: page
            .metrics
            .into_iter()
            .map(|m| MetricDescriptor {
                namespace: m.namespace.unwrap_or_default(),
                metric: m.metric_name.unwrap_or_default(),
                dimensions: m
                    .dimensions
                    .into_iter()
                    .map(|d| (d.name, d.value))
                    .collect(),
            })
            .collect(),
        next_token: token(page.next_token),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_merge_into_one_series_per_query_oldest_first() {
        let p1 = br#"{"MetricDataResults":[{"Id":"a","Label":"L","Timestamps":[1700000120,1700000060],"Values":[2.5,1.0],"StatusCode":"PartialData"}],"NextToken":"t","Messages":[]}"#;
        let p2 = br#"{"MetricDataResults":[{"Id":"a","Timestamps":[1700000000],"Values":[0.5],"StatusCode":"Complete"},{"Id":"b","Timestamps":[],"Values":[],"StatusCode":"Complete"}]}"#;
        let a = parse_get_metric_data(p1, "r").unwrap();
        assert_eq!(a.next_token.as_deref(), Some("t"));
        let b = parse_get_metric_data(p2, "r").unwrap();
        let merged = merge(a.items.into_iter().chain(b.items).collect());
        assert_eq!(merged.len(), 2);
        let ms: Vec<(i64, f64)> = merged[0]
            .points
            .iter()
            .map(|(t, v)| (t.millis(), *v))
            .collect();
        assert_eq!(
            ms,
            vec![
                (1_700_000_000_000, 0.5),
                (1_700_000_060_000, 1.0),
                (1_700_000_120_000, 2.5)
            ]
        );
        assert!(merged[0].complete() && merged[1].points.is_empty());
        assert_eq!(merged[0].label, "L");
    }

    #[test]
    fn messages_are_kept_and_mismatched_series_are_refused() {
        let body = br#"{"MetricDataResults":[{"Id":"a","Timestamps":[],"Values":[],"StatusCode":"InternalError","Messages":[{"Code":"InternalError","Value":"try again"}]}],"Messages":[{"Code":"MaxQueryTimeRangeExceed","Value":"too long"}]}"#;
        let p = parse_get_metric_data(body, "r").unwrap();
        assert!(!p.items[0].complete());
        assert_eq!(
            p.items[0].messages,
            vec![
                "InternalError: try again",
                "MaxQueryTimeRangeExceed: too long"
            ]
        );
        let bad = br#"{"MetricDataResults":[{"Id":"a","Timestamps":[1700000000],"Values":[]}]}"#;
        assert!(parse_get_metric_data(bad, "r")
            .unwrap_err()
            .to_string()
            .contains("1 timestamps but 0 values"));
        assert!(parse_get_metric_data(b"[1]", "r").is_err());
    }
}
