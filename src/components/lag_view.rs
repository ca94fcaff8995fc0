//! The replication lag where the decision is made: on each edge of the topology (writer →
//! secondary) its latest value and a 15-minute sparkline, and for an active-active
//! Multi-Region cluster a matrix of every pair. Sizes are fixed, so nothing moves when the
//! numbers arrive or change.

use crate::state::lag::{self, LagState, Reading};
use leptos::prelude::*;

const SPARK_W: f64 = 120.0;
const SPARK_H: f64 = 24.0;

/// SVG polyline points for a series (oldest first) over the window ending at its last
/// point, scaled to the largest value (at least 1 s, so a calm line stays low).
pub fn spark_points(series: &[(i64, f64)]) -> String {
    let Some(&(end, _)) = series.last() else {
        return String::new();
    };
    let start = end - lag::WINDOW_MS;
    let top = series.iter().map(|(_, v)| *v).fold(1.0_f64, f64::max);
    series
        .iter()
        .filter(|(t, _)| *t >= start)
        .map(|(t, v)| {
            let x = (t - start) as f64 / lag::WINDOW_MS as f64 * SPARK_W;
            let y = SPARK_H - 1.0 - (v / top) * (SPARK_H - 2.0);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn Sparkline(series: Vec<(i64, f64)>, warn: bool) -> impl IntoView {
    let points = spark_points(&series);
    let peak = series.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max);
    let label = if series.is_empty() {
        "no datapoints in the last 15 minutes".to_string()
    } else {
        format!(
            "lag over the last 15 minutes, {} datapoints, peak {}",
            series.len(),
            lag::seconds_text(peak)
        )
    };
    view! {
        <svg class=if warn { "sparkline sparkline--warn" } else { "sparkline" }
            width=SPARK_W height=SPARK_H viewBox=format!("0 0 {SPARK_W} {SPARK_H}")
            role="img" aria-label=label>
            <line class="sparkline__base" x1="0" y1=SPARK_H - 0.5 x2=SPARK_W y2=SPARK_H - 0.5 />
            <polyline class="sparkline__line" points=points />
        </svg>
    }
}

/// What an edge says: `lag 0.8 s`, `⚠ lag 12 s`, `lag: no data`, `lag unknown`; with the
/// reason in the title, and whether it is the least of the resource.
fn value_text(r: Option<&Reading>, threshold: f64) -> (String, &'static str, String) {
    match r.map(|r| &r.state) {
        None => ("lag: reading…".into(), "lag--pending", String::new()),
        Some(LagState::Known { seconds, at }) => {
            let over = *seconds > threshold;
            (
                format!(
                    "{}lag {}",
                    if over { "⚠ " } else { "" },
                    lag::seconds_text(*seconds)
                ),
                if over { "lag--warn" } else { "lag--ok" },
                format!(
                    "last value at {} UTC{}",
                    crate::model::Timestamp::from_millis(*at).time_of_day(),
                    if over {
                        format!(", above the {} threshold", lag::seconds_text(threshold))
                    } else {
                        String::new()
                    }
                ),
            )
        }
        Some(LagState::NoData(why)) => ("lag: no data".into(), "lag--unknown", why.clone()),
        Some(LagState::Unknown(why)) => ("? lag unknown".into(), "lag--unknown", why.clone()),
    }
}

/// The edge from the writer's Region to one secondary.
#[component]
pub fn LagEdge(
    from: String,
    to: String,
    member: String,
    readings: Signal<Vec<Reading>>,
    least: Signal<Option<String>>,
    threshold: Signal<f64>,
) -> impl IntoView {
    let reading = {
        let member = member.clone();
        Memo::new(move |_| readings.with(|rs| rs.iter().find(|r| r.member == member).cloned()))
    };
    view! {
        <div class="topology__edge" role="group" aria-label=format!("{from} replicates to {to}")>
            <span class="topology__edge-line" aria-hidden="true">{format!("{from} ⟶ {to}")}</span>
            {move || {
                let r = reading.get();
                let (text, class, title) = value_text(r.as_ref(), threshold.get());
                let is_least = least.with(|l| l.as_deref() == Some(member.as_str()));
                let warn = class == "lag--warn";
                let series = r.map(|r| r.series).unwrap_or_default();
                view! {
                    <span class=format!("topology__lag {class}") title=title>{text}</span>
                    <span class="topology__least" class:topology__least--on=is_least>
                        {if is_least { "◆ least lag" } else { "" }}
                    </span>
                    <Sparkline series=series warn=warn />
                }
            }}
        </div>
    }
}

/// Every pair of an active-active cluster: a row per receiving regional cluster, a column per
/// source Region.
#[component]
pub fn LagMatrix(
    regions: Vec<(String, String)>,
    readings: Signal<Vec<Reading>>,
    threshold: Signal<f64>,
) -> impl IntoView {
    let sources: Vec<String> = regions.iter().map(|(r, _)| r.clone()).collect();
    let head = sources.clone();
    view! {
        <table class="lag-matrix">
            <caption>"Replication lag between regional clusters (MultiRegionClusterReplicationLag, slowest shard)"</caption>
            <thead><tr>
                <th scope="col">"Receiving ↓ · from →"</th>
                {head.into_iter().map(|r| view! { <th scope="col">{r}</th> }).collect_view()}
            </tr></thead>
            <tbody>
                {regions.into_iter().map(|(region, name)| {
                    let cells = sources.iter().cloned().map(|from| {
                        if from == region {
                            return view! { <td class="lag-matrix__self">"—"</td> }.into_any();
                        }
                        let name = name.clone();
                        view! {
                            <td>{move || {
                                let r = readings.with(|rs| rs.iter().find(|r| r.member == name && r.from_region == from).cloned());
                                let (text, class, title) = value_text(r.as_ref(), threshold.get());
                                let warn = class == "lag--warn";
                                view! {
                                    <span class=format!("topology__lag {class}") title=title>{text}</span>
                                    <Sparkline series=r.map(|r| r.series).unwrap_or_default() warn=warn />
                                }
                            }}</td>
                        }.into_any()
                    }).collect_view();
                    view! { <tr><th scope="row">{format!("{region} · {name}")}</th>{cells}</tr> }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The threshold above which lag is a preflight warning, and where the lag comes from.
#[component]
pub fn LagSettings(threshold: Signal<f64>, set_threshold: Callback<f64>) -> impl IntoView {
    view! {
        <p class="lag-settings">
            <label>
                "Warn when replication lag is above "
                <input class="field__input lag-settings__input" type="number" min="1" step="1"
                    aria-label="Lag warning threshold in seconds"
                    prop:value=move || threshold.get().to_string()
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).trim().parse::<f64>() {
                            set_threshold.run(v);
                        }
                    } />
                " s"
            </label>
            <span class="lag-settings__source">" · lag from CloudWatch, 1-minute maximum, read once a minute while shown"</span>
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sparkline_spans_the_window_and_scales_to_its_peak() {
        let end = 1_714_564_800_000;
        let p = spark_points(&[(end - lag::WINDOW_MS, 0.0), (end, 4.0)]);
        assert_eq!(p, "0.0,23.0 120.0,1.0");
        assert_eq!(spark_points(&[]), "");
        let calm = spark_points(&[(end, 0.5)]);
        assert_eq!(calm, "120.0,12.0");
    }
}
